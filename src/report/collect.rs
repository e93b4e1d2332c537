//! Builds a [`Report`] from events.

use super::model::{
    BuildReport, CaseReport, FORMAT_VERSION, InvalidTask, PartitionReport, Report, TaskReport,
    millis, summarize,
};
use crate::events::{CaseDetails, Event, RunSummary, Status, Summary};

#[derive(Default)]
pub struct Collector {
    units: Vec<(TaskReport, Vec<Option<CaseReport>>)>,
    invalid_tasks: Vec<InvalidTask>,
    elapsed_ms: f64,
}

impl Collector {
    pub fn new() -> Self {
        Self::default()
    }

    pub fn on_event(&mut self, event: &Event) {
        match event {
            Event::RunStarted { units } => {
                self.units = units
                    .iter()
                    .map(|unit| {
                        let report = TaskReport {
                            id: unit.task_id.clone(),
                            candidate: unit.candidate.clone(),
                            candidate_path: unit.candidate_path.clone(),
                            partition: unit.partition.as_ref().map(|p| PartitionReport {
                                shard: p.shard.clone(),
                                case_ids: p.all_case_ids.clone(),
                            }),
                            build: BuildReport {
                                ok: false,
                                artifact_sha256: None,
                                log: None,
                                runner: "none".into(),
                                missing_protections: Vec::new(),
                            },
                            summary: Summary::from_statuses([]),
                            cases: Vec::new(),
                        };
                        let slots = unit.case_ids.iter().map(|_| None).collect();
                        (report, slots)
                    })
                    .collect();
                // Keep the ids so that a case without a result can still be named.
                for ((report, _), unit) in self.units.iter_mut().zip(units) {
                    report.cases = unit
                        .case_ids
                        .iter()
                        .zip(&unit.ignored)
                        .map(|(id, ignored)| CaseReport {
                            id: id.clone(),
                            status: Status::Error,
                            duration_ms: 0.0,
                            details: CaseDetails::default(),
                            ignored: ignored.clone(),
                        })
                        .collect();
                }
            }
            Event::TaskInvalid { path, error } => {
                self.invalid_tasks.push(InvalidTask {
                    path: path.clone(),
                    error: error.clone(),
                });
            }
            Event::UnitBuilt { unit, build } => {
                if let Some((report, _)) = self.units.get_mut(*unit) {
                    report.build = BuildReport {
                        ok: build.ok,
                        artifact_sha256: build.artifact_sha256.clone(),
                        log: build.log.clone(),
                        runner: build.runner.clone(),
                        missing_protections: build.missing_protections.clone(),
                    };
                }
            }
            Event::CaseFinished { unit, case, result } => {
                if let Some((report, slots)) = self.units.get_mut(*unit)
                    && let Some(slot) = slots.get_mut(*case)
                {
                    *slot = Some(CaseReport {
                        id: result.id.clone(),
                        status: result.status,
                        duration_ms: millis(result.duration),
                        details: result.details.clone(),
                        ignored: report.cases[*case].ignored.clone(),
                    });
                }
            }
            Event::RunFinished { elapsed } => self.elapsed_ms = millis(*elapsed),
            Event::Note { .. } => {}
        }
    }

    /// The finished report. A case that never reported is an `error`, never dropped.
    pub fn finish(self) -> Report {
        let tasks: Vec<TaskReport> = self
            .units
            .into_iter()
            .map(|(mut report, slots)| {
                let placeholders = std::mem::take(&mut report.cases);
                report.cases = slots
                    .into_iter()
                    .zip(placeholders)
                    .map(|(slot, placeholder)| {
                        slot.unwrap_or_else(|| CaseReport {
                            details: CaseDetails {
                                message: Some(
                                    "the case produced no result (an evaluator bug)".into(),
                                ),
                                ..CaseDetails::default()
                            },
                            ..placeholder
                        })
                    })
                    .collect();
                report.summary = summarize(&report.cases);
                report
            })
            .collect();
        let summary = RunSummary::from_summaries(
            tasks.iter().map(|task| &task.summary),
            self.invalid_tasks.len(),
        );
        Report {
            format_version: FORMAT_VERSION,
            tasks,
            summary,
            invalid_tasks: self.invalid_tasks,
            elapsed_ms: self.elapsed_ms,
        }
    }
}
