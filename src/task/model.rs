//! The plain types a task folder is read into.

use std::path::PathBuf;

use crate::build::{BuildError, CommandRecipe, CrateRecipe, Source};
use crate::limits::Limits;

/// One task: a reference program and the behaviour cases that pin it down.
#[derive(Debug, Clone)]
pub struct Task {
    pub id: String,
    /// argv[0] as the program sees it.
    pub program: String,
    pub summary: String,
    /// The task folder.
    pub dir: PathBuf,
    pub reference: ProgramSource,
    /// The task's default limits (already merged over the built-in defaults).
    pub limits: Limits,
    /// The task's default comparison rules.
    pub compare: CompareRules,
    /// `tests/*.toml`, sorted by file name.
    pub case_files: Vec<CaseFile>,
    /// Sample submissions: `candidates/*` and `[candidates.NAME]`, sorted by name.
    pub candidates: Vec<Candidate>,
    /// `ignore.toml`: cases left out of scoring, with reasons (sorted).
    pub ignored: Vec<super::Ignored>,
    /// Warnings about `ignore.toml` entries naming cases the task does not have.
    pub stale_ignores: Vec<String>,
}

impl Task {
    /// All cases of the task in a stable order (file name, then position in the file).
    pub fn cases(&self) -> impl Iterator<Item = &Case> {
        self.case_files.iter().flat_map(|file| file.cases.iter())
    }

    pub fn case_count(&self) -> usize {
        self.case_files.iter().map(|file| file.cases.len()).sum()
    }
}

/// How a program is obtained: a task's reference, or a candidate the task declares.
/// Paths are absolute and inside the task folder.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ProgramSource {
    /// A Cargo package built for wasm32-wasip1.
    Cargo(PathBuf),
    /// A prebuilt module (`.wasm`, or `.wat` text).
    Wasm(PathBuf),
    /// A task-authored script that writes the program to `$CLEANROOM_OUT`.
    Command(CommandRecipe),
    /// A published crate installed for wasm32-wasip1.
    Crate(CrateRecipe),
    /// A program for the native runner: an executable, or a folder that is built like a
    /// candidate (`compile.sh`, `executable`, …).
    Native(PathBuf),
}

impl ProgramSource {
    /// What the build stage gets.
    pub fn build_source(&self) -> Result<Source, BuildError> {
        Ok(match self {
            ProgramSource::Cargo(dir) => Source::Cargo(dir.clone()),
            ProgramSource::Wasm(file) => Source::Prebuilt(file.clone()),
            ProgramSource::Command(recipe) => Source::Command(recipe.clone()),
            ProgramSource::Crate(recipe) => Source::Crate(recipe.clone()),
            ProgramSource::Native(path) => Source::for_candidate(path)?,
        })
    }

    /// How long building takes, in the task author's words, for slow builds.
    pub fn build_time(&self) -> Option<&str> {
        match self {
            ProgramSource::Command(recipe) => recipe.plan.build_time.as_deref(),
            ProgramSource::Crate(recipe) => recipe.plan.build_time.as_deref(),
            _ => None,
        }
    }
}

/// A sample submission of the task: an entry of `candidates/`, or a `[candidates.NAME]`
/// table of `task.toml`.
#[derive(Debug, Clone)]
pub struct Candidate {
    pub name: String,
    pub origin: CandidateOrigin,
    /// Built and evaluated only when asked for (`--all`, `--only NAME`): slow builds.
    pub on_request: bool,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CandidateOrigin {
    /// A file or folder, built like any submission (`--candidate PATH`, `candidates/*`).
    Path(PathBuf),
    /// Declared in `task.toml`; trusted like the reference.
    Declared(ProgramSource),
}

impl CandidateOrigin {
    pub fn build_source(&self) -> Result<Source, BuildError> {
        match self {
            CandidateOrigin::Path(path) => Source::for_candidate(path),
            CandidateOrigin::Declared(source) => source.build_source(),
        }
    }

    pub fn build_time(&self) -> Option<&str> {
        match self {
            CandidateOrigin::Path(_) => None,
            CandidateOrigin::Declared(source) => source.build_time(),
        }
    }
}

impl Candidate {
    /// Where the candidate comes from, for reports: its path, or its table in task.toml.
    pub fn describe(&self, task_dir: &std::path::Path) -> String {
        match &self.origin {
            CandidateOrigin::Path(path) => path.display().to_string(),
            CandidateOrigin::Declared(_) => format!(
                "{} [candidates.{}]",
                task_dir.join("task.toml").display(),
                self.name
            ),
        }
    }
}

/// One `tests/<stem>.toml` file.
#[derive(Debug, Clone)]
pub struct CaseFile {
    pub path: PathBuf,
    pub stem: String,
    pub cases: Vec<Case>,
}

/// One behavioural test case.
#[derive(Debug, Clone)]
pub struct Case {
    /// `<file stem>/<name>`: unique within the task.
    pub id: String,
    pub name: String,
    /// Line of the case's `[[case]]` header in its file.
    pub line: usize,
    pub args: Vec<String>,
    pub stdin: Vec<u8>,
    /// Exactly the environment the program sees, sorted by name.
    pub env: Vec<(String, String)>,
    /// Files placed in the working directory before the run (relative `/` paths).
    pub files: Vec<(String, Vec<u8>)>,
    pub limits: Limits,
    pub compare: CompareRules,
    pub visibility: Visibility,
    /// `None` until `cleanroom record` has written it.
    pub expect: Option<Expectation>,
    /// Why the case does not count (from `ignore.toml`); empty for a scored case.
    pub ignored: Vec<super::IgnoreReason>,
}

/// Whether a rebuilder may see a case.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Visibility {
    #[default]
    Hidden,
    Public,
}

// The comparison types live in the `cleanroom-judge` crate (shared with the web demo).
pub use cleanroom_judge::expect::{CompareMode, CompareRules, Expectation, ExpectedFile};
