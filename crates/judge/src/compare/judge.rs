//! The verdict for one case.

use sha2::{Digest, Sha256};

use super::normalize::normalize;
use super::status::{CaseDetails, Mismatch, Status, Verdict};
use super::text::{excerpt, unified_diff};
use crate::expect::{CompareMode, CompareRules, Expectation, ExpectedFile};
use crate::observation::{FileChange, Observation, Outcome};

/// Judges one observed run against the recorded expectation.
pub fn judge(
    expect: Option<&Expectation>,
    rules: &CompareRules,
    observed: &Observation,
) -> Verdict {
    let Some(expect) = expect else {
        return Verdict::with_message(
            Status::Error,
            "the case has no recorded expectation; run `cleanroom record` on the task",
        );
    };
    let mut details = CaseDetails::default();
    let status = match &observed.outcome {
        Outcome::Exited(code) => {
            details.exit = Some(*code);
            details.mismatches = mismatches(expect, rules, observed, *code);
            if details.mismatches.is_empty() {
                Status::Passed
            } else {
                Status::Failed
            }
        }
        Outcome::Timeout { limit } => {
            details.limit = Some(limit.as_millis() as u64);
            Status::Timeout
        }
        Outcome::CpuLimit { fuel } => {
            details.limit = Some(*fuel);
            Status::CpuLimit
        }
        Outcome::MemoryLimit { limit_bytes } => {
            details.limit = Some(*limit_bytes);
            Status::MemoryLimit
        }
        Outcome::OutputLimit {
            stream,
            limit_bytes,
        } => {
            details.limit = Some(*limit_bytes);
            details.stream = Some(stream.name().to_string());
            Status::OutputLimit
        }
        Outcome::StackOverflow => {
            details.crash = Some("stack_overflow".into());
            Status::Crashed
        }
        Outcome::Trap { kind, message } => {
            details.crash = Some(kind.clone());
            details.message = Some(message.clone());
            Status::Crashed
        }
        Outcome::InvalidProgram { message } => {
            details.message = Some(message.clone());
            Status::InvalidProgram
        }
        Outcome::HostError { message } => {
            details.message = Some(message.clone());
            Status::Error
        }
    };
    if observed.resources.disk_quota_hit && details.message.is_none() {
        details.message = Some(
            "the program ran out of space: a working-directory quota refused a write (ENOSPC)"
                .into(),
        );
    }
    Verdict { status, details }
}

fn mismatches(
    expect: &Expectation,
    rules: &CompareRules,
    observed: &Observation,
    code: i32,
) -> Vec<Mismatch> {
    let mut found = Vec::new();
    if expect.exit != code {
        found.push(Mismatch {
            field: "exit".into(),
            expected: expect.exit.to_string(),
            actual: code.to_string(),
            diff: None,
            truncated: false,
        });
    }
    for (field, mode, expected, actual) in [
        ("stdout", rules.stdout, &expect.stdout, &observed.stdout),
        ("stderr", rules.stderr, &expect.stderr, &observed.stderr),
    ] {
        if !stream_matches(mode, expected, actual) {
            found.push(text_mismatch(field.to_string(), expected, actual));
        }
    }
    found.extend(file_mismatches(expect, observed));
    found
}

fn stream_matches(mode: CompareMode, expected: &[u8], actual: &[u8]) -> bool {
    normalize(mode, expected) == normalize(mode, actual)
}

fn text_mismatch(field: String, expected: &[u8], actual: &[u8]) -> Mismatch {
    let (expected_text, cut_expected) = excerpt(expected);
    let (actual_text, cut_actual) = excerpt(actual);
    let (diff, cut_diff) = unified_diff(expected, actual);
    Mismatch {
        field,
        expected: expected_text,
        actual: actual_text,
        diff: Some(diff),
        truncated: cut_expected || cut_actual || cut_diff,
    }
}

/// Every path that the expectation or the run names, in path order.
fn file_mismatches(expect: &Expectation, observed: &Observation) -> Vec<Mismatch> {
    let mut paths: Vec<&str> = expect.files.keys().map(String::as_str).collect();
    paths.extend(observed.files.iter().map(|file| file.path.as_str()));
    paths.sort_unstable();
    paths.dedup();
    let mut found = Vec::new();
    for path in paths {
        let expected = expect.files.get(path);
        let actual = observed
            .files
            .iter()
            .find(|file| file.path == path)
            .map(|file| &file.change);
        let field = format!("file:{path}");
        let same = match (expected, actual) {
            (Some(ExpectedFile::Deleted), Some(FileChange::Deleted)) => true,
            (Some(ExpectedFile::Content(bytes)), Some(FileChange::Written { sha256, .. })) => {
                <[u8; 32]>::from(Sha256::digest(bytes)) == *sha256
            }
            (
                Some(ExpectedFile::Digest { sha256, size }),
                Some(FileChange::Written {
                    sha256: got,
                    size: got_size,
                    ..
                }),
            ) => sha256 == got && size == got_size,
            _ => false,
        };
        if same {
            continue;
        }
        match (expected, actual) {
            (
                Some(ExpectedFile::Content(bytes)),
                Some(FileChange::Written {
                    content: Some(content),
                    ..
                }),
            ) => {
                found.push(text_mismatch(field, bytes, content));
            }
            _ => found.push(Mismatch {
                field,
                expected: describe_expected(expected),
                actual: describe_actual(actual),
                diff: None,
                truncated: false,
            }),
        }
    }
    found
}

