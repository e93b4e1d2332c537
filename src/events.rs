//! Events: the only contract between running and reporting. The runner emits them in
//! order on one thread; reporters consume them and never look at anything else.

use std::time::Duration;

pub use crate::compare::{CaseDetails, Mismatch, Status};
pub use crate::metrics::{RunSummary, Summary};

/// One task evaluated against one candidate.
#[derive(Debug, Clone)]
pub struct UnitInfo {
    pub task_id: String,
    pub candidate: String,
    /// The candidate path as the user gave it (or as found under `candidates/`).
    pub candidate_path: String,
    /// Case ids in task order (this shard's, when partitioned); every one gets exactly
    /// one `CaseFinished`.
    pub case_ids: Vec<String>,
    /// Why each case is left out of scoring (`ignore.toml`), aligned with `case_ids`;
    /// empty for scored cases.
    pub ignored: Vec<Vec<String>>,
    pub partition: Option<PartitionInfo>,
}

/// A sharded run: which shard, and every case of the task so that the others are listed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PartitionInfo {
    /// `hash:K/N`.
    pub shard: String,
    pub all_case_ids: Vec<String>,
}

/// How a candidate's artifact came to be.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BuildInfo {
    /// Hex SHA-256 of the module that was run, when there was one.
    pub artifact_sha256: Option<String>,
    /// Whether the build succeeded (prebuilt modules always do).
    pub ok: bool,
    /// The build log, kept when the build failed.
    pub log: Option<String>,
    /// Which runner ran the cases: `wasm`, `native`, or `none` when nothing could run.
    pub runner: String,
    /// Protections the runner lacked on this machine (e.g. `network`), never silently.
    pub missing_protections: Vec<String>,
}

/// The result of one case.
#[derive(Debug, Clone)]
pub struct CaseResult {
    pub id: String,
    pub status: Status,
    pub details: CaseDetails,
    pub duration: Duration,
}

#[derive(Debug, Clone)]
pub enum Event {
    /// Everything that will be evaluated, before anything runs.
    RunStarted { units: Vec<UnitInfo> },
    /// A task folder could not be loaded; its cases cannot be known.
    TaskInvalid { path: String, error: String },
    /// Something slow is starting (a build, a toolchain install).
    Note { message: String },
    /// A unit's candidate is built (or failed to build).
    UnitBuilt { unit: usize, build: BuildInfo },
    /// A case got its status.
    CaseFinished {
        unit: usize,
        case: usize,
        result: CaseResult,
    },
    /// Every case of every unit has finished.
    RunFinished { elapsed: Duration },
}

/// Identifies a finished case across runs: a journal entry is reused by `--resume` only
/// for the same task, candidate name, built artifact and case.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct ResumeKey {
    pub task_id: String,
    pub candidate: String,
    pub artifact_sha256: String,
    pub case_id: String,
}

/// Results of an interrupted run, read back from its journal.
pub type Resumed = std::collections::HashMap<ResumeKey, CaseResult>;
