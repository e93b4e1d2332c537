//! Case statuses (a contract: names appear in reports) and the details that explain them.

use serde::{Deserialize, Serialize};

/// Exactly one per case per run. Documented in `docs/report.md`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    Passed,
    Failed,
    Timeout,
    CpuLimit,
    MemoryLimit,
    OutputLimit,
    Crashed,
    InvalidProgram,
    NotRun,
    Error,
}

impl Status {
    pub const ALL: [Status; 10] = [
        Status::Passed,
        Status::Failed,
        Status::Timeout,
        Status::CpuLimit,
        Status::MemoryLimit,
        Status::OutputLimit,
        Status::Crashed,
        Status::InvalidProgram,
        Status::NotRun,
        Status::Error,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Status::Passed => "passed",
            Status::Failed => "failed",
            Status::Timeout => "timeout",
            Status::CpuLimit => "cpu_limit",
            Status::MemoryLimit => "memory_limit",
            Status::OutputLimit => "output_limit",
            Status::Crashed => "crashed",
            Status::InvalidProgram => "invalid_program",
            Status::NotRun => "not_run",
            Status::Error => "error",
        }
    }
}

impl std::fmt::Display for Status {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Why a case got its status. Empty fields are left out of reports.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct CaseDetails {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub message: Option<String>,
    /// The observed exit code, when the program exited.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub exit: Option<i32>,
    /// For `crashed`: `stack_overflow` or the trap kind (`unreachable_code_reached`, …).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub crash: Option<String>,
    /// For limit statuses: the limit that was reached (ms, bytes or fuel).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub limit: Option<u64>,
    /// For `output_limit`: `stdout` or `stderr`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub stream: Option<String>,
    /// For `failed`: every field that differed.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub mismatches: Vec<Mismatch>,
}

impl CaseDetails {
    /// "differs in stdout, exit" when some field differed, for one-line summaries.
    pub fn mismatch_summary(&self) -> Option<String> {
        if self.mismatches.is_empty() {
            return None;
        }
        let fields: Vec<&str> = self.mismatches.iter().map(|m| m.field.as_str()).collect();
        Some(format!("differs in {}", fields.join(", ")))
    }
}

/// One differing field: `exit`, `stdout`, `stderr` or `file:<path>`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Mismatch {
    pub field: String,
    pub expected: String,
    pub actual: String,
    /// A unified diff (expected → actual) for text fields.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub diff: Option<String>,
    /// True when `expected`, `actual` or `diff` were cut to the report size limit.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub truncated: bool,
}

/// A case's status and why; serialized as the `status` and `details` of a report's case.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Verdict {
    pub status: Status,
    pub details: CaseDetails,
}

impl Verdict {
    pub fn new(status: Status) -> Self {
        Verdict {
            status,
            details: CaseDetails::default(),
        }
    }

    pub fn with_message(status: Status, message: impl Into<String>) -> Self {
        Verdict {
            status,
            details: CaseDetails {
                message: Some(message.into()),
                ..CaseDetails::default()
            },
        }
    }
}
