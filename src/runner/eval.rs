//! `eval`: every case of every task against every candidate, one status each.

use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::Arc;
use std::sync::mpsc;
use std::time::Instant;

use rayon::prelude::*;

use super::Runnable;
use super::{Settings, run_spec, thread_pool};
use crate::build;
use crate::compare::{Status, Verdict, judge};
use crate::events::{BuildInfo, CaseResult, Event, PartitionInfo, ResumeKey, Resumed, UnitInfo};
use crate::partition::Partition;
use crate::sandbox::WasmSandbox;
use crate::task::{Candidate, CandidateOrigin, Task, TaskError};

/// What to evaluate: loaded tasks (or the errors that kept them from loading) and an
/// optional candidate used for all of them instead of each task's own candidates.
pub struct EvalRequest {
    pub tasks: Vec<Result<Arc<Task>, TaskError>>,
    pub candidate: Option<PathBuf>,
    /// Which of the tasks' own candidates run (ignored with `candidate`).
    pub selection: Selection,
    /// Run only this shard's cases; the others are listed, not run.
    pub partition: Option<Partition>,
    /// Results of an interrupted run (`--resume`): reused for the same task, candidate,
    /// artifact and case instead of running the case again.
    pub resume: Resumed,
}

struct Unit {
    task: Arc<Task>,
    /// Positions (in task order) of the cases this unit runs.
    case_indices: Vec<usize>,
    candidate: CandidateOrigin,
    info: UnitInfo,
}

/// Which of a task's own candidates an eval runs.
#[derive(Debug, Clone, Default)]
pub enum Selection {
    /// Everything except on-request candidates (slow builds), which are listed in a note.
    #[default]
    Default,
    /// Everything, on-request candidates included (`--all`).
    All,
    /// Only candidates with these names (`--only`), on-request or not.
    Only(Vec<String>),
}

impl Selection {
    fn includes(&self, candidate: &Candidate) -> bool {
        match self {
            Selection::Default => !candidate.on_request,
            Selection::All => true,
            Selection::Only(names) => names.contains(&candidate.name),
        }
    }
}

