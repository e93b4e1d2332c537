//! The JSON report (a contract, documented in `docs/report.md`). Only `duration_ms` and
//! `elapsed_ms` differ between two runs of the same evaluation.

use serde::{Deserialize, Serialize};

use crate::events::{CaseDetails, RunSummary, Status, Summary};

/// Bumped when a field changes meaning or goes away (additions do not bump it).
pub const FORMAT_VERSION: u32 = 1;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Report {
    pub format_version: u32,
    /// One entry per task and candidate, in task order then candidate order.
    pub tasks: Vec<TaskReport>,
    pub summary: RunSummary,
    /// Task folders that could not be loaded; their cases are unknown.
    pub invalid_tasks: Vec<InvalidTask>,
    pub elapsed_ms: f64,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TaskReport {
    pub id: String,
    pub candidate: String,
    pub candidate_path: String,
    pub build: BuildReport,
    /// Present in a shard's report: the metrics and `cases` cover this shard only.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub partition: Option<PartitionReport>,
    pub summary: Summary,
    /// Every case of the task, in task order, each with exactly one status.
    pub cases: Vec<CaseReport>,
}

/// Which shard a report covers. `case_ids` is every case of the task in task order;
/// those not in `cases` belong to other shards (listed, never silently dropped).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PartitionReport {
    pub shard: String,
    pub case_ids: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BuildReport {
    pub ok: bool,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub artifact_sha256: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub log: Option<String>,
    /// `wasm` or `native` (which runner ran the cases), `none` when nothing ran.
    #[serde(default = "wasm_runner")]
    pub runner: String,
    /// Protections the runner lacked for these runs on this machine: `network` (no
    /// network namespace), `filesystem_view` (no mount namespace: the host filesystem is
    /// visible).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub missing_protections: Vec<String>,
}

fn wasm_runner() -> String {
    "wasm".into()
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CaseReport {
    pub id: String,
    pub status: Status,
    pub duration_ms: f64,
    pub details: CaseDetails,
    /// Why the case is left out of scoring (`ignore.toml`: `gold_fail`, `dummy_pass`, …);
    /// absent for scored cases. An ignored case still runs and keeps its status.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub ignored: Vec<String>,
}

impl CaseReport {
    pub fn is_scored(&self) -> bool {
        self.ignored.is_empty()
    }
}

/// The metrics of a task's cases: ignored cases are counted apart and scored not at all.
pub fn summarize(cases: &[CaseReport]) -> Summary {
    Summary::from_cases(cases.iter().map(|case| (case.status, case.is_scored())))
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct InvalidTask {
    pub path: String,
    pub error: String,
}

impl Report {
    /// True when some case ended with `error` (the evaluator's own fault).
    pub fn has_errors(&self) -> bool {
        self.tasks
            .iter()
            .any(|task| task.summary.statuses.contains_key(&Status::Error))
    }

    /// True when something was evaluated and every candidate resolved its task.
    pub fn all_resolved(&self) -> bool {
        !self.tasks.is_empty() && self.tasks.iter().all(|task| task.summary.resolved)
    }
}

/// Milliseconds with microsecond precision, for stable, readable JSON.
pub fn millis(duration: std::time::Duration) -> f64 {
    (duration.as_secs_f64() * 1_000_000.0).round() / 1_000.0
}
