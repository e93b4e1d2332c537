//! Builds a folder of C sources (no build script) for WASI with the C-to-WASI toolchain:
//! every `*.c` file compiled and linked into one module, in a copy, without network.

use std::path::{Path, PathBuf};
use std::process::Command;

use super::area::{self, Opened};
use super::artifact::Built;
use super::cache::{Cache, content_key};
use super::process::{self, BUILD_TIMEOUT};
use super::{BuildError, Notify, wasi_c};

/// Bump when the way C projects are built changes, so old cache entries are not reused.
const RECIPE: &str = "c-project-v1";

/// True when `dir` holds `*.c` files (at any depth, hidden folders skipped).
pub fn has_c_sources(dir: &Path) -> bool {
    !c_sources(dir, dir).is_empty()
}

/// Relative paths of the `*.c` files below `dir`, sorted.
fn c_sources(root: &Path, dir: &Path) -> Vec<PathBuf> {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return Vec::new();
    };
    let mut found = Vec::new();
    for path in entries.filter_map(|entry| entry.ok().map(|e| e.path())) {
        let hidden = path
            .file_name()
            .is_some_and(|name| name.to_string_lossy().starts_with('.'));
        if hidden {
            continue;
        }
        if path.is_dir() {
            found.extend(c_sources(root, &path));
        } else if path.extension().is_some_and(|ext| ext == "c") {
            found.push(path.strip_prefix(root).unwrap_or(&path).to_path_buf());
        }
    }
    found.sort();
    found
}

pub fn build(dir: &Path, cache: &Cache, notify: Notify<'_>) -> Result<Built, BuildError> {
    let toolchain = wasi_c::ensure(cache, notify)?;
    let key = content_key(dir, &format!("{RECIPE}\n{}", toolchain.hash)).map_err(|err| {
        BuildError::NotBuildable(format!(
            "cannot read the submission {}: {err}",
            dir.display()
        ))
    })?;
    let area = match area::open(cache, "c", &key)? {
        Opened::Done(path) => return area::reuse(&path),
        Opened::Locked(area) => area,
    };
    notify(format!(
        "compiling the C sources of {} for WASI",
        dir.display()
    ));
    let source = area.copy_sources(dir)?;
    let mut command = Command::new("sh");
    command
        .arg("-c")
        .arg(
            r#". "$CLEANROOM_WASI_C/env.sh" && exec $CC $CFLAGS $WASI_SJLJ_CFLAGS -I. "$@" -o executable.wasm $LDFLAGS -lm"#,
        )
        .arg("sh")
        .args(c_sources(&source, &source))
        .env("CLEANROOM_WASI_C", &toolchain.dir)
        .current_dir(&source);
    let network = if crate::isolation::confine(&mut command) {
        "cleanroom: the network was disabled for this build\n"
    } else {
        "cleanroom: the network was NOT disabled for this build (no network namespace on this machine)\n"
    };
    let finished = process::run(command, BUILD_TIMEOUT)
        .map_err(|err| BuildError::Toolchain(format!("cannot run sh: {err}")))?;
    let log = format!("{network}{}{}", finished.stdout, finished.log);
    if !finished.success || !source.join("executable.wasm").is_file() {
        return Err(BuildError::Failed { log });
    }
    area.publish(&source.join("executable.wasm"), false)
}
