//! Broken task folders give errors that name the file, the line and what to do.

use crate::support::{cleanroom, run, stderr, temp_task};

const GOOD_TASK: &str =
    "id = \"t\"\nprogram = \"t\"\nsummary = \"x\"\n[reference]\nwasm = \"ref.wat\"\n";

/// `cleanroom list` on a task; returns its stderr after checking the exit code.
fn list_error(task_toml: &str, cases_toml: &str) -> String {
    let task = temp_task(task_toml, cases_toml);
    std::fs::write(task.path().join("ref.wat"), "(module)").unwrap();
    let output = run(cleanroom().arg("list").arg(task.path()));
    assert_eq!(output.status.code(), Some(3), "{}", stderr(&output));
    stderr(&output).replace(&task.path().display().to_string(), "TASK")
}

#[test]
fn unknown_keys_name_file_and_line() {
    let error = list_error(
        GOOD_TASK,
        "[[case]]\nname = \"a\"\n\n[[case]]\nname = \"b\"\nargz = [\"x\"]\n",
    );
    assert!(
        error.contains("TASK/tests/cases.toml:6: unknown field `argz`"),
        "{error}"
    );
}

#[test]
fn duplicate_case_names_point_at_both() {
    let error = list_error(
        GOOD_TASK,
        "[[case]]\nname = \"a\"\n\n[[case]]\nname = \"a\"\n",
    );
    assert!(
        error.contains(
            "TASK/tests/cases.toml:4: duplicate case name \"a\" (first defined at line 1)"
        ),
        "{error}"
    );
}

#[test]
fn bad_base64_is_named() {
    let error = list_error(
        GOOD_TASK,
        "[[case]]\nname = \"a\"\nstdin_base64 = \"***\"\n",
    );
    assert!(
        error.contains("cases.toml:1: case \"a\": stdin_base64: invalid base64"),
        "{error}"
    );
}

#[test]
fn case_files_may_not_escape_the_working_directory() {
    let error = list_error(
        GOOD_TASK,
        "[[case]]\nname = \"a\"\n[case.files]\n\"../outside\" = \"x\"\n",
    );
    assert!(
        error.contains("files.\"../outside\": paths may not contain"),
        "{error}"
    );
}

#[test]
fn a_path_cannot_be_both_file_and_folder() {
    let error = list_error(
        GOOD_TASK,
        "[[case]]\nname = \"a\"\n[case.files]\n\"d\" = \"x\"\n\"d/e\" = \"y\"\n",
    );
    assert!(error.contains("files \"d\" and \"d/e\" clash"), "{error}");
}

#[test]
fn a_reference_outside_the_task_folder_is_refused() {
    let error = list_error(
        &GOOD_TASK.replace("ref.wat", "../ref.wat"),
        "[[case]]\nname = \"a\"\n",
    );
    assert!(
        error.contains(
            "task.toml:4: [reference] wasm = \"../ref.wat\": the path leaves the task folder"
        ),
        "{error}"
    );
}

#[test]
fn a_missing_reference_is_named() {
    let error = list_error(
        &GOOD_TASK.replace("ref.wat", "gone.wasm"),
        "[[case]]\nname = \"a\"\n",
    );
    assert!(
        error.contains("does not exist") && error.contains("gone.wasm"),
        "{error}"
    );
}

#[test]
fn two_reference_kinds_are_refused() {
    let error = list_error(
        &format!("{GOOD_TASK}cargo = \"x\"\n"),
        "[[case]]\nname = \"a\"\n",
    );
    assert!(
        error.contains(
            "exactly one of `cargo`, `wasm`, `command`, `native` or `crate`, found `cargo`, `wasm`"
        ),
        "{error}"
    );
}

#[test]
fn an_empty_task_is_refused() {
    let error = list_error(GOOD_TASK, "# no cases yet\n");
    assert!(error.contains("the task has no cases"), "{error}");
}

