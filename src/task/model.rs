//! The plain types a task folder is read into.

use std::path::PathBuf;

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
    pub reference: ReferenceSource,
    /// The task's default limits (already merged over the built-in defaults).
    pub limits: Limits,
    /// The task's default comparison rules.
    pub compare: CompareRules,
    /// `tests/*.toml`, sorted by file name.
    pub case_files: Vec<CaseFile>,
    /// `candidates/*` (name, path), sorted by name: sample submissions.
    pub candidates: Vec<(String, PathBuf)>,
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

/// How the reference program is obtained. Paths are absolute and inside the task folder.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ReferenceSource {
    /// A Cargo package built for wasm32-wasip1.
    Cargo(PathBuf),
    /// A prebuilt module (`.wasm`, or `.wat` text).
    Wasm(PathBuf),
    /// A script run with `sh` that writes the module to `$CLEANROOM_OUT`.
    Command(PathBuf),
    /// A program for the native runner: an executable, or a folder that is built like a
    /// candidate (`compile.sh`, `executable`, …).
    Native(PathBuf),
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
