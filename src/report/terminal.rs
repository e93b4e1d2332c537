//! What people read: a progress bar on stderr (only on a terminal) and the summary
//! table on stdout. Plain text; no meaning is carried by colour.

use std::io::{IsTerminal, Write};

use indicatif::{ProgressBar, ProgressStyle};

use super::model::Report;
use crate::events::{Event, Status};

/// How many failing cases are listed per task and candidate.
const LISTED_FAILURES: usize = 8;

/// Progress on stderr: a bar on a terminal, nothing but notes otherwise.
pub struct Progress {
    bar: Option<ProgressBar>,
}

impl Progress {
    pub fn new(quiet: bool) -> Self {
        let bar = (!quiet && std::io::stderr().is_terminal()).then(|| {
            let bar = ProgressBar::new(0);
            bar.set_style(
                ProgressStyle::with_template("{spinner} {pos}/{len} cases [{elapsed}] {msg}")
                    .unwrap_or_else(|_| ProgressStyle::default_bar()),
            );
            bar
        });
        Progress { bar }
    }

    pub fn on_event(&mut self, event: &Event) {
        match event {
            Event::Note { message } => self.note(message),
            Event::TaskInvalid { error, .. } => self.note(&format!("error: {error}")),
            Event::RunStarted { units } => {
                if let Some(bar) = &self.bar {
                    bar.set_length(units.iter().map(|u| u.case_ids.len() as u64).sum());
                }
            }
            Event::CaseFinished { .. } => {
                if let Some(bar) = &self.bar {
                    bar.inc(1);
                }
            }
            Event::RunFinished { .. } => {
                if let Some(bar) = self.bar.take() {
                    bar.finish_and_clear();
                }
            }
            Event::UnitBuilt { .. } => {}
        }
    }

    fn note(&self, message: &str) {
        match &self.bar {
            Some(bar) => bar.println(format!("cleanroom: {message}")),
            None => eprintln!("cleanroom: {message}"),
        }
    }
}

/// One line saying why a case did not pass.
fn reason(case: &super::model::CaseReport) -> String {
    let details = &case.details;
    if let Some(differs) = details.mismatch_summary() {
        return differs;
    }
    let limit = details.limit.unwrap_or_default();
    match case.status {
        Status::Timeout => format!("wall-clock limit of {limit} ms"),
        Status::CpuLimit => format!("fuel limit of {limit}"),
        Status::MemoryLimit => format!("memory limit of {} MiB", limit / (1024 * 1024)),
        Status::OutputLimit => format!(
            "{} over {limit} bytes",
            details.stream.as_deref().unwrap_or("output")
        ),
        Status::Crashed => details.crash.clone().unwrap_or_default(),
        _ => details.message.clone().unwrap_or_default(),
    }
}

/// The summary table and the first failing cases of each evaluation.
pub fn print_summary(report: &Report, out: &mut dyn Write) -> std::io::Result<()> {
    let rows: Vec<[String; 5]> = report
        .tasks
        .iter()
        .map(|task| {
            let verdict = if task.summary.resolved {
                "resolved"
            } else if task.summary.almost_resolved {
                "almost resolved"
            } else {
                "not resolved"
            };
            let mut others: Vec<String> = task
                .summary
                .statuses
                .iter()
                .filter(|(status, _)| **status != Status::Passed)
                .map(|(status, count)| format!("{status} {count}"))
                .collect();
            if task.summary.ignored > 0 {
                others.push(format!("{} ignored", task.summary.ignored));
            }
            [
                task.id.clone(),
                task.candidate.clone(),
                format!("{}/{}", task.summary.passed, task.summary.total),
                format!("{:.1}%", task.summary.pass_rate * 100.0),
                format!(
                    "{verdict}{}",
                    if others.is_empty() {
                        String::new()
                    } else {
                        format!(" ({})", others.join(", "))
                    }
                ),
            ]
        })
        .collect();
    let header = ["TASK", "CANDIDATE", "PASSED", "RATE", "RESULT"].map(String::from);
    let widths: Vec<usize> = (0..5)
        .map(|i| {
            rows.iter()
                .chain([&header])
                .map(|row| row[i].chars().count())
                .max()
                .unwrap_or(0)
        })
        .collect();
    for row in [&header].into_iter().chain(&rows) {
        let cells: Vec<String> = row
            .iter()
            .zip(&widths)
            .map(|(cell, width)| format!("{cell:<width$}"))
            .collect();
        writeln!(out, "{}", cells.join("  ").trim_end())?;
    }
    for task in &report.tasks {
        if let Some(partition) = &task.partition {
            writeln!(
                out,
                "\n{} / {}: shard {} ran {} of {} cases; the others are listed in the JSON report",
                task.id,
                task.candidate,
                partition.shard,
                task.cases.len(),
                partition.case_ids.len()
            )?;
        }
    }
    for task in &report.tasks {
        let failing: Vec<_> = task
            .cases
            .iter()
            .filter(|case| case.status != Status::Passed && case.is_scored())
            .collect();
        if failing.is_empty() {
            continue;
        }
        writeln!(
            out,
            "\n{} / {}: {} case(s) did not pass",
            task.id,
            task.candidate,
            failing.len()
        )?;
        for case in failing.iter().take(LISTED_FAILURES) {
            let why = reason(case);
            let why = why.lines().next().unwrap_or_default();
            writeln!(out, "  {:<14} {}  {}", case.status.as_str(), case.id, why)?;
        }
        if failing.len() > LISTED_FAILURES {
            writeln!(
                out,
                "  … and {} more (see the JSON report)",
                failing.len() - LISTED_FAILURES
            )?;
        }
    }
    for invalid in &report.invalid_tasks {
        writeln!(out, "\ninvalid task: {}", invalid.error)?;
    }
    let s = &report.summary;
    writeln!(
        out,
        "\n{} evaluation(s): {} resolved, {} almost resolved; {}/{} cases passed ({:.1}%){}",
        s.evaluations,
        s.resolved,
        s.almost_resolved,
        s.passed,
        s.cases,
        s.pass_rate * 100.0,
        if s.broken_tasks > 0 {
            format!("; {} invalid task(s)", s.broken_tasks)
        } else {
            String::new()
        }
    )?;
    Ok(())
}
