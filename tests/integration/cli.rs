//! The `cleanroom` command on the bundled task and on small tasks made on the fly.

use std::collections::BTreeSet;

use crate::support::{
    cleanroom, copy_dir, fixture, read_json, repo, run, stderr, stdout, temp_task, wordfreq,
};

/// Case ids of one candidate's report with the given status.
fn ids_with_status(report: &serde_json::Value, candidate: &str, status: &str) -> BTreeSet<String> {
    let task = report["tasks"]
        .as_array()
        .unwrap()
        .iter()
        .find(|t| t["candidate"] == candidate)
        .expect("candidate reported");
    task["cases"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|case| case["status"] == status)
        .map(|case| case["id"].as_str().unwrap().to_string())
        .collect()
}

fn set(ids: &[&str]) -> BTreeSet<String> {
    ids.iter().map(|id| id.to_string()).collect()
}

#[test]
fn bundled_candidates_get_exactly_the_verdicts_their_bugs_deserve() {
    let dir = tempfile::tempdir().unwrap();
    let (json, junit) = (dir.path().join("r.json"), dir.path().join("r.xml"));
    let output = run(cleanroom()
        .args(["eval", "--quiet", "--json"])
        .arg(&json)
        .arg("--junit")
        .arg(&junit)
        .arg(wordfreq()));
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let report = read_json(&json);
    assert_eq!(report["format_version"], 1);

    // 130 cases; ignore.toml leaves 2 out of scoring (a trivial program passes them).
    let cases = 130;
    let total = 128;
    let correct = &report["tasks"]
        .as_array()
        .unwrap()
        .iter()
        .find(|t| t["candidate"] == "correct")
        .unwrap()["summary"];
    assert_eq!(
        (correct["total"].as_u64(), correct["resolved"].as_bool()),
        (Some(total), Some(true))
    );
    assert_eq!(correct["ignored"], 2);
    let ignored: Vec<&serde_json::Value> = report["tasks"][0]["cases"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|c| c.get("ignored").is_some())
        .collect();
    assert_eq!(
        ignored
            .iter()
            .map(|c| (c["id"].as_str().unwrap(), c["ignored"][0].as_str().unwrap()))
            .collect::<Vec<_>>(),
        [
            ("edge/empty-stdin", "dummy_pass"),
            ("errors/no-words", "dummy_pass")
        ]
    );

    assert_eq!(
        ids_with_status(&report, "subtly-wrong", "failed"),
        set(&[
            "basic/single-file",
            "basic/ties-byte-order",
            "basic/ties-byte-order-dual",
            "basic/numbers-are-words",
            "options/min-length-counts-characters",
            "options/min-length-counts-characters-dual",
        ])
    );
    assert_eq!(
        ids_with_status(&report, "subtly-wrong", "passed").len(),
        cases - 6
    );
    assert_eq!(
        ids_with_status(&report, "crashy", "crashed"),
        set(&["edge/empty-stdin", "edge/empty-file-among-others"])
    );
    assert_eq!(
        ids_with_status(&report, "crashy", "timeout"),
        set(&["options/top-larger-than-distinct", "edge/top-maximum-value"])
    );
    assert_eq!(
        ids_with_status(&report, "crashy", "passed").len(),
        cases - 4
    );

    // A failed case says which field differed, with a diff.
    let wrong = report["tasks"]
        .as_array()
        .unwrap()
        .iter()
        .find(|t| t["candidate"] == "subtly-wrong")
        .unwrap();
    let case = wrong["cases"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["id"] == "basic/ties-byte-order")
        .unwrap();
    assert_eq!(case["details"]["mismatches"][0]["field"], "stdout");
    assert!(
        case["details"]["mismatches"][0]["diff"]
            .as_str()
            .unwrap()
            .starts_with("--- expected\n+++ actual\n")
    );

    // JUnit XML read by an ordinary parser gives the same counts.
    let xml = std::fs::read_to_string(&junit).unwrap();
    let doc = roxmltree::Document::parse(&xml).expect("valid XML");
    for task in report["tasks"].as_array().unwrap() {
        let name = format!("wordfreq/{}", task["candidate"].as_str().unwrap());
        let suite = doc
            .descendants()
            .find(|n| n.has_tag_name("testsuite") && n.attribute("name") == Some(name.as_str()))
            .unwrap();
        let testcases: Vec<_> = suite
            .children()
            .filter(|n| n.has_tag_name("testcase"))
            .collect();
        let not_passing = testcases
            .iter()
            .filter(|c| {
                c.children()
                    .any(|n| n.has_tag_name("failure") || n.has_tag_name("error"))
            })
            .count();
        let skipped = testcases
            .iter()
            .filter(|c| c.children().any(|n| n.has_tag_name("skipped")))
            .count();
        assert_eq!(testcases.len(), cases, "every case is listed");
        assert_eq!(skipped, 2, "ignored cases are skipped");
        assert_eq!(
            not_passing as u64,
            total - task["summary"]["passed"].as_u64().unwrap()
        );
        assert_eq!(suite.attribute("tests"), Some(cases.to_string().as_str()));
    }

    // The terminal summary names every evaluation and the failing cases.
    let summary = stdout(&output);
    insta::assert_snapshot!("eval_summary", summary);
}

