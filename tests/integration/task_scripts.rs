//! Task build scripts named through a relative task path, as `cleanroom record
//! wasm-tasks/jq` names them: the script runs in its own folder and must still be found.

use crate::support::{cleanroom, fixture, run, stderr, temp_task};

#[test]
fn a_build_script_runs_when_the_task_is_named_by_a_relative_path() {
    let task = temp_task(
        "id = \"relative\"\nprogram = \"guest\"\nsummary = \"\"\n[reference]\ncommand = \"build/make.sh\"\n",
        "[[case]]\nname = \"a\"\n",
    );
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
    let parent = task.path().parent().unwrap();
    let name = task.path().file_name().unwrap();
    let output = run(cleanroom()
        .current_dir(parent)
        .arg("record")
        .arg(name)
        .env("CLEANROOM_CACHE_DIR", task.path().join("cache")));
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let cases = std::fs::read_to_string(task.path().join("tests/cases.toml")).unwrap();
    assert!(cases.contains("[case.expect]"), "{cases}");
}
