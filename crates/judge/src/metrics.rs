//! Benchmark metrics over case statuses, as ProgramBench defines them: pass rate,
//! resolved (every case passes) and almost resolved (≥ 95 %).

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::compare::Status;

/// The pass rate at or above which a task counts as almost resolved.
pub const ALMOST_RESOLVED_RATE: f64 = 0.95;

/// Metrics of one task evaluated against one candidate.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Summary {
    pub total: usize,
    pub passed: usize,
    /// passed / total (0 for a task without cases).
    pub pass_rate: f64,
    pub resolved: bool,
    pub almost_resolved: bool,
    /// How many cases got each status; statuses that no case got are left out.
    pub statuses: BTreeMap<Status, usize>,
    /// Cases left out of scoring (`ignore.toml`); not part of `total` or `statuses`.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub ignored: usize,
}

fn is_zero(n: &usize) -> bool {
    *n == 0
}

impl Summary {
    pub fn from_statuses(statuses: impl IntoIterator<Item = Status>) -> Self {
        let mut counts = BTreeMap::new();
        for status in statuses {
            *counts.entry(status).or_insert(0) += 1;
        }
        let total: usize = counts.values().sum();
        let passed = counts.get(&Status::Passed).copied().unwrap_or(0);
        let pass_rate = if total == 0 {
            0.0
        } else {
            passed as f64 / total as f64
        };
        Summary {
            total,
            passed,
            pass_rate,
            resolved: total > 0 && passed == total,
            almost_resolved: total > 0 && pass_rate >= ALMOST_RESOLVED_RATE,
            statuses: counts,
            ignored: 0,
        }
    }

    /// Metrics of a task's cases, each given with its status and whether it is scored:
    /// cases left out of scoring (`ignore.toml`) are counted apart and scored not at all.
    pub fn from_cases(cases: impl IntoIterator<Item = (Status, bool)>) -> Self {
        let mut ignored = 0;
        let mut summary =
            Summary::from_statuses(cases.into_iter().filter_map(|(status, scored)| {
                ignored += usize::from(!scored);
                scored.then_some(status)
            }));
        summary.ignored = ignored;
        summary
    }
}

/// Counts over all evaluated task/candidate pairs.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RunSummary {
    /// Task/candidate pairs evaluated.
    pub evaluations: usize,
    pub resolved: usize,
    pub almost_resolved: usize,
    pub cases: usize,
    pub passed: usize,
    pub pass_rate: f64,
    /// Task folders that could not be loaded.
    pub broken_tasks: usize,
}

impl RunSummary {
    pub fn from_summaries<'a>(
        summaries: impl IntoIterator<Item = &'a Summary>,
        broken_tasks: usize,
    ) -> Self {
        let mut run = RunSummary {
            evaluations: 0,
            resolved: 0,
            almost_resolved: 0,
            cases: 0,
            passed: 0,
            pass_rate: 0.0,
            broken_tasks,
        };
        for summary in summaries {
            run.evaluations += 1;
            run.resolved += usize::from(summary.resolved);
            run.almost_resolved += usize::from(summary.almost_resolved);
            run.cases += summary.total;
            run.passed += summary.passed;
        }
        run.pass_rate = if run.cases == 0 {
            0.0
        } else {
            run.passed as f64 / run.cases as f64
        };
        run
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn resolved_needs_every_case_and_almost_needs_95_percent() {
        let all = Summary::from_statuses([Status::Passed; 20]);
        assert!(all.resolved && all.almost_resolved && all.pass_rate == 1.0);
        let nineteen =
            Summary::from_statuses([Status::Passed; 19].into_iter().chain([Status::Timeout]));
        assert!(!nineteen.resolved && nineteen.almost_resolved);
        assert_eq!(nineteen.statuses[&Status::Timeout], 1);
        let eighteen =
            Summary::from_statuses([Status::Passed; 18].into_iter().chain([Status::Failed; 2]));
        assert!(!eighteen.almost_resolved);
        let empty = Summary::from_statuses([]);
        assert!(!empty.resolved && empty.pass_rate == 0.0);
    }
}