#[test]
fn the_bundled_expectations_are_what_the_reference_does_today() {
    let dir = tempfile::tempdir().unwrap();
    let copy = dir.path().join("wordfreq");
    copy_dir(&wordfreq(), &copy);
    let output = run(cleanroom().arg("record").arg(&copy));
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    assert!(
        stdout(&output).contains("recorded 130 case(s), 0 changed, 0 refused"),
        "{}",
        stdout(&output)
    );
    for file in ["basic", "edge", "errors", "formats", "options"] {
        let path = format!("tests/{file}.toml");
        assert_eq!(
            std::fs::read_to_string(copy.join(&path)).unwrap(),
            std::fs::read_to_string(wordfreq().join(&path)).unwrap(),
            "recording changed {path}"
        );
    }
}

#[test]
fn record_then_eval_of_the_reference_is_resolved() {
    let task = temp_task(
        "id = \"exits\"\nprogram = \"exits\"\nsummary = \"x\"\n[reference]\nwasm = \"ref.wat\"\n",
        "# hand-written cases\n[[case]]\nname = \"one\" # keep me\nargs = [\"a\"]\n\n[[case]]\nname = \"two\"\nstdin = \"in\"\n",
    );
    std::fs::copy(fixture("time_and_random.wat"), task.path().join("ref.wat")).unwrap();
    let output = run(cleanroom().arg("record").arg(task.path()));
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let cases = std::fs::read_to_string(task.path().join("tests/cases.toml")).unwrap();
    assert!(
        cases.starts_with("# hand-written cases\n[[case]]\nname = \"one\" # keep me\n"),
        "{cases}"
    );
    assert_eq!(cases.matches("[case.expect]").count(), 2, "{cases}");

    let json = task.path().join("report.json");
    let output = run(cleanroom()
        .args(["eval", "--quiet", "--require-resolved", "--candidate"])
        .arg(task.path().join("ref.wat"))
        .arg("--json")
        .arg(&json)
        .arg(task.path()));
    assert_eq!(
        output.status.code(),
        Some(0),
        "{}{}",
        stdout(&output),
        stderr(&output)
    );
    assert_eq!(read_json(&json)["tasks"][0]["summary"]["resolved"], true);
}

#[test]
fn record_refuses_a_reference_that_does_not_exit_normally() {
    let task = temp_task(
        "id = \"t\"\nprogram = \"t\"\nsummary = \"x\"\n[reference]\nwasm = \"ref.wat\"\n[limits]\ntimeout_ms = 100\n",
        "[[case]]\nname = \"spins\"\n[case.expect]\nexit = 0\n",
    );
    std::fs::copy(fixture("loop.wat"), task.path().join("ref.wat")).unwrap();
    let output = run(cleanroom().arg("record").arg(task.path()));
    assert_eq!(output.status.code(), Some(5));
    assert!(
        stdout(&output).contains(
            "refused cases/spins: the reference did not exit normally: timed out after 100 ms"
        ),
        "{}",
        stdout(&output)
    );
    assert!(
        !std::fs::read_to_string(task.path().join("tests/cases.toml"))
            .unwrap()
            .contains("expect")
    );
}

#[test]
fn unrecorded_cases_are_errors_and_make_eval_exit_4() {
    let task = temp_task(
        "id = \"t\"\nprogram = \"t\"\nsummary = \"x\"\n[reference]\nwasm = \"ref.wat\"\n",
        "[[case]]\nname = \"never-recorded\"\n",
    );
    std::fs::copy(fixture("time_and_random.wat"), task.path().join("ref.wat")).unwrap();
    let json = task.path().join("r.json");
    let output = run(cleanroom()
        .args(["eval", "-q", "--candidate"])
        .arg(task.path().join("ref.wat"))
        .arg("--json")
        .arg(&json)
        .arg(task.path()));
    assert_eq!(output.status.code(), Some(4));
    let case = &read_json(&json)["tasks"][0]["cases"][0];
    assert_eq!(case["status"], "error");
    assert!(
        case["details"]["message"]
            .as_str()
            .unwrap()
            .contains("cleanroom record")
    );
}

