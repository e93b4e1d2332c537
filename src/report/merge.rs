//! Combines shard reports (`eval --partition hash:K/N`) into the report one unsharded run
//! would have written: every case in task order, metrics recomputed. A case that no shard
//! ran is `not_run` with a message naming the missing shard, never dropped.

use std::collections::{BTreeSet, HashMap};

use super::model::summarize;
use super::model::{CaseReport, FORMAT_VERSION, InvalidTask, Report, TaskReport};
use crate::events::{CaseDetails, RunSummary, Status};

/// Merges shard reports. `Err` says which input is unusable and why.
pub fn merge(reports: &[(String, Report)]) -> Result<Report, String> {
    let mut order: Vec<(String, String)> = Vec::new();
    let mut groups: HashMap<(String, String), Vec<(&str, &TaskReport)>> = HashMap::new();
    let mut invalid_tasks: Vec<InvalidTask> = Vec::new();
    let mut elapsed_ms: f64 = 0.0;
    for (name, report) in reports {
        if report.format_version != FORMAT_VERSION {
            return Err(format!(
                "{name}: format_version {} (this cleanroom writes {FORMAT_VERSION})",
                report.format_version
            ));
        }
        for task in &report.tasks {
            if task.partition.is_none() {
                return Err(format!(
                    "{name}: {} / {} is not from a sharded run (no `partition`)",
                    task.id, task.candidate
                ));
            }
            let key = (task.id.clone(), task.candidate.clone());
            if !groups.contains_key(&key) {
                order.push(key.clone());
            }
            groups.entry(key).or_default().push((name, task));
        }
        for invalid in &report.invalid_tasks {
            if !invalid_tasks.contains(invalid) {
                invalid_tasks.push(invalid.clone());
            }
        }
        elapsed_ms = elapsed_ms.max(report.elapsed_ms);
    }
    let tasks = order
        .iter()
        .map(|key| merge_task(&groups[key]))
        .collect::<Result<Vec<_>, _>>()?;
    let summary =
        RunSummary::from_summaries(tasks.iter().map(|task| &task.summary), invalid_tasks.len());
    Ok(Report {
        format_version: FORMAT_VERSION,
        tasks,
        summary,
        invalid_tasks,
        elapsed_ms,
    })
}

fn merge_task(shards: &[(&str, &TaskReport)]) -> Result<TaskReport, String> {
    let (first_name, first) = shards[0];
    let first_partition = first.partition.as_ref().expect("checked by merge");
    let count = shard_count(&first_partition.shard)
        .ok_or_else(|| format!("{first_name}: bad shard {:?}", first_partition.shard))?;
    let mut seen_shards = BTreeSet::new();
    let mut results: HashMap<&str, &CaseReport> = HashMap::new();
    for (name, task) in shards {
        let partition = task.partition.as_ref().expect("checked by merge");
        if partition.case_ids != first_partition.case_ids
            || shard_count(&partition.shard) != Some(count)
        {
            return Err(format!(
                "{name}: {} / {} was sharded differently from {first_name} (other cases or shard count)",
                task.id, task.candidate
            ));
        }
        if !seen_shards.insert(partition.shard.clone()) {
            return Err(format!(
                "{name}: shard {} of {} / {} is given twice",
                partition.shard, task.id, task.candidate
            ));
        }
        for case in &task.cases {
            if results.insert(case.id.as_str(), case).is_some() {
                return Err(format!("{name}: case {} appears in two shards", case.id));
            }
        }
    }
    let missing: Vec<String> = (1..=count)
        .map(|k| format!("hash:{k}/{count}"))
        .filter(|s| !seen_shards.contains(s))
        .collect();
    let cases: Vec<CaseReport> = first_partition
        .case_ids
        .iter()
        .map(|id| match results.get(id.as_str()) {
            Some(case) => (*case).clone(),
            None => CaseReport {
                id: id.clone(),
                status: Status::NotRun,
                duration_ms: 0.0,
                details: CaseDetails {
                    message: Some(format!(
                        "no shard report covers this case (missing: {})",
                        missing.join(", ")
                    )),
                    ..CaseDetails::default()
                },
                ignored: Vec::new(),
            },
        })
        .collect();
    let build = shards
        .iter()
        .map(|(_, task)| &task.build)
        .find(|build| build.ok)
        .unwrap_or(&first.build)
        .clone();
    Ok(TaskReport {
        id: first.id.clone(),
        candidate: first.candidate.clone(),
        candidate_path: first.candidate_path.clone(),
        build,
        partition: None,
        summary: summarize(&cases),
        cases,
    })
}

/// N of `hash:K/N`.
fn shard_count(shard: &str) -> Option<u64> {
    shard.strip_prefix("hash:")?.split_once('/')?.1.parse().ok()
}