#[test]
fn an_unknown_comparison_lists_the_known_ones() {
    let error = list_error(
        &format!("{GOOD_TASK}[compare]\nstdout = \"fuzzy\"\n"),
        "[[case]]\nname = \"a\"\n",
    );
    assert!(error.contains("task.toml:6: compare.stdout = \"fuzzy\" is not a comparison; use one of exact, ignore, normalized, sorted_lines"), "{error}");
}

/// `cleanroom list` on a task whose task.toml has `extra` appended; returns its stderr.
fn manifest_error(extra: &str) -> String {
    list_error(&format!("{GOOD_TASK}{extra}"), "[[case]]\nname = \"a\"\n")
}

#[test]
fn a_crate_must_pin_an_exact_version() {
    let error =
        manifest_error("[candidates.rg]\ncrate = { name = \"ripgrep\", version = \"^15\" }\n");
    assert!(
        error.contains(
            "TASK/task.toml:6: [candidates.rg]: crate version \"^15\" is not an exact version"
        ),
        "{error}"
    );
    assert!(
        error.contains("pin an exact version such as \"15.2.0\""),
        "{error}"
    );
}

#[test]
fn build_keys_belong_to_builds_that_use_them() {
    let error = manifest_error("[candidates.x]\nwasm = \"ref.wat\"\nneeds = [\"wasi-c\"]\n");
    assert!(
        error.contains("task.toml:6: [candidates.x]: `needs` applies to `command` builds only"),
        "{error}"
    );
    let error = list_error(
        &GOOD_TASK.replace(
            "wasm = \"ref.wat\"",
            "wasm = \"ref.wat\"\non_request = true",
        ),
        "[[case]]\nname = \"a\"\n",
    );
    assert!(
        error.contains("[reference] cannot have `on_request`"),
        "{error}"
    );
}

#[test]
fn an_unknown_toolchain_is_named_with_the_known_ones() {
    let task = temp_task(
        &format!("{GOOD_TASK}[candidates.c]\ncommand = \"build.sh\"\nneeds = [\"gcc\"]\n"),
        "[[case]]\nname = \"a\"\n",
    );
    std::fs::write(task.path().join("ref.wat"), "(module)").unwrap();
    std::fs::write(task.path().join("build.sh"), "").unwrap();
    let output = run(cleanroom().arg("list").arg(task.path()));
    assert_eq!(output.status.code(), Some(3));
    let error = stderr(&output);
    assert!(
        error.contains("unknown toolchain \"gcc\" in `needs`")
            && error.contains("known toolchains: wasi-c"),
        "{error}"
    );
}

#[test]
fn a_declared_candidate_may_not_shadow_a_candidates_folder_entry() {
    let task = temp_task(
        &format!("{GOOD_TASK}[candidates.tiny]\nwasm = \"ref.wat\"\n"),
        "[[case]]\nname = \"a\"\n",
    );
    std::fs::write(task.path().join("ref.wat"), "(module)").unwrap();
    std::fs::create_dir(task.path().join("candidates")).unwrap();
    std::fs::write(task.path().join("candidates/tiny.wat"), "(module)").unwrap();
    let output = run(cleanroom().arg("list").arg(task.path()));
    assert_eq!(output.status.code(), Some(3));
    assert!(
        stderr(&output).contains("[candidates.tiny] has the same name as an entry of candidates/"),
        "{}",
        stderr(&output)
    );
}

#[test]
fn two_candidates_with_one_name_are_refused() {
    let task = temp_task(GOOD_TASK, "[[case]]\nname = \"a\"\n");
    std::fs::write(task.path().join("ref.wat"), "(module)").unwrap();
    std::fs::create_dir_all(task.path().join("candidates/x")).unwrap();
    std::fs::write(task.path().join("candidates/x.wat"), "(module)").unwrap();
    let output = run(cleanroom().arg("list").arg(task.path()));
    assert_eq!(output.status.code(), Some(3));
    assert!(
        stderr(&output).contains("would both be candidate \"x\""),
        "{}",
        stderr(&output)
    );
}
