//! The JSON interface of the judge for programs that are not Rust (the web demo): a
//! browser run in, its observation and verdict out; statuses in, metrics out. The same
//! types and functions as the CLI, so both produce the same JSON field for field.

use serde::{Deserialize, Serialize};

use crate::changes::{self, Found};
use crate::compare::{Status, Verdict, judge};
use crate::expect::{CompareRules, Expectation};
use crate::metrics::Summary;
use crate::observation::{Observation, Outcome, Resources};
use crate::wire;

/// One run of a program as a WASI host other than the CLI saw it: how it ended, what it
/// wrote, and the working directory before and after.
#[derive(Debug, Clone, Deserialize, Serialize)]
pub struct Run {
    pub outcome: Outcome,
    #[serde(with = "wire::base64_bytes")]
    pub stdout: Vec<u8>,
    #[serde(with = "wire::base64_bytes")]
    pub stderr: Vec<u8>,
    /// The case's files, as placed before the run.
    #[serde(default)]
    pub files_before: Vec<FileContent>,
    /// Every regular file in the working directory after the run.
    #[serde(default)]
    pub files_after: Vec<FileContent>,
    #[serde(default)]
    pub resources: Resources,
}

#[derive(Debug, Clone, Deserialize, Serialize)]
pub struct FileContent {
    pub path: String,
    #[serde(with = "wire::base64_bytes")]
    pub content: Vec<u8>,
}

impl Run {
    /// The observation the CLI's sandbox would have made of this run.
    pub fn observation(self) -> Observation {
        let before: Vec<(String, Vec<u8>)> = self
            .files_before
            .into_iter()
            .map(|file| (file.path, file.content))
            .collect();
        let found = self
            .files_after
            .iter()
            .map(|file| Found::from_bytes(file.path.clone(), &file.content));
        let files = changes::changes(&changes::digests(&before), found);
        Observation {
            outcome: self.outcome,
            stdout: self.stdout,
            stderr: self.stderr,
            files,
            resources: self.resources,
        }
    }
}

/// Input of [`judge_run`].
#[derive(Debug, Clone, Deserialize)]
pub struct JudgeRequest {
    /// `None` when the case has no recorded expectation (an `error`, as in the CLI).
    pub expect: Option<Expectation>,
    #[serde(default)]
    pub rules: CompareRules,
    pub run: Run,
}

/// Output of [`judge_run`].
#[derive(Debug, Clone, Serialize)]
pub struct JudgeResponse {
    pub observation: Observation,
    pub verdict: Verdict,
}

/// Turns a run into its observation and judges it against the expectation.
pub fn judge_run(request: JudgeRequest) -> JudgeResponse {
    let observation = request.run.observation();
    let verdict = judge(request.expect.as_ref(), &request.rules, &observation);
    JudgeResponse {
        observation,
        verdict,
    }
}

/// Input of [`summarize`]: every case of a task with its status.
#[derive(Debug, Clone, Deserialize)]
pub struct SummaryRequest {
    pub cases: Vec<CaseStatus>,
}

#[derive(Debug, Clone, Deserialize)]
pub struct CaseStatus {
    pub status: Status,
    /// Why the case is left out of scoring (`ignore.toml`); empty for scored cases.
    #[serde(default)]
    pub ignored: Vec<String>,
}

/// A task's metrics, as the CLI's report computes them.
pub fn summarize(request: SummaryRequest) -> Summary {
    Summary::from_cases(
        request
            .cases
            .into_iter()
            .map(|case| (case.status, case.ignored.is_empty())),
    )
}

/// JSON text in, JSON text out; `Err` carries a message for malformed input.
pub fn call(function: &str, input: &[u8]) -> Result<String, String> {
    let text = |value: serde_json::Result<String>| value.map_err(|err| err.to_string());
    match function {
        "judge" => {
            let request = serde_json::from_slice(input).map_err(|err| err.to_string())?;
            text(serde_json::to_string(&judge_run(request)))
        }
        "summary" => {
            let request = serde_json::from_slice(input).map_err(|err| err.to_string())?;
            text(serde_json::to_string(&summarize(request)))
        }
        other => Err(format!("no function {other:?}")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_run_is_observed_and_judged_like_the_cli_does() {
        let input = serde_json::json!({
            "expect": {"exit": 0, "stdout": "aGkK", "stderr": "", "files": {"out.txt": {"content": "b2s="}}},
            "rules": {"stdout": "exact", "stderr": "exact"},
            "run": {
                "outcome": {"exited": 0},
                "stdout": "aG8K",
                "stderr": "",
                "files_before": [{"path": "in.txt", "content": "eA=="}],
                "files_after": [{"path": "out.txt", "content": "b2s="}],
            }
        });
        let output: serde_json::Value =
            serde_json::from_str(&call("judge", input.to_string().as_bytes()).unwrap()).unwrap();
        assert_eq!(output["verdict"]["status"], "failed");
        assert_eq!(
            output["verdict"]["details"]["mismatches"][0]["field"],
            "stdout"
        );
        let files = &output["observation"]["files"];
        assert_eq!(files[0]["path"], "in.txt");
        assert_eq!(files[0]["change"], "deleted");
        assert_eq!(files[1]["path"], "out.txt");
        assert_eq!(files[1]["change"]["written"]["size"], 2);
    }

    #[test]
    fn observations_round_trip_through_json() {
        let observation = Observation {
            outcome: Outcome::Timeout {
                limit: std::time::Duration::from_millis(2000),
            },
            stdout: b"partial".to_vec(),
            stderr: Vec::new(),
            files: Vec::new(),
            resources: Resources::default(),
        };
        let json = serde_json::to_string(&observation).unwrap();
        assert!(
            json.contains(r#"{"timeout":{"limit_ms":2000.0}}"#),
            "{json}"
        );
        assert_eq!(
            serde_json::from_str::<Observation>(&json).unwrap(),
            observation
        );
    }

    #[test]
    fn ignored_cases_are_counted_apart() {
        let input =
            r#"{"cases": [{"status": "passed"}, {"status": "failed", "ignored": ["dummy_pass"]}]}"#;
        let summary: serde_json::Value =
            serde_json::from_str(&call("summary", input.as_bytes()).unwrap()).unwrap();
        assert_eq!(summary["total"], 1);
        assert_eq!(summary["resolved"], true);
        assert_eq!(summary["ignored"], 1);
    }

    #[test]
    fn malformed_input_is_an_error_not_a_panic() {
        assert!(call("judge", b"{").is_err());
        assert!(call("nothing", b"{}").is_err());
    }
}
