//! Nothing lost: a run killed with SIGKILL and restarted with `--resume` finishes with
//! the report an uninterrupted run writes (timings aside), without redoing finished cases.

use std::time::{Duration, Instant};

use crate::support::{cleanroom, fixture, read_json, run, stderr, temp_task, without_timings};

const CASES: usize = 16;

/// A task whose 16 cases each take 250 ms for the looping candidate (a timeout each).
fn slow_task() -> tempfile::TempDir {
    let cases: String = (0..CASES)
        .map(|i| format!("[[case]]\nname = \"c{i:02}\"\nargs = [\"{i}\"]\n\n"))
        .collect();
    let task = temp_task(
        "id = \"slow\"\nprogram = \"slow\"\nsummary = \"x\"\n[reference]\nwasm = \"ref.wat\"\n[limits]\ntimeout_ms = 250\n",
        &cases,
    );
    std::fs::copy(fixture("time_and_random.wat"), task.path().join("ref.wat")).unwrap();
    let output = run(cleanroom().arg("record").arg(task.path()));
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    task
}

fn eval_command(task: &tempfile::TempDir, json: &std::path::Path) -> std::process::Command {
    let mut command = cleanroom();
    command
        .args(["eval", "-q", "-j", "1", "--candidate"])
        .arg(fixture("loop.wat"))
        .arg("--json")
        .arg(json)
        .arg(task.path());
    command
}

fn journal_entries(path: &std::path::Path) -> usize {
    std::fs::read_to_string(path)
        .map(|text| text.lines().count().saturating_sub(1))
        .unwrap_or(0)
}

#[test]
fn a_killed_run_resumes_to_the_same_report() {
    let task = slow_task();
    let reference = task.path().join("uninterrupted.json");
    let output = run(&mut eval_command(&task, &reference));
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    assert!(
        !task.path().join("uninterrupted.json.journal").exists(),
        "a finished run removes its journal"
    );

    let json = task.path().join("report.json");
    let journal = task.path().join("report.json.journal");
    let mut child = eval_command(&task, &json).spawn().unwrap();
    let started = Instant::now();
    while journal_entries(&journal) < 4 {
        assert!(
            started.elapsed() < Duration::from_secs(60),
            "the journal grows"
        );
        std::thread::sleep(Duration::from_millis(20));
    }
    child.kill().unwrap(); // SIGKILL on Unix
    child.wait().unwrap();
    assert!(!json.exists(), "the killed run wrote no report");
    let finished_before = journal_entries(&journal);
    assert!(finished_before < CASES, "killed before the end");
    // The kill may cut a line short; resuming skips such a line.
    std::fs::OpenOptions::new()
        .append(true)
        .open(&journal)
        .and_then(|mut f| std::io::Write::write_all(&mut f, b"{\"task\":\"sl"))
        .unwrap();

    let output = run(eval_command(&task, &json).arg("--resume"));
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    assert!(
        stderr(&output).contains(&format!(
            "resuming: {finished_before} finished case(s) in {} (1 unreadable line(s) skipped)",
            journal.display()
        )),
        "{}",
        stderr(&output)
    );
    assert!(
        !journal.exists(),
        "the journal is gone once the report is written"
    );
    assert_eq!(
        without_timings(read_json(&json))["tasks"],
        without_timings(read_json(&reference))["tasks"]
    );
    assert_eq!(
        read_json(&json)["tasks"][0]["summary"]["statuses"]["timeout"],
        CASES
    );
}

#[test]
fn resume_needs_a_json_report() {
    let output = run(cleanroom().args(["eval", "--resume"]));
    assert_eq!(output.status.code(), Some(2));
    assert!(stderr(&output).contains("--json"), "{}", stderr(&output));
}
