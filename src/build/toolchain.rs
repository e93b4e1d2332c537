//! Makes sure the Rust wasm32-wasip1 target is there, installing it with rustup once.

use std::path::PathBuf;
use std::process::Command;
use std::sync::Mutex;

use super::{BuildError, Notify};

pub const WASI_TARGET: &str = "wasm32-wasip1";

static CHECKED: Mutex<Option<String>> = Mutex::new(None);

/// Returns the `rustc -vV` text (part of every cache key) once the target is usable.
pub fn ensure_wasi_target(notify: Notify<'_>) -> Result<String, BuildError> {
    let mut checked = CHECKED.lock().unwrap_or_else(|p| p.into_inner());
    if let Some(version) = checked.as_ref() {
        return Ok(version.clone());
    }
    let version = output(Command::new(rustc()).arg("-vV")).ok_or_else(|| {
        BuildError::Toolchain("rustc was not found; install Rust from rustup.rs".into())
    })?;
    let sysroot = output(Command::new(rustc()).args(["--print", "sysroot"])).unwrap_or_default();
    let installed = PathBuf::from(sysroot.trim())
        .join("lib/rustlib")
        .join(WASI_TARGET)
        .is_dir();
    if !installed {
        notify(format!(
            "installing the Rust target {WASI_TARGET} with rustup (one time, ~10 s)"
        ));
        let status = Command::new("rustup")
            .args(["target", "add", WASI_TARGET])
            .status();
        if !status.is_ok_and(|s| s.success()) {
            return Err(BuildError::Toolchain(format!(
                "the Rust target {WASI_TARGET} is missing and `rustup target add {WASI_TARGET}` failed; install it by hand"
            )));
        }
    }
    *checked = Some(version.clone());
    Ok(version)
}

fn rustc() -> String {
    std::env::var("RUSTC").unwrap_or_else(|_| "rustc".into())
}

fn output(command: &mut Command) -> Option<String> {
    let out = command.output().ok()?;
    out.status
        .success()
        .then(|| String::from_utf8_lossy(&out.stdout).into_owned())
}