fn describe_expected(expected: Option<&ExpectedFile>) -> String {
    match expected {
        None => "(unchanged)".into(),
        Some(ExpectedFile::Deleted) => "(deleted)".into(),
        Some(ExpectedFile::Content(bytes)) => format!("({} bytes)", bytes.len()),
        Some(ExpectedFile::Digest { size, .. }) => format!("({size} bytes)"),
    }
}

fn describe_actual(actual: Option<&FileChange>) -> String {
    match actual {
        None => "(unchanged)".into(),
        Some(FileChange::Deleted) => "(deleted)".into(),
        Some(FileChange::Written { size, .. }) => format!("({size} bytes)"),
    }
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;
    use std::time::Duration;

    use super::*;
    use crate::observation::{ObservedFile, Resources};

    fn observed(outcome: Outcome, stdout: &str) -> Observation {
        Observation {
            outcome,
            stdout: stdout.as_bytes().to_vec(),
            stderr: Vec::new(),
            files: Vec::new(),
            resources: Resources::default(),
        }
    }

    fn expect(exit: i32, stdout: &str) -> Expectation {
        Expectation {
            exit,
            stdout: stdout.into(),
            stderr: Vec::new(),
            files: BTreeMap::new(),
        }
    }

    #[test]
    fn identical_behaviour_passes() {
        let verdict = judge(
            Some(&expect(0, "hi\n")),
            &CompareRules::default(),
            &observed(Outcome::Exited(0), "hi\n"),
        );
        assert_eq!(verdict.status, Status::Passed);
    }

    #[test]
    fn every_differing_field_is_listed() {
        let verdict = judge(
            Some(&expect(0, "hi\n")),
            &CompareRules::default(),
            &observed(Outcome::Exited(3), "ho\n"),
        );
        assert_eq!(verdict.status, Status::Failed);
        let fields: Vec<&str> = verdict
            .details
            .mismatches
            .iter()
            .map(|m| m.field.as_str())
            .collect();
        assert_eq!(fields, ["exit", "stdout"]);
        assert!(
            verdict.details.mismatches[1]
                .diff
                .as_deref()
                .unwrap()
                .contains("+ho")
        );
    }

    #[test]
    fn rules_relax_only_the_named_stream() {
        let rules = CompareRules {
            stdout: CompareMode::Normalized,
            ..CompareRules::default()
        };
        let verdict = judge(
            Some(&expect(0, "hi\n")),
            &rules,
            &observed(Outcome::Exited(0), "hi  \r\n\n"),
        );
        assert_eq!(verdict.status, Status::Passed);
    }

    #[test]
    fn limits_and_crashes_are_not_failures() {
        let rules = CompareRules::default();
        let cases = [
            (
                Outcome::Timeout {
                    limit: Duration::from_secs(1),
                },
                Status::Timeout,
            ),
            (Outcome::StackOverflow, Status::Crashed),
            (
                Outcome::InvalidProgram {
                    message: "x".into(),
                },
                Status::InvalidProgram,
            ),
            (
                Outcome::HostError {
                    message: "x".into(),
                },
                Status::Error,
            ),
        ];
        for (outcome, status) in cases {
            assert_eq!(
                judge(Some(&expect(0, "")), &rules, &observed(outcome, "")).status,
                status
            );
        }
    }

    #[test]
    fn unexpected_and_missing_files_fail() {
        let mut run = observed(Outcome::Exited(0), "");
        run.files.push(ObservedFile {
            path: "out.txt".into(),
            change: FileChange::Written {
                size: 2,
                sha256: Sha256::digest(b"ok").into(),
                content: Some(b"ok".to_vec()),
            },
        });
        let mut wanted = expect(0, "");
        assert_eq!(
            judge(Some(&wanted), &CompareRules::default(), &run).status,
            Status::Failed
        );
        wanted
            .files
            .insert("out.txt".into(), ExpectedFile::Content(b"ok".to_vec()));
        assert_eq!(
            judge(Some(&wanted), &CompareRules::default(), &run).status,
            Status::Passed
        );
    }

    #[test]
    fn a_case_without_expectation_is_an_error_not_a_pass() {
        let verdict = judge(
            None,
            &CompareRules::default(),
            &observed(Outcome::Exited(0), ""),
        );
        assert_eq!(verdict.status, Status::Error);
    }
}
