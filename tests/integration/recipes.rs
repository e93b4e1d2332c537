//! Task-declared builds: `command` scripts cached by content, `[candidates.NAME]` tables,
//! and on-request candidates that only `--all`/`--only` evaluate.

use crate::support::{cleanroom, fixture, read_json, run, stderr, stdout, temp_task};

const TASK: &str = r#"id = "recipes"
program = "guest"
summary = "declared candidates"
[reference]
wasm = "ref.wat"

[candidates.scripted]
command = "build/make.sh"

[candidates.slow]
command = "build/make.sh"
on_request = true
build_time = "about 1 s"
"#;

/// A build script that checks the environment the contract promises, counts its runs in
/// `$RUNS_FILE` and writes the reference module.
const SCRIPT: &str = r#"set -e
test -d "$CLEANROOM_SCRATCH" && test -z "$(ls -A "$CLEANROOM_SCRATCH")"
test -d "$CLEANROOM_DOWNLOADS"
test "$CLEANROOM_JOBS" -ge 1
echo run >> "$RUNS_FILE"
cp module.wat "$CLEANROOM_OUT"
"#;

fn task_with_recipes() -> tempfile::TempDir {
    let task = temp_task(
        TASK,
        "[[case]]\nname = \"a\"\n\n[[case]]\nname = \"b\"\nargs = [\"x\"]\n",
    );
    std::fs::copy(fixture("time_and_random.wat"), task.path().join("ref.wat")).unwrap();
    std::fs::create_dir(task.path().join("build")).unwrap();
    std::fs::write(task.path().join("build/make.sh"), SCRIPT).unwrap();
    std::fs::copy(
        fixture("time_and_random.wat"),
        task.path().join("build/module.wat"),
    )
    .unwrap();
    let output = run(cleanroom().arg("record").arg(task.path()));
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    task
}

/// Evaluates the task with `extra` arguments; returns (candidate names, stderr).
fn eval(task: &tempfile::TempDir, runs: &std::path::Path, extra: &[&str]) -> (Vec<String>, String) {
    let json = task.path().join("report.json");
    let output = run(cleanroom()
        .args(["eval", "--require-resolved", "--json"])
        .arg(&json)
        .args(extra)
        .arg(task.path())
        .env("RUNS_FILE", runs)
        // a private cache, so the run count is this test's alone
        .env("CLEANROOM_CACHE_DIR", task.path().join("cache")));
    assert_eq!(
        output.status.code(),
        Some(0),
        "{}{}",
        stdout(&output),
        stderr(&output)
    );
    let report = read_json(&json);
    let names = report["tasks"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["candidate"].as_str().unwrap().to_string())
        .collect();
    (names, stderr(&output))
}

#[test]
fn on_request_candidates_run_only_when_asked_and_recipes_build_once() {
    let task = task_with_recipes();
    let runs = task.path().join("runs.txt");

    let (names, err) = eval(&task, &runs, &[]);
    assert_eq!(names, ["scripted"]);
    assert!(
        err.contains("not evaluating on-request candidates slow (builds in about 1 s); run with --all or --only NAME"),
        "{err}"
    );

    let (names, _) = eval(&task, &runs, &["--all"]);
    assert_eq!(names, ["scripted", "slow"]);
    let (names, _) = eval(&task, &runs, &["--only", "slow"]);
    assert_eq!(names, ["slow"]);

    // Both tables name the same script folder: one build for three evals.
    assert_eq!(std::fs::read_to_string(&runs).unwrap(), "run\n");

    // A change in the script's folder is a new build.
    std::fs::write(task.path().join("build/notes.txt"), "changed").unwrap();
    eval(&task, &runs, &["--only", "scripted"]);
    assert_eq!(std::fs::read_to_string(&runs).unwrap(), "run\nrun\n");
}

#[test]
fn only_names_an_unknown_candidate_is_a_usage_error() {
    let task = task_with_recipes();
    let output = run(cleanroom()
        .args(["eval", "--only", "nope"])
        .arg(task.path()));
    assert_eq!(output.status.code(), Some(2));
    assert!(
        stderr(&output).contains(
            "no task has a candidate named nope; the tasks' candidates are: scripted, slow"
        ),
        "{}",
        stderr(&output)
    );
}

#[test]
fn a_failing_recipe_leaves_its_cases_not_run_with_the_log() {
    let task = task_with_recipes();
    std::fs::write(
        task.path().join("build/make.sh"),
        "echo 'fetching sources failed: checksum mismatch' >&2\nexit 7\n",
    )
    .unwrap();
    let json = task.path().join("report.json");
    let output = run(cleanroom()
        .args(["eval", "--only", "scripted", "--json"])
        .arg(&json)
        .arg(task.path()));
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let report = read_json(&json);
    let unit = &report["tasks"][0];
    assert_eq!(unit["summary"]["statuses"]["not_run"], 2, "{unit}");
    assert!(
        unit["build"]["log"]
            .as_str()
            .unwrap()
            .contains("checksum mismatch"),
        "{unit}"
    );
}

#[test]
fn list_shows_on_request_candidates_and_build_times() {
    let task = task_with_recipes();
    let output = run(cleanroom().arg("list").arg(task.path()));
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let out = stdout(&output);
    let row = out.lines().find(|l| l.starts_with("recipes")).expect(&out);
    let columns: Vec<&str> = row.split_whitespace().collect();
    assert_eq!(columns, ["recipes", "2", "0", "2", "2", "1", "1"], "{out}");
    assert!(out.contains("recipes candidate slow: about 1 s"), "{out}");
}

#[cfg(unix)]
#[test]
fn a_native_result_runs_even_if_the_script_left_it_not_executable() {
    let task = task_with_recipes();
    // `cp` onto the existing $CLEANROOM_OUT keeps its mode (not executable).
    std::fs::write(
        task.path().join("build/make.sh"),
        "cp program.sh \"$CLEANROOM_OUT\"\n",
    )
    .unwrap();
    std::fs::write(
        task.path().join("build/program.sh"),
        "#!/bin/sh\necho native\n",
    )
    .unwrap();
    let json = task.path().join("report.json");
    let output = run(cleanroom()
        .args(["eval", "--only", "scripted", "--json"])
        .arg(&json)
        .arg(task.path())
        // a private cache: a shared one may hold this very build from an earlier run
        .env("CLEANROOM_CACHE_DIR", task.path().join("cache")));
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let report = read_json(&json);
    let unit = &report["tasks"][0];
    assert_eq!(unit["build"]["runner"], "native", "{unit}");
    // It ran (and differs from the reference), instead of failing to start.
    assert_eq!(unit["summary"]["statuses"]["failed"], 2, "{unit}");
    let stdout_seen = unit["cases"][0]["details"]["mismatches"]
        .as_array()
        .unwrap()
        .iter()
        .any(|m| m["actual"] == "native\n");
    assert!(stdout_seen, "{unit}");
}
