//! The C-to-WASI toolchain: the recipe in `toolchains/wasi-c/` (embedded at compile time)
//! is set up once per recipe version under `<cache>/tools/`, and builds that need it get
//! its folder as `$CLEANROOM_WASI_C` (`. "$CLEANROOM_WASI_C/env.sh"` exports `CC` & co).

use std::fs::File;
use std::path::PathBuf;
use std::process::Command;
use std::sync::Mutex;
use std::time::Duration;

use sha2::{Digest, Sha256};

use super::process::{self, minutes};
use super::{BuildError, Notify};

mod embedded {
    include!(concat!(env!("OUT_DIR"), "/wasi_c_files.rs"));
}

/// A toolchain that is set up and ready.
#[derive(Debug, Clone)]
pub struct WasiC {
    /// The folder holding `env.sh`.
    pub dir: PathBuf,
    /// Identifies the recipe; part of the cache key of everything built with it.
    pub hash: String,
}

/// setup.sh's exit status when a system package is missing and cannot be installed.
const MISSING_PACKAGES: i32 = 3;

const SETUP_TIMEOUT: Duration = Duration::from_secs(30 * 60);

static READY: Mutex<Option<WasiC>> = Mutex::new(None);

/// Sets the toolchain up (installing Debian packages where it can, saying so) unless a
/// previous run did.
pub fn ensure(cache: &super::Cache, notify: Notify<'_>) -> Result<WasiC, BuildError> {
    let mut ready = READY.lock().unwrap_or_else(|p| p.into_inner());
    if let Some(toolchain) = ready.as_ref().filter(|t| t.dir.starts_with(cache.dir())) {
        return Ok(toolchain.clone());
    }
    if embedded::FILES.is_empty() {
        return Err(BuildError::Toolchain(
            "this cleanroom was built without toolchains/wasi-c, so it cannot build C programs; rebuild it from the repository".into(),
        ));
    }
    let mut hasher = Sha256::new();
    for (name, content) in embedded::FILES {
        super::cache::hash_file(&mut hasher, name, content);
    }
    let recipe_hash = crate::task::hex_digest(&hasher.finalize());
    let tools = cache.dir().join("tools");
    let dir = tools.join(format!("wasi-c-{}", &recipe_hash[..16]));
    // setup.sh runs once per process: when the toolchain is there it only compares its
    // stamp (the recipe and the installed Debian package versions) and exits in ~40 ms.
    // The stamp is part of the hash, so builds redo themselves after a clang upgrade.
    let stamp = set_up(&dir, &tools, &recipe_hash, notify)?;
    let hash = crate::task::hex_digest(&Sha256::digest(format!("{recipe_hash}\n{stamp}")));
    let toolchain = WasiC { dir, hash };
    *ready = Some(toolchain.clone());
    Ok(toolchain)
}

/// Runs setup.sh into `dir` (under a lock shared with other processes) and returns the
/// stamp it leaves.
fn set_up(
    dir: &std::path::Path,
    tools: &std::path::Path,
    recipe_hash: &str,
    notify: Notify<'_>,
) -> Result<String, BuildError> {
    let io = |err: std::io::Error| {
        BuildError::Io(format!(
            "cannot set up the C toolchain in {}: {err}",
            dir.display()
        ))
    };
    std::fs::create_dir_all(tools).map_err(io)?;
    let lock =
        File::create(tools.join(format!("wasi-c-{}.lock", &recipe_hash[..16]))).map_err(io)?;
    lock.lock().map_err(io)?;
    let recipe = dir.join("recipe");
    if recipe.exists() {
        std::fs::remove_dir_all(&recipe).map_err(io)?;
    }
    for (name, content) in embedded::FILES {
        let path = recipe.join(name);
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent).map_err(io)?;
        }
        std::fs::write(&path, content).map_err(io)?;
    }
    let stamp_path = dir.join("stamp");
    if !stamp_path.is_file() {
        notify(format!(
            "setting up the C-to-WASI toolchain in {} (one time; installs Debian packages if missing)",
            dir.display()
        ));
    }
    let mut command = Command::new("sh");
    command
        .arg(recipe.join("setup.sh"))
        .arg(dir)
        .current_dir(&recipe);
    let finished = process::run_with_progress(command, SETUP_TIMEOUT, &mut |elapsed| {
        notify(format!(
            "C toolchain: still setting up, {} so far",
            minutes(elapsed)
        ))
    })
    .map_err(|err| {
        BuildError::Toolchain(format!("cannot run sh to set up the C toolchain: {err}"))
    })?;
    if !finished.success {
        let missing = finished.code == Some(MISSING_PACKAGES);
        return Err(BuildError::Toolchain(format!(
            "{}\n{}{}",
            if missing {
                "the C-to-WASI toolchain needs system packages that are not installed (see below); install them and run again"
            } else {
                "setting up the C-to-WASI toolchain failed; its log follows (docs/c-toolchain.md explains the set-up)"
            },
            finished.stdout,
            finished.log
        )));
    }
    std::fs::read_to_string(&stamp_path)
        .map(|stamp| stamp.trim().to_string())
        .map_err(io)
}
