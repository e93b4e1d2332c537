//! Resource limits for one run of a program: plain data shared by tasks (which declare
//! them) and sandboxes (which enforce them). Depends on nothing else in the crate.

use std::time::Duration;

/// Limits applied to a single run. Every run has all of them; `fuel` is optional because
/// deterministic CPU metering costs ~25 % speed and only tasks that ask for it pay it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Limits {
    /// Wall-clock budget for the whole run.
    pub timeout: Duration,
    /// Largest linear memory the program may grow to, in bytes.
    pub memory_bytes: u64,
    /// Largest number of bytes kept from each of stdout and stderr.
    pub output_bytes: u64,
    /// Deterministic instruction budget (wasmtime fuel), if metered.
    pub fuel: Option<u64>,
    /// Bytes the in-memory working directory may hold (files given + written).
    pub disk_bytes: u64,
    /// Files and folders the in-memory working directory may hold.
    pub max_files: u64,
}

impl Limits {
    /// The limits a task gets when it declares none.
    pub const DEFAULT: Limits = Limits {
        timeout: Duration::from_secs(10),
        memory_bytes: 256 * MIB,
        output_bytes: MIB,
        fuel: None,
        disk_bytes: 64 * MIB,
        max_files: 10_000,
    };
}

impl Default for Limits {
    fn default() -> Self {
        Self::DEFAULT
    }
}

/// One mebibyte.
pub const MIB: u64 = 1024 * 1024;
