//! The process exit codes of the `cleanroom` command, in one place. Documented in
//! `docs/exit-codes.md`; scripts depend on them, so never renumber one.

/// The command did what was asked. For `eval` this means every case got a verdict;
/// candidates failing cases is a normal result, not an error.
pub const OK: i32 = 0;

/// Some candidate was not resolved and `--require-resolved` was given.
pub const NOT_RESOLVED: i32 = 1;

/// The command line itself was wrong (clap also uses 2 for this).
pub const USAGE: i32 = 2;

/// A task or case file is malformed. Other tasks were still evaluated and reported.
pub const INVALID_TASK: i32 = 3;

/// The evaluator could not do its own job: a case ended with status `error`, a reference
/// failed to build, a toolchain is missing, a report could not be written.
pub const INFRASTRUCTURE: i32 = 4;

/// `record` refused at least one case (the reference did not exit normally, or two runs
/// of it differed). The other cases were recorded.
pub const RECORD_REFUSED: i32 = 5;

/// The more serious of two codes, for commands that meet several conditions: the
/// evaluator's own faults first, then invalid tasks, refused recordings, unresolved.
pub fn most_serious(a: i32, b: i32) -> i32 {
    const ORDER: [i32; 5] = [
        INFRASTRUCTURE,
        INVALID_TASK,
        RECORD_REFUSED,
        NOT_RESOLVED,
        OK,
    ];
    let rank = |code: i32| ORDER.iter().position(|&c| c == code).unwrap_or(0);
    if rank(a) <= rank(b) { a } else { b }
}

/// `run`: the program did not exit normally (timeout, crash, limit). Mirrors `timeout(1)`.
pub const PROGRAM_DID_NOT_EXIT: i32 = 124;