#[test]
fn a_candidate_that_does_not_build_gets_not_run_with_its_build_log() {
    let dir = tempfile::tempdir().unwrap();
    let candidate = dir.path().join("broken");
    std::fs::create_dir_all(candidate.join("src")).unwrap();
    std::fs::write(
        candidate.join("Cargo.toml"),
        "[package]\nname = \"broken\"\nversion = \"0.1.0\"\nedition = \"2021\"\n[workspace]\n",
    )
    .unwrap();
    std::fs::write(
        candidate.join("src/main.rs"),
        "fn main() { this is not rust }\n",
    )
    .unwrap();
    let json = dir.path().join("r.json");
    let output = run(cleanroom()
        .args(["eval", "-q", "--candidate"])
        .arg(&candidate)
        .arg("--json")
        .arg(&json)
        .arg(wordfreq()));
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let task = &read_json(&json)["tasks"][0];
    // every scored case (2 of the 130 are ignored)
    assert_eq!(task["summary"]["statuses"]["not_run"], 128);
    assert_eq!(task["build"]["ok"], false);
    assert!(
        task["build"]["log"].as_str().unwrap().contains("error"),
        "{}",
        task["build"]["log"]
    );
    assert!(
        !candidate.join("target").exists(),
        "the submission folder is never modified"
    );
    assert!(
        !candidate.join("Cargo.lock").exists(),
        "the submission folder is never modified"
    );
}

#[test]
fn a_candidate_that_is_not_a_module_is_an_invalid_program_on_every_case() {
    let dir = tempfile::tempdir().unwrap();
    let json = dir.path().join("r.json");
    let output = run(cleanroom()
        .args(["eval", "-q", "--candidate"])
        .arg(fixture("not_a_module.txt"))
        .arg("--json")
        .arg(&json)
        .arg(wordfreq()));
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    assert_eq!(
        read_json(&json)["tasks"][0]["summary"]["statuses"]["invalid_program"],
        128
    );
}

#[test]
fn a_broken_task_is_reported_and_the_others_still_evaluated() {
    let broken = temp_task("id = \"broken\"\nprogram = \"b\"\n", "");
    let dir = tempfile::tempdir().unwrap();
    let json = dir.path().join("r.json");
    let output = run(cleanroom()
        .args(["eval", "-q", "--candidate"])
        .arg(wordfreq().join("candidates/correct"))
        .arg("--json")
        .arg(&json)
        .arg(broken.path())
        .arg(wordfreq()));
    assert_eq!(output.status.code(), Some(3), "{}", stderr(&output));
    let report = read_json(&json);
    assert_eq!(report["tasks"][0]["summary"]["resolved"], true);
    let error = report["invalid_tasks"][0]["error"].as_str().unwrap();
    assert!(
        error.contains("task.toml") && error.contains("summary"),
        "{error}"
    );
}

#[test]
fn run_executes_the_reference_on_the_users_input() {
    let mut command = cleanroom();
    command
        .args(["run"])
        .arg(wordfreq())
        .args(["--", "-n", "1"])
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped());
    let mut child = command.spawn().unwrap();
    use std::io::Write;
    child.stdin.take().unwrap().write_all(b"b a b\n").unwrap();
    let output = child.wait_with_output().unwrap();
    assert_eq!(output.status.code(), Some(0));
    assert_eq!(stdout(&output), "2\tb\n");
}

#[test]
fn list_shows_case_counts() {
    // The committed tasks only: set-up scripts may generate task folders next to them
    // (wasm-tasks/jq-upstream), which ignore themselves with a `.gitignore` of `*`.
    let mut tasks: Vec<std::path::PathBuf> = std::fs::read_dir(repo().join("wasm-tasks"))
        .unwrap()
        .map(|entry| entry.unwrap().path())
        .filter(|dir| dir.join("task.toml").is_file())
        .filter(|dir| {
            std::fs::read_to_string(dir.join(".gitignore")).map_or(true, |text| text.trim() != "*")
        })
        .collect();
    tasks.sort();
    let output = run(cleanroom().arg("list").args(&tasks));
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    insta::assert_snapshot!("list", stdout(&output));
}
