//! JUnit XML: one testsuite per task and candidate, one testcase per case. `passed` is a
//! success, `error` (the evaluator's fault) a JUnit error, every other status a failure
//! whose type is the status name; a case left out of scoring (`ignore.toml`) is skipped.

use quick_junit::{NonSuccessKind, Report as JunitReport, TestCase, TestCaseStatus, TestSuite};

use super::model::Report;
use crate::events::Status;

pub fn to_junit_xml(report: &Report) -> std::io::Result<String> {
    let mut junit = JunitReport::new("cleanroom");
    for task in &report.tasks {
        let mut suite = TestSuite::new(format!("{}/{}", task.id, task.candidate));
        for case in &task.cases {
            let status = match case.status {
                // Left out of scoring, as ProgramBench does: a skipped test with the reasons.
                _ if !case.is_scored() => {
                    let mut status = TestCaseStatus::skipped();
                    status.set_message(format!(
                        "ignored ({}); the case ran with status {}",
                        case.ignored.join(", "),
                        case.status.as_str()
                    ));
                    status
                }
                Status::Passed => TestCaseStatus::success(),
                other => {
                    let kind = if other == Status::Error {
                        NonSuccessKind::Error
                    } else {
                        NonSuccessKind::Failure
                    };
                    let mut status = TestCaseStatus::non_success(kind);
                    status.set_type(other.as_str());
                    status.set_message(summary_line(case));
                    if let Some(diff) = case
                        .details
                        .mismatches
                        .iter()
                        .find_map(|m| m.diff.as_deref())
                    {
                        status.set_description(diff);
                    }
                    status
                }
            };
            let mut test_case = TestCase::new(case.id.as_str(), status);
            test_case.set_classname(task.id.as_str());
            test_case.set_time(std::time::Duration::from_secs_f64(
                case.duration_ms / 1000.0,
            ));
            suite.add_test_case(test_case);
        }
        junit.add_test_suite(suite);
    }
    junit.to_string().map_err(std::io::Error::other)
}

fn summary_line(case: &super::model::CaseReport) -> String {
    let mut line = case.status.as_str().to_string();
    if let Some(differs) = case.details.mismatch_summary() {
        line.push_str(&format!(": {differs}"));
    } else if let Some(message) = &case.details.message {
        line.push_str(&format!(": {message}"));
    }
    line
}
