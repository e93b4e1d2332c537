//! Scale: parallelism does not change results, shards merge into the unsharded report,
//! and the compiled-module cache survives damage.

use std::path::Path;

use crate::support::{cleanroom, read_json, run, stderr, without_timings, wordfreq};

fn eval(extra: &[&str], json: &Path) {
    let output = run(cleanroom()
        .args(["eval", "-q"])
        .args(extra)
        .arg("--json")
        .arg(json)
        .arg(wordfreq()));
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
}

fn pretty(value: &serde_json::Value) -> String {
    serde_json::to_string_pretty(value).unwrap()
}

#[test]
fn merged_shard_reports_equal_the_unsharded_report() {
    let dir = tempfile::tempdir().unwrap();
    let whole = dir.path().join("whole.json");
    eval(&[], &whole);
    let mut shards = Vec::new();
    for k in 1..=3 {
        let path = dir.path().join(format!("shard{k}.json"));
        eval(&["--partition", &format!("hash:{k}/3")], &path);
        let shard = read_json(&path);
        let task = &shard["tasks"][0];
        assert_eq!(task["partition"]["shard"], format!("hash:{k}/3"));
        assert_eq!(
            task["partition"]["case_ids"].as_array().unwrap().len(),
            130,
            "out-of-shard cases are listed"
        );
        assert!(task["cases"].as_array().unwrap().len() < 130);
        shards.push(path);
    }
    let merged = dir.path().join("merged.json");
    let output = run(cleanroom()
        .arg("merge")
        .args(&shards)
        .arg("--json")
        .arg(&merged));
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    assert_eq!(
        pretty(&without_timings(read_json(&merged))),
        pretty(&without_timings(read_json(&whole)))
    );
}

#[test]
fn a_missing_shard_leaves_its_cases_not_run_never_dropped() {
    let dir = tempfile::tempdir().unwrap();
    let shard = dir.path().join("shard1.json");
    eval(
        &[
            "--partition",
            "hash:1/2",
            "--candidate",
            "wasm-tasks/wordfreq/candidates/correct",
        ],
        &shard,
    );
    let merged = dir.path().join("merged.json");
    let output = run(cleanroom()
        .arg("merge")
        .arg(&shard)
        .arg("--json")
        .arg(&merged));
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let task = &read_json(&merged)["tasks"][0];
    assert_eq!(task["cases"].as_array().unwrap().len(), 130);
    let not_run = task["summary"]["statuses"]["not_run"].as_u64().unwrap();
    let ran = read_json(&shard)["tasks"][0]["cases"]
        .as_array()
        .unwrap()
        .len() as u64;
    assert_eq!(not_run + ran, 130);
    let missing = task["cases"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["status"] == "not_run")
        .unwrap();
    assert!(
        missing["details"]["message"]
            .as_str()
            .unwrap()
            .contains("hash:2/2")
    );
}

#[test]
fn merging_refuses_reports_that_are_not_shards() {
    let dir = tempfile::tempdir().unwrap();
    let whole = dir.path().join("whole.json");
    eval(
        &["--candidate", "wasm-tasks/wordfreq/candidates/correct"],
        &whole,
    );
    let output = run(cleanroom()
        .arg("merge")
        .arg(&whole)
        .arg("--json")
        .arg(dir.path().join("m.json")));
    assert_eq!(output.status.code(), Some(3));
    assert!(
        stderr(&output).contains("is not from a sharded run"),
        "{}",
        stderr(&output)
    );
}

#[test]
fn one_job_and_four_jobs_give_identical_reports() {
    let dir = tempfile::tempdir().unwrap();
    let (one, four) = (dir.path().join("one.json"), dir.path().join("four.json"));
    eval(&["--jobs", "1"], &one);
    eval(&["--jobs", "4"], &four);
    assert_eq!(
        pretty(&without_timings(read_json(&one))),
        pretty(&without_timings(read_json(&four)))
    );
}

#[test]
fn a_damaged_module_cache_is_recompiled_not_trusted() {
    let cache = tempfile::tempdir().unwrap();
    let dir = tempfile::tempdir().unwrap();
    let candidate = "wasm-tasks/wordfreq/candidates/correct";
    let json = dir.path().join("r.json");
    let eval_with_cache = |json: &Path| {
        let output = run(cleanroom()
            .env("CLEANROOM_CACHE_DIR", cache.path())
            .args([
                "eval",
                "-q",
                "--require-resolved",
                "--candidate",
                candidate,
                "--json",
            ])
            .arg(json)
            .arg(wordfreq()));
        assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    };
    eval_with_cache(&json);
    let modules: Vec<_> = std::fs::read_dir(cache.path().join("modules"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    assert_eq!(modules.len(), 1, "one compiled module cached: {modules:?}");
    std::fs::write(&modules[0], b"not a compiled module").unwrap();
    eval_with_cache(&json);
    assert_ne!(
        std::fs::read(&modules[0]).unwrap(),
        b"not a compiled module",
        "rewritten"
    );
}
