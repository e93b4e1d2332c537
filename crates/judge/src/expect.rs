//! What a case expects (recorded from the reference) and how its output streams are
//! compared. Read from task files by the CLI, from a JSON bundle by the web demo.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::wire;

/// What the reference did on a case: the candidate must do the same.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Expectation {
    pub exit: i32,
    #[serde(with = "wire::base64_bytes")]
    pub stdout: Vec<u8>,
    #[serde(with = "wire::base64_bytes")]
    pub stderr: Vec<u8>,
    /// Files created, changed or deleted by the run, by relative path.
    pub files: BTreeMap<String, ExpectedFile>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ExpectedFile {
    Content(#[serde(with = "wire::base64_bytes")] Vec<u8>),
    /// Large files are pinned by digest and size only.
    Digest {
        #[serde(with = "wire::hex32")]
        sha256: [u8; 32],
        size: u64,
    },
    Deleted,
}

/// How stdout and stderr are compared.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct CompareRules {
    pub stdout: CompareMode,
    pub stderr: CompareMode,
}

/// A named comparison of one output stream. Documented in `docs/task-format.md`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CompareMode {
    /// Byte for byte.
    #[default]
    Exact,
    /// Not compared at all.
    Ignore,
    /// CRLF as LF, trailing whitespace on each line and trailing blank lines ignored.
    Normalized,
    /// The same lines in any order (after `normalized`).
    SortedLines,
}

impl CompareMode {
    pub const NAMES: &'static [&'static str] = &["exact", "ignore", "normalized", "sorted_lines"];

    pub fn parse(name: &str) -> Option<Self> {
        Some(match name {
            "exact" => CompareMode::Exact,
            "ignore" => CompareMode::Ignore,
            "normalized" => CompareMode::Normalized,
            "sorted_lines" => CompareMode::SortedLines,
            _ => return None,
        })
    }
}
