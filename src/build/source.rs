//! What kind of thing a reference or candidate is, and how it is built.

use std::path::{Path, PathBuf};
use std::time::Duration;

use super::BuildError;

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Source {
    /// A ready program file: a module (`.wasm`, `.wat` text) or a native executable.
    Prebuilt(PathBuf),
    /// A Cargo package (folder with `Cargo.toml`) built for wasm32-wasip1.
    Cargo(PathBuf),
    /// A task's own (trusted) build script, which writes the program to `$CLEANROOM_OUT`.
    Command(CommandRecipe),
    /// A published crate installed for wasm32-wasip1 (`cargo install`).
    Crate(CrateRecipe),
    /// A submission folder with a build script (`compile.sh` or `build.sh`) that leaves
    /// `executable.wasm` or `executable` behind, ProgramBench's contract.
    Script { dir: PathBuf, script: String },
    /// A folder of C sources (`*.c`, no build script) compiled with the C-to-WASI toolchain.
    CProject(PathBuf),
}

/// Toolchains a task's build script can ask for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Toolchain {
    /// clang + wasi-libc + our compatibility layer (`toolchains/wasi-c/`).
    WasiC,
}

impl Toolchain {
    pub const ALL: [Toolchain; 1] = [Toolchain::WasiC];

    /// The name used in `needs = [...]`.
    pub fn name(self) -> &'static str {
        match self {
            Toolchain::WasiC => "wasi-c",
        }
    }

    pub fn from_name(name: &str) -> Option<Toolchain> {
        Toolchain::ALL.into_iter().find(|t| t.name() == name)
    }
}

/// What every slow, task-declared build shares.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BuildPlan {
    /// How long the build takes, in the task author's words ("about 6 min on 2 cores").
    pub build_time: Option<String>,
    pub timeout: Duration,
}

/// Builds that do not say otherwise may take this long.
pub const DEFAULT_RECIPE_TIMEOUT: Duration = Duration::from_secs(30 * 60);

impl Default for BuildPlan {
    fn default() -> Self {
        BuildPlan {
            build_time: None,
            timeout: DEFAULT_RECIPE_TIMEOUT,
        }
    }
}

/// `command = "build/x.sh"`: a task-authored script. Cached by the content of the
/// script's folder and the toolchains it needs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CommandRecipe {
    pub script: PathBuf,
    pub needs: Vec<Toolchain>,
    pub plan: BuildPlan,
}

/// `crate = { name, version, … }`: `cargo install NAME@VERSION --target wasm32-wasip1`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CrateRecipe {
    pub name: String,
    pub version: String,
    /// The binary to install when the crate has several.
    pub bin: Option<String>,
    pub features: Vec<String>,
    pub default_features: bool,
    /// Use the crate's own `Cargo.lock` (`cargo install --locked`).
    pub locked: bool,
    pub plan: BuildPlan,
}

impl CrateRecipe {
    /// `name@version`, as people write it.
    pub fn spec(&self) -> String {
        format!("{}@{}", self.name, self.version)
    }
}

/// Build scripts a submission may have, in order of preference.
const SCRIPTS: [&str; 2] = ["compile.sh", "build.sh"];

impl Source {
    /// A candidate: a program file; or a folder with a build script, a prebuilt
    /// `executable.wasm` or `executable`, a Cargo package, or C sources (checked in that
    /// order).
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
        if super::c_project::has_c_sources(path) {
            return Ok(Source::CProject(path.to_path_buf()));
        }
        Err(BuildError::NotBuildable(format!(
            "{} holds no compile.sh, build.sh, executable.wasm, executable, Cargo.toml or *.c files; see docs/task-format.md for what a candidate may be",
            path.display()
        )))
    }
}
