//! Builds a Cargo package for wasm32-wasip1 in a content-addressed copy.

use std::path::Path;
use std::process::Command;

use super::artifact::{self, Built};
use super::cache::{Cache, content_key, copy_tree};
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
    let area = cache.build_dir("cargo", &key);
    let done = area.join("artifact.wasm");
    if done.is_file() {
        return artifact::from_file(&done).map(|artifact| Built {
            artifact,
            cached: true,
        });
    }
    notify(format!("building {} for {WASI_TARGET}", dir.display()));
    let io = |err: std::io::Error| {
        BuildError::Io(format!(
            "cannot prepare the build area {}: {err}",
            area.display()
        ))
    };
    let source = area.join("src");
    if source.exists() {
        std::fs::remove_dir_all(&source).map_err(io)?;
    }
    copy_tree(dir, &source).map_err(io)?;

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
        .arg(area.join("target"))
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
    // Publish atomically so concurrent evaluations never read a half-copied artifact.
    let temp = area.join(format!("artifact.{}.tmp", std::process::id()));
    std::fs::copy(module, &temp)
        .and_then(|_| std::fs::rename(&temp, &done))
        .map_err(io)?;
    artifact::from_file(&done).map(|artifact| Built {
        artifact,
        cached: false,
    })
}
