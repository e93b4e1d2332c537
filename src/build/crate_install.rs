//! Installs a published crate for wasm32-wasip1 (`cargo install NAME@VERSION`) into a
//! build area keyed by the recipe and the Rust toolchain, so it is built once.

use std::path::{Path, PathBuf};
use std::process::Command;

use sha2::{Digest, Sha256};

use super::area::{self, Opened};
use super::artifact::Built;
use super::cache::Cache;
use super::process::{self, minutes};
use super::source::CrateRecipe;
use super::toolchain::{WASI_TARGET, ensure_wasi_target};
use super::{BuildError, Notify};

/// Bump when the way crates are installed changes, so old cache entries are not reused.
const RECIPE: &str = "crate-install-v1";

pub fn build(recipe: &CrateRecipe, cache: &Cache, notify: Notify<'_>) -> Result<Built, BuildError> {
    let rustc_version = ensure_wasi_target(notify)?;
    let recipe_text = format!(
        "{RECIPE}\n{}\n{}\n{:?}\n{:?}\n{}\n{}\n{rustc_version}",
        recipe.name,
        recipe.version,
        recipe.bin,
        recipe.features,
        recipe.default_features,
        recipe.locked
    );
    let key = crate::task::hex_digest(&Sha256::digest(recipe_text.as_bytes()));
    let area = match area::open(cache, "crate", &key)? {
        Opened::Done(path) => return area::reuse(&path),
        Opened::Locked(area) => area,
    };
    let spec = recipe.spec();
    notify(match &recipe.plan.build_time {
        Some(time) => {
            format!("building {spec} for {WASI_TARGET} (takes {time}; built once, then cached)")
        }
        None => format!("building {spec} for {WASI_TARGET} (built once, then cached)"),
    });
    let root = area.dir().join("root");
    let target = area.dir().join("target");
    let mut command = Command::new(std::env::var("CARGO").unwrap_or_else(|_| "cargo".into()));
    command
        .args(["install", "--target", WASI_TARGET, "--force"])
        .arg(&spec)
        .arg("--root")
        .arg(&root)
        .arg("--target-dir")
        .arg(&target)
        // Debug info only makes modules bigger and slower to compile; behaviour is the same.
        .env("CARGO_PROFILE_RELEASE_DEBUG", "false")
        .env("CARGO_PROFILE_RELEASE_STRIP", "debuginfo")
        .env("CARGO_TERM_COLOR", "never")
        .env_remove("RUSTFLAGS")
        .env_remove("CARGO_BUILD_TARGET")
        .current_dir(area.dir());
    if recipe.locked {
        command.arg("--locked");
    }
    if !recipe.default_features {
        command.arg("--no-default-features");
    }
    if !recipe.features.is_empty() {
        command.arg("--features").arg(recipe.features.join(","));
    }
    if let Some(bin) = &recipe.bin {
        command.arg("--bin").arg(bin);
    }
    let finished = process::run_with_progress(command, recipe.plan.timeout, &mut |elapsed| {
        notify(format!(
            "{spec}: still building, {} so far",
            minutes(elapsed)
        ))
    })
    .map_err(|err| {
        BuildError::Toolchain(format!(
            "cannot run cargo: {err}; install Rust from rustup.rs"
        ))
    })?;
    if !finished.success {
        return Err(BuildError::Failed {
            log: format!("{}{}", finished.stdout, finished.log),
        });
    }
    let module = installed_module(&root.join("bin"), recipe.bin.as_deref())
        .map_err(|message| BuildError::NotBuildable(format!("{spec}: {message}")))?;
    let built = area.publish(&module, false)?;
    // The target folder holds hundreds of MB of intermediate files; the artifact is kept.
    let _ = std::fs::remove_dir_all(&target);
    Ok(built)
}

/// The installed `.wasm`: the one named `bin`, or the only one.
fn installed_module(bin_dir: &Path, bin: Option<&str>) -> Result<PathBuf, String> {
    let mut modules: Vec<PathBuf> = std::fs::read_dir(bin_dir)
        .map_err(|err| format!("cargo install left no {}: {err}", bin_dir.display()))?
        .filter_map(|entry| entry.ok().map(|e| e.path()))
        .filter(|path| path.extension().is_some_and(|ext| ext == "wasm"))
        .collect();
    modules.sort();
    match bin {
        Some(bin) => modules
            .into_iter()
            .find(|path| path.file_stem().is_some_and(|stem| stem == bin))
            .ok_or_else(|| format!("cargo install did not produce the binary {bin:?}")),
        None => match <[PathBuf; 1]>::try_from(modules) {
            Ok([module]) => Ok(module),
            Err(modules) => Err(format!(
                "the crate installs {} binaries; name one with `bin = \"...\"`",
                modules.len()
            )),
        },
    }
}
