//! What one run of a program did, as a plain value: how it ended, what it wrote, which
//! files it changed, and what it used. Produced by a sandbox, judged by `compare`.

use std::time::Duration;

use serde::{Deserialize, Serialize};

use crate::wire;

/// Everything observed about one run. Its JSON form (base64 bytes, hex digests,
/// milliseconds) is what the web demo's runs are turned into, field for field.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Observation {
    pub outcome: Outcome,
    /// At most the run's output limit of bytes.
    #[serde(with = "wire::base64_bytes")]
    pub stdout: Vec<u8>,
    /// At most the run's output limit of bytes.
    #[serde(with = "wire::base64_bytes")]
    pub stderr: Vec<u8>,
    /// Files in the working directory that the run created, changed or deleted, sorted by path.
    pub files: Vec<ObservedFile>,
    pub resources: Resources,
}

impl Observation {
    /// An observation for a run that never started (the program could not be loaded,
    /// or the host failed before the guest ran).
    pub fn without_run(outcome: Outcome) -> Self {
        Observation {
            outcome,
            stdout: Vec::new(),
            stderr: Vec::new(),
            files: Vec::new(),
            resources: Resources::default(),
        }
    }
}

/// How a run ended: exactly one of these.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Outcome {
    /// The program exited (returned from `_start` = 0, or called `proc_exit`). The code is
    /// the value the program passed, read as a signed 32-bit integer (so `exit(-1)` is -1).
    Exited(i32),
    /// The wall-clock limit was reached.
    Timeout {
        #[serde(rename = "limit_ms", with = "wire::millis")]
        limit: Duration,
    },
    /// The fuel (deterministic instruction) budget ran out.
    CpuLimit { fuel: u64 },
    /// The program tried to grow memory past the limit (and then failed or aborted).
    MemoryLimit { limit_bytes: u64 },
    /// The program wrote more than the limit to one stream; it was stopped there.
    OutputLimit { stream: Stream, limit_bytes: u64 },
    /// The wasm call stack was exhausted.
    StackOverflow,
    /// Any other trap; `kind` is a stable snake_case name (`unreachable_code_reached`, `memory_out_of_bounds`, …).
    Trap { kind: String, message: String },
    /// The program could not be instantiated: not a module, unknown import, bad start.
    InvalidProgram { message: String },
    /// The evaluator itself failed while running the program.
    HostError { message: String },
}

/// One of the two captured output streams.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Stream {
    Stdout,
    Stderr,
}

impl Stream {
    pub fn name(self) -> &'static str {
        match self {
            Stream::Stdout => "stdout",
            Stream::Stderr => "stderr",
        }
    }
}

/// A file the run left different from how it found it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ObservedFile {
    /// Relative to the working directory, `/`-separated.
    pub path: String,
    pub change: FileChange,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FileChange {
    /// Created or changed. `content` is kept only for small files; large ones are compared
    /// by digest and never loaded whole.
    Written {
        size: u64,
        #[serde(with = "wire::hex32")]
        sha256: [u8; 32],
        #[serde(with = "wire::base64_option")]
        content: Option<Vec<u8>>,
    },
    /// A file that was there before the run and is gone after it.
    Deleted,
}

/// What the run used.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Resources {
    #[serde(rename = "wall_time_ms", with = "wire::millis")]
    pub wall_time: Duration,
    /// Fuel consumed, when fuel was metered.
    pub fuel_consumed: Option<u64>,
    /// Largest linear memory size reached, in bytes.
    pub peak_memory_bytes: u64,
    /// A working-directory quota (bytes or files) refused something (the guest got ENOSPC).
    pub disk_quota_hit: bool,
}
