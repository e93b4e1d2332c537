//! What kind of thing a reference or candidate path is.

use std::path::{Path, PathBuf};

use super::BuildError;

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Source {
    /// A module file: `.wasm`, or `.wat` text.
    Module(PathBuf),
    /// A Cargo package (folder with `Cargo.toml`) built for wasm32-wasip1.
    Cargo(PathBuf),
    /// A script run with `sh`, which writes the module to `$CLEANROOM_OUT`.
    Command(PathBuf),
}

impl Source {
    /// A candidate: a `.wasm`/`.wat` file, a folder holding `executable.wasm`, or a Cargo package.
    pub fn for_candidate(path: &Path) -> Result<Source, BuildError> {
        if path.is_file() {
            return Ok(Source::Module(path.to_path_buf()));
        }
        if path.is_dir() {
            let prebuilt = path.join("executable.wasm");
            if prebuilt.is_file() {
                return Ok(Source::Module(prebuilt));
            }
            if path.join("Cargo.toml").is_file() {
                return Ok(Source::Cargo(path.to_path_buf()));
            }
            return Err(BuildError::NotBuildable(format!(
                "{} holds neither executable.wasm nor Cargo.toml; a candidate is a .wasm file, a folder with executable.wasm, or a Cargo package",
                path.display()
            )));
        }
        Err(BuildError::NotBuildable(format!(
            "the candidate {} does not exist",
            path.display()
        )))
    }
}
