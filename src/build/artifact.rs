//! What a build produces, and how it can fail.

use std::path::{Path, PathBuf};

use sha2::{Digest, Sha256};

/// A program ready to load: a wasm module or a native executable.
#[derive(Debug, Clone)]
pub struct Artifact {
    pub path: PathBuf,
    pub bytes: Vec<u8>,
    pub sha256: [u8; 32],
    pub kind: ArtifactKind,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ArtifactKind {
    /// Run by the wasmtime sandbox (binary or `.wat` text; anything unrecognised is tried
    /// as a module and reported `invalid_program`).
    Wasm,
    /// Run by the native runner: an ELF, Mach-O or PE executable, or a `#!` script.
    Native,
}

impl ArtifactKind {
    /// Recognises native executables by their first bytes.
    pub fn of(bytes: &[u8]) -> ArtifactKind {
        const NATIVE_MAGIC: [&[u8]; 7] = [
            b"\x7fELF",
            b"MZ",
            b"#!",
            &[0xfe, 0xed, 0xfa, 0xce],
            &[0xfe, 0xed, 0xfa, 0xcf],
            &[0xce, 0xfa, 0xed, 0xfe],
            &[0xcf, 0xfa, 0xed, 0xfe],
        ];
        if NATIVE_MAGIC.iter().any(|magic| bytes.starts_with(magic)) {
            ArtifactKind::Native
        } else {
            ArtifactKind::Wasm
        }
    }
}

impl Artifact {
    pub fn sha256_hex(&self) -> String {
        crate::task::hex_digest(&self.sha256)
    }
}

#[derive(Debug, Clone)]
pub struct Built {
    pub artifact: Artifact,
    /// True when nothing had to be compiled.
    pub cached: bool,
}

#[derive(Debug, Clone, thiserror::Error)]
pub enum BuildError {
    /// The sources do not compile (the candidate's fault). Holds the build log.
    #[error("the build failed")]
    Failed { log: String },
    /// The path is not something we know how to build.
    #[error("{0}")]
    NotBuildable(String),
    /// A tool is missing; the message names what to install.
    #[error("{0}")]
    Toolchain(String),
    /// The evaluator could not do its part (disk, cache, spawning a process).
    #[error("{0}")]
    Io(String),
}

impl BuildError {
    /// The candidate's fault (its cases become `not_run`), as opposed to ours (`error`).
    pub fn is_candidate_fault(&self) -> bool {
        matches!(
            self,
            BuildError::Failed { .. } | BuildError::NotBuildable(_)
        )
    }

    pub fn log(&self) -> String {
        match self {
            BuildError::Failed { log } => log.clone(),
            other => other.to_string(),
        }
    }
}

pub fn from_file(path: &Path) -> Result<Artifact, BuildError> {
    let bytes = std::fs::read(path).map_err(|err| {
        BuildError::NotBuildable(format!("cannot read {}: {err}", path.display()))
    })?;
    let sha256 = Sha256::digest(&bytes).into();
    let kind = ArtifactKind::of(&bytes);
    Ok(Artifact {
        path: path.to_path_buf(),
        bytes,
        sha256,
        kind,
    })
}
