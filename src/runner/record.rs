//! `record`: runs the reference twice on every case and writes what it did as the
//! case's expectation, refusing cases where it did not exit normally or the runs differ.

use std::collections::BTreeMap;

use rayon::prelude::*;

use super::{Settings, run_spec, thread_pool};
use crate::observation::{FileChange, Observation, Outcome};
use crate::task::{Expectation, ExpectedFile, Task, write_expectations};

/// A case whose expectation was not written, and why.
#[derive(Debug, Clone)]
pub struct CaseRefusal {
    pub case_id: String,
    pub reason: String,
}

#[derive(Debug, Clone)]
pub struct RecordSummary {
    pub recorded: usize,
    /// Recorded cases whose expectation changed from what the file held.
    pub changed: usize,
    pub refused: Vec<CaseRefusal>,
}

/// Records every case of `task`. `Err` is a failure of the whole task (the reference did
/// not build or load, a file could not be written).
pub fn record(
    task: &Task,
    settings: &Settings,
    notify: &mut dyn FnMut(String),
) -> Result<RecordSummary, String> {
    let (sandbox, program) = super::load_reference(task, settings, notify)?;
    let pool = thread_pool(settings.jobs)?;
    let cases: Vec<_> = task.cases().collect();
    let outcomes: Vec<Result<Expectation, String>> = pool.install(|| {
        cases
            .par_iter()
            .map(|case| {
                let spec = run_spec(task, case);
                let first = program.run(&sandbox, &spec);
                let second = program.run(&sandbox, &spec);
                expectation_from(&first, &second)
            })
            .collect()
    });

    let mut summary = RecordSummary {
        recorded: 0,
        changed: 0,
        refused: Vec::new(),
    };
    let mut outcomes = outcomes.into_iter();
    for file in &task.case_files {
        let mut expectations = BTreeMap::new();
        for case in &file.cases {
            match outcomes.next().expect("one outcome per case") {
                Ok(expectation) => {
                    summary.recorded += 1;
                    summary.changed += usize::from(case.expect.as_ref() != Some(&expectation));
                    expectations.insert(case.name.clone(), Some(expectation));
                }
                Err(reason) => {
                    expectations.insert(case.name.clone(), None);
                    summary.refused.push(CaseRefusal {
                        case_id: case.id.clone(),
                        reason,
                    });
                }
            }
        }
        let touched = expectations.values().any(Option::is_some)
            || file.cases.iter().any(|c| c.expect.is_some());
        if touched {
            write_expectations(&file.path, &expectations).map_err(|err| err.to_string())?;
        }
    }
    Ok(summary)
}

fn expectation_from(first: &Observation, second: &Observation) -> Result<Expectation, String> {
    let Outcome::Exited(exit) = first.outcome else {
        return Err(format!(
            "the reference did not exit normally: {}",
            describe(&first.outcome)
        ));
    };
    let same = first.outcome == second.outcome
        && first.stdout == second.stdout
        && first.stderr == second.stderr
        && first.files == second.files;
    if !same {
        return Err("two runs of the reference differed; the case depends on something that is not deterministic".into());
    }
    let files = first
        .files
        .iter()
        .map(|file| {
            let expected = match &file.change {
                FileChange::Deleted => ExpectedFile::Deleted,
                FileChange::Written {
                    content: Some(content),
                    ..
                } => ExpectedFile::Content(content.clone()),
                FileChange::Written {
                    size,
                    sha256,
                    content: None,
                } => ExpectedFile::Digest {
                    sha256: *sha256,
                    size: *size,
                },
            };
            (file.path.clone(), expected)
        })
        .collect();
    Ok(Expectation {
        exit,
        stdout: first.stdout.clone(),
        stderr: first.stderr.clone(),
        files,
    })
}

pub(crate) fn describe(outcome: &Outcome) -> String {
    match outcome {
        Outcome::Exited(code) => format!("exited with {code}"),
        Outcome::Timeout { limit } => format!("timed out after {} ms", limit.as_millis()),
        Outcome::CpuLimit { fuel } => format!("used all {fuel} fuel"),
        Outcome::MemoryLimit { limit_bytes } => {
            format!("reached the memory limit of {limit_bytes} bytes")
        }
        Outcome::OutputLimit {
            stream,
            limit_bytes,
        } => format!("wrote more than {limit_bytes} bytes to {}", stream.name()),
        Outcome::StackOverflow => "overflowed its stack".into(),
        Outcome::Trap { message, .. } => format!("trapped: {message}"),
        Outcome::InvalidProgram { message } => format!("could not start: {message}"),
        Outcome::HostError { message } => format!("hit an evaluator error: {message}"),
    }
}
