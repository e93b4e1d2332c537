//! `check`: gold validation, as ProgramBench does before scoring. The reference runs
//! several times against its own recorded expectations (cases it fails are `gold_fail`,
//! cases it passes only sometimes `gold_flaky`), and trivial built-in programs run once
//! (cases any of them passes test nothing: `dummy_pass`). The findings replace the
//! check-made entries of the task's `ignore.toml`; entries people wrote are kept.

use rayon::prelude::*;

use super::{Settings, run_spec, thread_pool};
use crate::compare::{Status, judge};
use crate::sandbox::Program;
use crate::task::{IgnoreReason, Ignored, Task, ignore_file};

/// The built-in trivial candidates: (name, what it does, module text).
pub const DUMMIES: [(&str, &str, &str); 3] = [
    (
        "silent-exit-0",
        "prints nothing and exits 0",
        r#"(module (memory (export "memory") 1) (func (export "_start")))"#,
    ),
    (
        "silent-exit-1",
        "prints nothing and exits 1",
        r#"(module
            (import "wasi_snapshot_preview1" "proc_exit" (func $exit (param i32)))
            (memory (export "memory") 1)
            (func (export "_start") (call $exit (i32.const 1))))"#,
    ),
    (
        "cat-stdin",
        "copies stdin to stdout and exits 0",
        r#"(module
            (import "wasi_snapshot_preview1" "fd_read" (func $read (param i32 i32 i32 i32) (result i32)))
            (import "wasi_snapshot_preview1" "fd_write" (func $write (param i32 i32 i32 i32) (result i32)))
            (memory (export "memory") 2)
            ;; iovec at 0: buffer at 1024, 60000 bytes; counts at 16 and 24
            (func (export "_start")
              (loop $copy
                (i32.store (i32.const 0) (i32.const 1024))
                (i32.store (i32.const 4) (i32.const 60000))
                (br_if 1 (call $read (i32.const 0) (i32.const 0) (i32.const 1) (i32.const 16)))
                (br_if 1 (i32.eqz (i32.load (i32.const 16))))
                (i32.store (i32.const 4) (i32.load (i32.const 16)))
                (br_if 1 (call $write (i32.const 1) (i32.const 0) (i32.const 1) (i32.const 24)))
                (br $copy))))"#,
    ),
];

/// What `check` found for one task.
#[derive(Debug, Clone)]
pub struct CheckSummary {
    pub cases: usize,
    pub runs: usize,
    /// Cases the reference passed on every run.
    pub gold_passed: usize,
    /// The check-made entries now in `ignore.toml`.
    pub found: Vec<Ignored>,
    /// Entries people wrote, kept as they were.
    pub kept: usize,
    /// Cases without a recorded expectation (cannot be checked; run `record`).
    pub unrecorded: Vec<String>,
}

/// Checks every case of `task` with `runs` runs of the reference (at least 2) and writes
/// the ignore list. `Err` is a failure of the whole task (reference not built, file not
/// written).
pub fn check(
    task: &Task,
    settings: &Settings,
    runs: usize,
    notify: &mut dyn FnMut(String),
) -> Result<CheckSummary, String> {
    let runs = runs.max(2);
    let (sandbox, reference) = super::load_reference(task, settings, notify)?;
    let dummies: Vec<(&str, &str, Program)> = DUMMIES
        .iter()
        .map(|(name, what, text)| {
            sandbox
                .load(text.as_bytes())
                .map(|program| (*name, *what, program))
                .map_err(|err| format!("the built-in candidate {name} does not load: {err}"))
        })
        .collect::<Result<_, _>>()?;
    let pool = thread_pool(settings.jobs)?;
    let cases: Vec<_> = task.cases().collect();
    notify(format!(
        "checking {} case(s) of {}: the reference {runs} times, {} trivial candidates once",
        cases.len(),
        task.id,
        dummies.len()
    ));
    let findings: Vec<Option<Vec<Ignored>>> = pool.install(|| {
        cases
            .par_iter()
            .map(|case| {
                let expect = case.expect.as_ref()?;
                let spec = run_spec(task, case);
                let mut found = Vec::new();
                let verdicts: Vec<_> = (0..runs)
                    .map(|_| judge(Some(expect), &case.compare, &reference.run(&sandbox, &spec)))
                    .collect();
                let passed = verdicts
                    .iter()
                    .filter(|v| v.status == Status::Passed)
                    .count();
                if passed < runs {
                    let failing = verdicts
                        .iter()
                        .find(|v| v.status != Status::Passed)
                        .expect("some run did not pass");
                    let why = failing
                        .details
                        .message
                        .clone()
                        .or_else(|| failing.details.mismatch_summary())
                        .unwrap_or_default();
                    let (reason, detail) = if passed == 0 {
                        (
                            IgnoreReason::GoldFail,
                            format!(
                                "the reference got {} on all {runs} runs: {why}",
                                failing.status
                            ),
                        )
                    } else {
                        (
                            IgnoreReason::GoldFlaky,
                            format!(
                                "the reference passed {passed} of {runs} runs; otherwise {}: {why}",
                                failing.status
                            ),
                        )
                    };
                    found.push(Ignored {
                        case: case.id.clone(),
                        reason,
                        detail: detail.trim_end_matches(": ").to_string(),
                    });
                }
                let passing_dummies: Vec<String> = dummies
                    .iter()
                    .filter(|(_, _, program)| {
                        judge(Some(expect), &case.compare, &sandbox.run(program, &spec)).status
                            == Status::Passed
                    })
                    .map(|(name, what, _)| format!("{name} ({what})"))
                    .collect();
                if !passing_dummies.is_empty() {
                    found.push(Ignored {
                        case: case.id.clone(),
                        reason: IgnoreReason::DummyPass,
                        detail: format!(
                            "passed by the built-in trivial candidate {}",
                            passing_dummies.join(" and ")
                        ),
                    });
                }
                Some(found)
            })
            .collect()
    });

    let mut summary = CheckSummary {
        cases: cases.len(),
        runs,
        gold_passed: 0,
        found: Vec::new(),
        kept: 0,
        unrecorded: Vec::new(),
    };
    for (case, finding) in cases.iter().zip(findings) {
        match finding {
            None => summary.unrecorded.push(case.id.clone()),
            Some(found) => {
                let gold_failed = found
                    .iter()
                    .any(|f| matches!(f.reason, IgnoreReason::GoldFail | IgnoreReason::GoldFlaky));
                summary.gold_passed += usize::from(!gold_failed);
                summary.found.extend(found);
            }
        }
    }
    let kept: Vec<Ignored> = task
        .ignored
        .iter()
        .filter(|entry| !entry.reason.from_check())
        .cloned()
        .collect();
    summary.kept = kept.len();
    let mut entries = kept;
    entries.extend(summary.found.iter().cloned());
    ignore_file::write(&task.dir, &entries).map_err(|err| {
        format!(
            "cannot write {}: {err}",
            task.dir.join(ignore_file::FILE).display()
        )
    })?;
    Ok(summary)
}