/// Runs the whole evaluation, calling `emit` on this thread for every event.
pub fn evaluate(request: &EvalRequest, settings: &Settings, emit: &mut dyn FnMut(Event)) {
    let started = Instant::now();
    let mut units = Vec::new();
    for task in &request.tasks {
        match task {
            Ok(task) => units.extend(units_for(task, request, emit)),
            Err(error) => emit(Event::TaskInvalid {
                path: error.path.display().to_string(),
                error: error.to_string(),
            }),
        }
    }
    emit(Event::RunStarted {
        units: units.iter().map(|unit| unit.info.clone()).collect(),
    });

    let fuel_metering = units
        .iter()
        .any(|unit| unit.task.cases().any(|case| case.limits.fuel.is_some()));
    let sandbox = WasmSandbox::new(settings.sandbox_options(fuel_metering));
    let pool = thread_pool(settings.jobs);
    let (sandbox, pool) = match (sandbox, pool) {
        (Ok(sandbox), Ok(pool)) => (sandbox, pool),
        (Err(message), _) | (_, Err(message)) => {
            for (index, unit) in units.iter().enumerate() {
                finish_all(
                    index,
                    unit,
                    &Verdict::with_message(Status::Error, message.clone()),
                    emit,
                );
            }
            emit(Event::RunFinished {
                elapsed: started.elapsed(),
            });
            return;
        }
    };

    // Build and load each candidate once; identical modules are compiled once.
    let mut loaded: HashMap<[u8; 32], Result<Runnable, String>> = HashMap::new();
    let mut programs: Vec<Option<Runnable>> = Vec::with_capacity(units.len());
    // (unit, case) pairs already finished by an interrupted run.
    let mut done: std::collections::HashSet<(usize, usize)> = std::collections::HashSet::new();
    for (index, unit) in units.iter().enumerate() {
        let built = unit.candidate.build_source().and_then(|source| {
            build::build(&source, &settings.cache, &mut |message| {
                emit(Event::Note { message })
            })
        });
        let program = match built {
            Err(error) => {
                emit(Event::UnitBuilt {
                    unit: index,
                    build: BuildInfo {
                        artifact_sha256: None,
                        ok: false,
                        log: Some(error.log()),
                        runner: "none".into(),
                        missing_protections: Vec::new(),
                    },
                });
                let verdict = if error.is_candidate_fault() {
                    Verdict::with_message(
                        Status::NotRun,
                        format!(
                            "the candidate did not build: {error}; the build log is in the report"
                        ),
                    )
                } else {
                    Verdict::with_message(
                        Status::Error,
                        format!("the evaluator could not build the candidate: {error}"),
                    )
                };
                finish_all(index, unit, &verdict, emit);
                None
            }
            Ok(built) => {
                let sha = built.artifact.sha256;
                let loaded = loaded
                    .entry(sha)
                    .or_insert_with(|| Runnable::load(&sandbox, &built.artifact));
                let (runner, missing_protections) = match loaded {
                    Ok(program) => (program.runner(), program.missing_protections()),
                    Err(_) => ("none", Vec::new()),
                };
                emit(Event::UnitBuilt {
                    unit: index,
                    build: BuildInfo {
                        artifact_sha256: Some(built.artifact.sha256_hex()),
                        ok: true,
                        log: None,
                        runner: runner.to_string(),
                        missing_protections: missing_protections
                            .iter()
                            .map(|p| p.to_string())
                            .collect(),
                    },
                });
                match loaded {
                    Ok(program) => {
                        replay(
                            index,
                            unit,
                            &built.artifact.sha256_hex(),
                            request,
                            &mut done,
                            emit,
                        );
                        Some(program.clone())
                    }
                    Err(message) => {
                        finish_all(
                            index,
                            unit,
                            &Verdict::with_message(Status::InvalidProgram, message.clone()),
                            emit,
                        );
                        None
                    }
                }
            }
        };
        programs.push(program);
    }

    let jobs: Vec<(usize, usize)> = units
        .iter()
        .enumerate()
        .filter(|(index, _)| programs[*index].is_some())
        .flat_map(|(index, unit)| (0..unit.info.case_ids.len()).map(move |case| (index, case)))
        .filter(|job| !done.contains(job))
        .collect();
    // The cases each unit runs (its shard's, in task order), indexed like `case_ids`.
    let cases: Vec<Vec<&crate::task::Case>> = units
        .iter()
        .map(|unit| {
            let all: Vec<_> = unit.task.cases().collect();
            unit.case_indices.iter().map(|&i| all[i]).collect()
        })
        .collect();
    let (sender, receiver) = mpsc::channel();
    std::thread::scope(|scope| {
        scope.spawn(|| {
            pool.install(|| {
                jobs.par_iter()
                    .for_each_with(sender, |sender, &(unit, case)| {
                        let task = &units[unit].task;
                        let program = programs[unit]
                            .as_ref()
                            .expect("only runnable units are scheduled");
                        let case_spec = cases[unit][case];
                        let observation = program.run(&sandbox, &run_spec(task, case_spec));
                        let verdict =
                            judge(case_spec.expect.as_ref(), &case_spec.compare, &observation);
                        let result = CaseResult {
                            id: case_spec.id.clone(),
                            status: verdict.status,
                            details: verdict.details,
                            duration: observation.resources.wall_time,
                        };
                        // The receiver lives until every sender is gone.
                        let _ = sender.send((unit, case, result));
                    });
            });
        });
        for (unit, case, result) in receiver {
            emit(Event::CaseFinished { unit, case, result });
        }
    });
    emit(Event::RunFinished {
        elapsed: started.elapsed(),
    });
}

