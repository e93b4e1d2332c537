//! What kind of thing a reference or candidate path is.

use std::path::{Path, PathBuf};

use super::BuildError;

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Source {
    /// A ready program file: a module (`.wasm`, `.wat` text) or a native executable.
    Prebuilt(PathBuf),
    /// A Cargo package (folder with `Cargo.toml`) built for wasm32-wasip1.
    Cargo(PathBuf),
    /// A task's build script run with `sh`, which writes the module to `$CLEANROOM_OUT`.
    Command(PathBuf),
    /// A submission folder with a build script (`compile.sh` or `build.sh`) that leaves
    /// `executable.wasm` or `executable` behind, ProgramBench's contract.
    Script { dir: PathBuf, script: String },
}

/// Build scripts a submission may have, in order of preference.
const SCRIPTS: [&str; 2] = ["compile.sh", "build.sh"];

impl Source {
    /// A candidate: a program file; or a folder with a build script, a prebuilt
    /// `executable.wasm` or `executable`, or a Cargo package (checked in that order).
    pub fn for_candidate(path: &Path) -> Result<Source, BuildError> {
        if path.is_file() {
            return Ok(Source::Prebuilt(path.to_path_buf()));
        }
        if !path.is_dir() {
            return Err(BuildError::NotBuildable(format!(
                "the candidate {} does not exist",
                path.display()
            )));
        }
        if let Some(script) = SCRIPTS.iter().find(|script| path.join(script).is_file()) {
            return Ok(Source::Script {
                dir: path.to_path_buf(),
                script: script.to_string(),
            });
        }
        for prebuilt in ["executable.wasm", "executable"] {
            if path.join(prebuilt).is_file() {
                return Ok(Source::Prebuilt(path.join(prebuilt)));
            }
        }
        if path.join("Cargo.toml").is_file() {
            return Ok(Source::Cargo(path.to_path_buf()));
        }
        Err(BuildError::NotBuildable(format!(
            "{} holds no compile.sh, build.sh, executable.wasm, executable or Cargo.toml; see docs/task-format.md for what a candidate may be",
            path.display()
        )))
    }
}
