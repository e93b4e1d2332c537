//! Task folders named by a relative path: a task's build script must still be found
//! when Cleanroom runs it from the script's own folder.

use crate::support::{cleanroom, fixture, read_json, run, stderr, temp_task};

#[test]
fn a_build_script_runs_when_the_task_is_named_by_a_relative_path() {
    let task = temp_task(
        "id = \"relative\"\nprogram = \"guest\"\nsummary = \"\"\n[reference]\nwasm = \"ref.wat\"\n\n\
         [candidates.scripted]\ncommand = \"build/make.sh\"\n",
        "[[case]]\nname = \"a\"\n",
    );
    std::fs::copy(fixture("time_and_random.wat"), task.path().join("ref.wat")).unwrap();
    std::fs::create_dir(task.path().join("build")).unwrap();
    std::fs::write(
        task.path().join("build/make.sh"),
        "cp module.wat \"$CLEANROOM_OUT\"\n",
    )
    .unwrap();
    std::fs::copy(
        fixture("time_and_random.wat"),
        task.path().join("build/module.wat"),
    )
    .unwrap();
    let output = run(cleanroom().arg("record").arg(task.path()));
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));

    // Named relative to the working directory, as `cleanroom eval wasm-tasks/x` does.
    let parent = task.path().parent().unwrap();
    let name = task.path().file_name().unwrap();
    let json = task.path().join("report.json");
    let output = run(cleanroom()
        .current_dir(parent)
        .args(["eval", "--require-resolved", "--json"])
        .arg(&json)
        .arg(name)
        .env("CLEANROOM_CACHE_DIR", task.path().join("cache")));
    let report = read_json(&json);
    assert_eq!(
        output.status.code(),
        Some(0),
        "{}\n{}",
        stderr(&output),
        report["tasks"][0]["build"]
    );
    assert_eq!(report["tasks"][0]["summary"]["passed"], 1, "{report}");
}