fn units_for(task: &Arc<Task>, request: &EvalRequest, emit: &mut dyn FnMut(Event)) -> Vec<Unit> {
    let candidates: Vec<(String, String, CandidateOrigin)> = match &request.candidate {
        Some(path) => {
            let name = path
                .file_stem()
                .map(|s| s.to_string_lossy().into_owned())
                .unwrap_or_else(|| "candidate".into());
            vec![(
                name,
                path.display().to_string(),
                CandidateOrigin::Path(path.clone()),
            )]
        }
        None => {
            let (chosen, left): (Vec<&Candidate>, Vec<&Candidate>) = task
                .candidates
                .iter()
                .partition(|candidate| request.selection.includes(candidate));
            let slow: Vec<String> = left
                .iter()
                .filter(|c| c.on_request)
                .map(|c| match c.origin.build_time() {
                    Some(time) => format!("{} (builds in {time})", c.name),
                    None => c.name.clone(),
                })
                .collect();
            if !slow.is_empty() && matches!(request.selection, Selection::Default) {
                emit(Event::Note {
                    message: format!(
                        "task {}: not evaluating on-request candidates {}; run with --all or --only NAME",
                        task.id,
                        slow.join(", ")
                    ),
                });
            }
            chosen
                .into_iter()
                .map(|c| (c.name.clone(), c.describe(&task.dir), c.origin.clone()))
                .collect()
        }
    };
    if candidates.is_empty() && task.candidates.is_empty() {
        emit(Event::Note {
            message: format!(
                "task {} has no candidates (candidates/ or [candidates.NAME]); pass --candidate PATH",
                task.id
            ),
        });
    }
    let all_ids: Vec<String> = task.cases().map(|case| case.id.clone()).collect();
    let ignored: Vec<Vec<String>> = task
        .cases()
        .map(|case| {
            case.ignored
                .iter()
                .map(|r| r.as_str().to_string())
                .collect()
        })
        .collect();
    let case_indices: Vec<usize> = match request.partition {
        Some(partition) => (0..all_ids.len())
            .filter(|&i| partition.contains(&task.id, &all_ids[i]))
            .collect(),
        None => (0..all_ids.len()).collect(),
    };
    let partition = request.partition.map(|partition| PartitionInfo {
        shard: partition.to_string(),
        all_case_ids: all_ids.clone(),
    });
    candidates
        .into_iter()
        .map(|(name, described, origin)| Unit {
            task: task.clone(),
            info: UnitInfo {
                task_id: task.id.clone(),
                candidate: name,
                candidate_path: described,
                case_ids: case_indices.iter().map(|&i| all_ids[i].clone()).collect(),
                ignored: case_indices.iter().map(|&i| ignored[i].clone()).collect(),
                partition: partition.clone(),
            },
            case_indices: case_indices.clone(),
            candidate: origin,
        })
        .collect()
}

/// Emits the results an interrupted run left for this unit's artifact, marking them done.
fn replay(
    index: usize,
    unit: &Unit,
    artifact_sha256: &str,
    request: &EvalRequest,
    done: &mut std::collections::HashSet<(usize, usize)>,
    emit: &mut dyn FnMut(Event),
) {
    if request.resume.is_empty() {
        return;
    }
    for (case, id) in unit.info.case_ids.iter().enumerate() {
        let key = ResumeKey {
            task_id: unit.info.task_id.clone(),
            candidate: unit.info.candidate.clone(),
            artifact_sha256: artifact_sha256.to_string(),
            case_id: id.clone(),
        };
        if let Some(result) = request.resume.get(&key) {
            done.insert((index, case));
            emit(Event::CaseFinished {
                unit: index,
                case,
                result: result.clone(),
            });
        }
    }
}

/// Gives every case of a unit the same verdict (the candidate never ran).
fn finish_all(index: usize, unit: &Unit, verdict: &Verdict, emit: &mut dyn FnMut(Event)) {
    for (case, id) in unit.info.case_ids.iter().enumerate() {
        let result = CaseResult {
            id: id.clone(),
            status: verdict.status,
            details: verdict.details.clone(),
            duration: std::time::Duration::ZERO,
        };
        emit(Event::CaseFinished {
            unit: index,
            case,
            result,
        });
    }
}
