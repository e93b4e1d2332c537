//! `cleanroom check`: gold validation writes the ignore list, and the scorer leaves the
//! listed cases out while still reporting them.

use crate::support::{cleanroom, read_json, run, stderr, stdout, temp_task};

/// Prints "hello\n" and exits 0, whatever its input.
const HELLO: &str = r#"(module
  (import "wasi_snapshot_preview1" "fd_write" (func $write (param i32 i32 i32 i32) (result i32)))
  (memory (export "memory") 1)
  (data (i32.const 16) "hello\n")
  (func (export "_start")
    (i32.store (i32.const 0) (i32.const 16))
    (i32.store (i32.const 4) (i32.const 6))
    (drop (call $write (i32.const 1) (i32.const 0) (i32.const 1) (i32.const 8)))))"#;

const TASK: &str =
    "id = \"hello\"\nprogram = \"hello\"\nsummary = \"x\"\n[reference]\nwasm = \"ref.wat\"\n";

const CASES: &str = r#"[[case]]
name = "greets"

[[case]]
name = "echo"
stdin = "hello\n"

[[case]]
name = "tampered"
args = ["x"]

[[case]]
name = "judged-by-hand"
args = ["y"]
"#;

#[test]
fn check_finds_gold_failures_and_trivial_passes_and_eval_leaves_them_out() {
    let task = temp_task(TASK, CASES);
    std::fs::write(task.path().join("ref.wat"), HELLO).unwrap();
    let output = run(cleanroom().arg("record").arg(task.path()));
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    // An expectation the reference cannot meet (a hand edit gone wrong).
    let cases_path = task.path().join("tests/cases.toml");
    let recorded = std::fs::read_to_string(&cases_path).unwrap();
    let tampered = recorded.replacen(
        "name = \"tampered\"\nargs = [\"x\"]\n\n[case.expect]\nexit = 0\nstdout = '''\nhello\n'''",
        "name = \"tampered\"\nargs = [\"x\"]\n\n[case.expect]\nexit = 0\nstdout = \"bye\\n\"",
        1,
    );
    assert_ne!(tampered, recorded, "{recorded}");
    std::fs::write(&cases_path, tampered).unwrap();
    // A person's entry, which check keeps.
    std::fs::write(
        task.path().join("ignore.toml"),
        "[[ignore]]\ncase = \"cases/judged-by-hand\"\nreason = \"manual\"\ndetail = \"depends on the locale\"\n",
    )
    .unwrap();

    let output = run(cleanroom().arg("check").arg(task.path()));
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let out = stdout(&output);
    assert!(
        out.contains("hello: the reference passed 3/4 case(s) on all 3 runs; gold_fail 1, gold_flaky 0, dummy_pass 1; 3 entries written to")
            && out.contains("(1 kept as written)"),
        "{out}"
    );
    let ignore = std::fs::read_to_string(task.path().join("ignore.toml")).unwrap();
    for expected in [
        "case = \"cases/echo\"\ndetail = \"passed by the built-in trivial candidate cat-stdin (copies stdin to stdout and exits 0)\"\nreason = \"dummy_pass\"",
        "case = \"cases/tampered\"\ndetail = \"the reference got failed on all 3 runs: differs in stdout\"\nreason = \"gold_fail\"",
        "case = \"cases/judged-by-hand\"\ndetail = \"depends on the locale\"\nreason = \"manual\"",
    ] {
        assert!(ignore.contains(expected), "{expected}\n---\n{ignore}");
    }

    // The reference now resolves its task: the ignored cases still run and are listed.
    let json = task.path().join("report.json");
    let junit = task.path().join("report.xml");
    let output = run(cleanroom()
        .args(["eval", "--require-resolved", "--candidate"])
        .arg(task.path().join("ref.wat"))
        .arg("--json")
        .arg(&json)
        .arg("--junit")
        .arg(&junit)
        .arg(task.path()));
    assert_eq!(
        output.status.code(),
        Some(0),
        "{}{}",
        stdout(&output),
        stderr(&output)
    );
    assert!(
        stdout(&output).contains("1/1     100.0%  resolved (3 ignored)"),
        "{}",
        stdout(&output)
    );
    let report = read_json(&json);
    let unit = &report["tasks"][0];
    assert_eq!(unit["summary"]["total"], 1);
    assert_eq!(unit["summary"]["ignored"], 3);
    let tampered = unit["cases"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["id"] == "cases/tampered")
        .unwrap();
    assert_eq!(tampered["status"], "failed");
    assert_eq!(tampered["ignored"], serde_json::json!(["gold_fail"]));
    let xml = std::fs::read_to_string(&junit).unwrap();
    assert_eq!(xml.matches("<skipped").count(), 3, "{xml}");
}

#[test]
fn a_stale_ignore_entry_is_a_warning_and_check_drops_it() {
    let task = temp_task(TASK, CASES);
    std::fs::write(task.path().join("ref.wat"), HELLO).unwrap();
    std::fs::write(
        task.path().join("ignore.toml"),
        "[[ignore]]\ncase = \"cases/greets\"\nreason = \"manual\"\n\n[[ignore]]\ncase = \"renamed\"\nreason = \"manual\"\n",
    )
    .unwrap();
    let output = run(cleanroom().arg("record").arg(task.path()));
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    assert!(
        stderr(&output)
            .contains("ignore.toml:5: the task has no case \"renamed\"; the entry is not used"),
        "{}",
        stderr(&output)
    );
    let output = run(cleanroom().arg("check").arg(task.path()));
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let ignore = std::fs::read_to_string(task.path().join("ignore.toml")).unwrap();
    assert!(
        ignore.contains("cases/greets") && !ignore.contains("renamed"),
        "{ignore}"
    );
    // An unknown reason is still an error.
    std::fs::write(
        task.path().join("ignore.toml"),
        "[[ignore]]\ncase = \"cases/greets\"\nreason = \"boring\"\n",
    )
    .unwrap();
    let output = run(cleanroom().arg("list").arg(task.path()));
    assert_eq!(output.status.code(), Some(3));
    assert!(
        stderr(&output).contains("ignore.toml:1: unknown reason \"boring\""),
        "{}",
        stderr(&output)
    );
}

/// A native reference that answers "a" or "b" at random (a byte of /dev/urandom): the
/// flaky kind of reference check must catch. With 40 runs, the chance that all agree is
/// 2^-39.
#[cfg(unix)]
#[test]
fn a_reference_that_varies_between_runs_is_gold_flaky() {
    use std::os::unix::fs::PermissionsExt;
    let task = temp_task(
        "id = \"flaky\"\nprogram = \"flaky\"\nsummary = \"x\"\n[reference]\nnative = \"ref.sh\"\n",
        "[[case]]\nname = \"coin\"\n[case.expect]\nexit = 0\nstdout = \"a\\n\"\n",
    );
    let script = task.path().join("ref.sh");
    std::fs::write(
        &script,
        "#!/bin/sh\nbyte=$(/usr/bin/od -An -N1 -tu1 /dev/urandom)\nif [ $((byte % 2)) -eq 0 ]; then echo a; else echo b; fi\n",
    )
    .unwrap();
    std::fs::set_permissions(&script, std::fs::Permissions::from_mode(0o755)).unwrap();
    let output = run(cleanroom().args(["check", "--runs", "40"]).arg(task.path()));
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let ignore = std::fs::read_to_string(task.path().join("ignore.toml")).unwrap();
    assert!(
        ignore.contains(
            " of 40 runs; otherwise failed: differs in stdout\"\nreason = \"gold_flaky\""
        ),
        "{ignore}"
    );
}
