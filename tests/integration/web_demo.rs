//! `cleanroom export-web`: the bundle the web demo loads. (The demo itself is tested in
//! Chromium by `web-demo/test/run.sh`.)

use crate::support::{cleanroom, fixture, read_json, run, stderr, stdout, temp_task};

const TASK_TOML: &str = "id = \"clock\"\nprogram = \"clock\"\nsummary = \"Prints the time and random words.\"\n[reference]\nwasm = \"ref.wat\"\n";

#[test]
fn export_writes_modules_cases_expectations_and_docs() {
    let task = temp_task(
        TASK_TOML,
        "[[case]]\nname = \"one\"\nvisibility = \"public\"\nargs = [\"a\"]\n[case.files]\n\"in.txt\" = \"x\"\n\n[[case]]\nname = \"two\"\nstdin = \"in\"\n",
    );
    std::fs::copy(fixture("time_and_random.wat"), task.path().join("ref.wat")).unwrap();
    std::fs::create_dir_all(task.path().join("candidates")).unwrap();
    std::fs::copy(
        fixture("time_and_random.wat"),
        task.path().join("candidates/same.wat"),
    )
    .unwrap();
    std::fs::create_dir_all(task.path().join("docs")).unwrap();
    std::fs::write(task.path().join("docs/README.md"), "# clock\n").unwrap();
    let output = run(cleanroom().arg("record").arg(task.path()));
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));

    let out = tempfile::tempdir().unwrap();
    let output = run(cleanroom()
        .arg("export-web")
        .arg(task.path())
        .arg("--out")
        .arg(out.path()));
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    assert!(
        stdout(&output).contains("clock: 2 module(s), 2 case(s)"),
        "{}",
        stdout(&output)
    );

    let index = read_json(&out.path().join("index.json"));
    assert_eq!(index["tasks"][0]["id"], "clock");
    assert_eq!(index["tasks"][0]["path"], "clock/task.json");
    let bundle = read_json(&out.path().join("clock/task.json"));
    assert_eq!(bundle["program"], "clock");
    assert_eq!(bundle["docs"][0]["path"], "README.md");
    assert_eq!(bundle["docs"][0]["text"], "# clock\n");
    // .wat text is exported as a binary module the browser can compile.
    for file in ["reference.wasm", "candidates/same.wasm"] {
        let bytes = std::fs::read(out.path().join("clock").join(file)).unwrap();
        assert!(bytes.starts_with(b"\0asm"), "{file} is a binary module");
    }
    assert_eq!(bundle["candidates"][0]["name"], "same");
    let cases = bundle["cases"].as_array().unwrap();
    assert_eq!(cases.len(), 2);
    assert_eq!(cases[0]["id"], "cases/one");
    assert_eq!(cases[0]["visibility"], "public");
    assert_eq!(cases[0]["files"][0]["path"], "in.txt");
    assert_eq!(cases[0]["files"][0]["content"], "eA==", "bytes are base64");
    assert_eq!(cases[1]["stdin"], "aW4=");
    assert_eq!(cases[0]["limits"]["timeout_ms"], 10_000);
    assert_eq!(cases[0]["rules"]["stdout"], "exact");

    // The expectations are the task's, in the judge's JSON form.
    let loaded = cleanroom::task::load_task(task.path()).unwrap();
    for (exported, case) in cases.iter().zip(loaded.cases()) {
        let expect: cleanroom::task::Expectation =
            serde_json::from_value(exported["expect"].clone()).unwrap();
        assert_eq!(Some(&expect), case.expect.as_ref());
    }
}

#[test]
fn exporting_again_or_another_task_updates_the_index() {
    let first = temp_task(TASK_TOML, "[[case]]\nname = \"one\"\n");
    let second = temp_task(
        &TASK_TOML.replace("\"clock\"\nprogram", "\"another\"\nprogram"),
        "[[case]]\nname = \"one\"\n",
    );
    for task in [&first, &second] {
        std::fs::copy(fixture("time_and_random.wat"), task.path().join("ref.wat")).unwrap();
    }
    let out = tempfile::tempdir().unwrap();
    for task in [&first, &first, &second] {
        let output = run(cleanroom()
            .arg("export-web")
            .arg(task.path())
            .arg("--out")
            .arg(out.path()));
        assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    }
    let index = read_json(&out.path().join("index.json"));
    let ids: Vec<&str> = index["tasks"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["id"].as_str().unwrap())
        .collect();
    assert_eq!(ids, ["another", "clock"]);
    // Without recorded expectations a case is exported with none (the page says `error`).
    let bundle = read_json(&out.path().join("clock/task.json"));
    assert!(bundle["cases"][0]["expect"].is_null());
}
