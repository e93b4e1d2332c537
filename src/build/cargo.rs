//! Builds a Cargo package for wasm32-wasip1 in a content-addressed copy.

use std::path::Path;
use std::process::Command;

use super::area::{self, Opened};
use super::artifact::Built;
use super::cache::{Cache, content_key};
use super::process::{self, BUILD_TIMEOUT};
use super::toolchain::{WASI_TARGET, ensure_wasi_target};
use super::{BuildError, Notify};

/// Bump when the way packages are built changes, so old cache entries are not reused.
const RECIPE: &str = "cargo-wasm32-wasip1-release-v1";

pub fn build(dir: &Path, cache: &Cache, notify: Notify<'_>) -> Result<Built, BuildError> {
    let rustc_version = ensure_wasi_target(notify)?;
    let key = content_key(dir, &format!("{RECIPE}\n{rustc_version}")).map_err(|err| {
        BuildError::NotBuildable(format!("cannot read the package {}: {err}", dir.display()))
    })?;
    let area = match area::open(cache, "cargo", &key)? {
        Opened::Done(path) => return area::reuse(&path),
        Opened::Locked(area) => area,
    };
    notify(format!("building {} for {WASI_TARGET}", dir.display()));
    let source = area.copy_sources(dir)?;

    let mut command = Command::new(std::env::var("CARGO").unwrap_or_else(|_| "cargo".into()));
    command
        .args([
            "build",
            "--release",
            "--target",
            WASI_TARGET,
            "--message-format=json-render-diagnostics",
        ])
        .arg("--manifest-path")
        .arg(source.join("Cargo.toml"))
        .arg("--target-dir")
        .arg(area.dir().join("target"))
        .env("CARGO_TERM_COLOR", "never")
        .env_remove("RUSTFLAGS")
        .env_remove("CARGO_BUILD_TARGET")
        .current_dir(&source);
    let finished = process::run(command, BUILD_TIMEOUT).map_err(|err| {
        BuildError::Toolchain(format!(
            "cannot run cargo: {err}; install Rust from rustup.rs"
        ))
    })?;
    if !finished.success {
        return Err(BuildError::Failed { log: finished.log });
    }
    let modules: Vec<String> = finished
        .stdout
        .lines()
        .filter_map(|line| serde_json::from_str::<serde_json::Value>(line).ok())
        .filter(|message| message["reason"] == "compiler-artifact")
        .filter_map(|message| message["executable"].as_str().map(str::to_string))
        .filter(|path| path.ends_with(".wasm"))
        .collect();
    let [module] = modules.as_slice() else {
        return Err(BuildError::NotBuildable(format!(
            "the package {} must build exactly one binary, found {}",
            dir.display(),
            modules.len()
        )));
    };
    area.publish(Path::new(module), false)
}
