//! Builds a submission with its own `compile.sh`/`build.sh`, as ProgramBench does: in a
//! content-addressed copy, with a time limit, the log kept, and (where the OS allows)
//! no network, so that a script cannot fetch the upstream source.

use std::path::Path;
use std::process::Command;

use super::area::{self, Opened};
use super::artifact::Built;
use super::cache::{Cache, content_key};
use super::process::{self, BUILD_TIMEOUT};
use super::{BuildError, Notify};

/// Bump when the way scripts are run changes, so old cache entries are not reused.
const RECIPE: &str = "script-v1";

pub fn build(
    dir: &Path,
    script: &str,
    cache: &Cache,
    notify: Notify<'_>,
) -> Result<Built, BuildError> {
    let key = content_key(dir, RECIPE).map_err(|err| {
        BuildError::NotBuildable(format!(
            "cannot read the submission {}: {err}",
            dir.display()
        ))
    })?;
    let area = match area::open(cache, "script", &key)? {
        Opened::Done(path) => return area::reuse(&path),
        Opened::Locked(area) => area,
    };
    notify(format!("running {script} of {}", dir.display()));
    let source = area.copy_sources(dir)?;
    let mut command = Command::new("sh");
    // The build happens in this copy: a cargo inside must not send its output to the
    // caller's target folder or build for another target.
    command
        .arg(script)
        .current_dir(&source)
        .env_remove("CARGO_TARGET_DIR")
        .env_remove("CARGO_BUILD_TARGET");
    let network = if crate::isolation::confine(&mut command) {
        "cleanroom: the network was disabled for this build\n"
    } else {
        "cleanroom: the network was NOT disabled for this build (no network namespace on this machine)\n"
    };
    let finished = process::run(command, BUILD_TIMEOUT)
        .map_err(|err| BuildError::Toolchain(format!("cannot run sh: {err}")))?;
    let log = format!("{network}{}{}", finished.stdout, finished.log);
    if !finished.success {
        return Err(BuildError::Failed { log });
    }
    let (built, native) = if source.join("executable.wasm").is_file() {
        (source.join("executable.wasm"), false)
    } else if source.join("executable").is_file() {
        (source.join("executable"), true)
    } else {
        return Err(BuildError::Failed {
            log: format!(
                "{log}\ncleanroom: {script} succeeded but left neither executable.wasm nor executable"
            ),
        });
    };
    area.publish(&built, native)
}
