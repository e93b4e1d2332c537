//! The hostile-candidate corpus (tests/hostile): every entry gets its stated verdict in
//! one evaluation that stays up, leaves the well-behaved candidate unaffected, and changes
//! nothing on the host outside the evaluator's own temp and cache folders.

use std::collections::BTreeMap;
use std::path::Path;

use crate::support::{cleanroom, copy_dir, read_json, repo, run, stderr, stdout};

#[derive(serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct Expected {
    status: String,
    crash: Option<String>,
    exit: Option<i64>,
    #[serde(default)]
    native: bool,
}

/// Every file below `dir` with its content, for before/after comparisons.
fn snapshot(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    let mut files = BTreeMap::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(current) = stack.pop() {
        for entry in std::fs::read_dir(&current).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                stack.push(path);
            } else {
                let relative = path.strip_prefix(dir).unwrap().display().to_string();
                files.insert(relative, std::fs::read(&path).unwrap_or_default());
            }
        }
    }
    files
}

/// Processes whose command line contains `marker` (Linux: from /proc).
fn processes_with(marker: &str) -> usize {
    std::fs::read_dir("/proc")
        .map(|entries| {
            entries
                .filter_map(|e| std::fs::read(e.ok()?.path().join("cmdline")).ok())
                .filter(|cmdline| String::from_utf8_lossy(cmdline).contains(marker))
                .count()
        })
        .unwrap_or(0)
}

#[test]
fn every_hostile_candidate_gets_its_verdict_and_the_host_is_untouched() {
    let native_confined = cfg!(target_os = "linux");
    let scratch = tempfile::tempdir().unwrap();
    let task = scratch.path().join("hostile");
    copy_dir(&repo().join("tests/hostile"), &task);
    let expected: BTreeMap<String, Expected> =
        toml::from_str(&std::fs::read_to_string(task.join("expected.toml")).unwrap()).unwrap();
    if !native_confined {
        for (name, entry) in &expected {
            if entry.native {
                std::fs::remove_dir_all(task.join("candidates").join(name)).unwrap();
            }
        }
    }

    let outside = tempfile::tempdir().unwrap();
    let canary = outside.path().join("canary");
    std::fs::write(&canary, "untouched").unwrap();
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    let env = format!(
        "CANARY = {:?}\nREFERENCE = {:?}\nPORT = \"{port}\"\n",
        canary.display().to_string(),
        task.join("reference.wat").display().to_string()
    );
    let big = "x".repeat(100_000);
    std::fs::create_dir_all(task.join("tests")).unwrap();
    std::fs::write(
        task.join("tests/cases.toml"),
        format!(
            "[[case]]\nname = \"plain\"\n[case.env]\n{env}[case.files]\n\"data.txt\" = \"some data\\n\"\n\n\
             [[case]]\nname = \"huge-args\"\nargs = [\"{big}\"]\n[case.env]\n{env}BIG = \"{big}\"\n[case.files]\n\"data.txt\" = \"x\"\n"
        ),
    )
    .unwrap();
    let output = run(cleanroom().arg("record").arg(&task));
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));

    let before = snapshot(&task);
    let json = scratch.path().join("report.json");
    let output = run(cleanroom()
        .args(["eval", "-q", "-j", "2", "--json"])
        .arg(&json)
        .arg(&task));
    assert_eq!(
        output.status.code(),
        Some(0),
        "the evaluator stays up and blames no one else: {}{}",
        stdout(&output),
        stderr(&output)
    );
    let report = read_json(&json);

    let mut wrong = Vec::new();
    let mut seen = Vec::new();
    for unit in report["tasks"].as_array().unwrap() {
        let name = unit["candidate"].as_str().unwrap();
        seen.push(name.to_string());
        let Some(want) = expected.get(name) else {
            wrong.push(format!("{name}: no verdict stated in expected.toml"));
            continue;
        };
        for case in unit["cases"].as_array().unwrap() {
            let details = &case["details"];
            let got = (
                case["status"].as_str().unwrap_or_default(),
                details["crash"].as_str(),
                details["exit"].as_i64(),
            );
            let ok = got.0 == want.status
                && (want.crash.is_none() || got.1 == want.crash.as_deref())
                && (want.exit.is_none() || got.2 == want.exit);
            if !ok {
                wrong.push(format!(
                    "{name} on {}: got {got:?}, want {} {:?} {:?}; details {}",
                    case["id"],
                    want.status,
                    want.crash,
                    want.exit,
                    details.to_string().chars().take(600).collect::<String>()
                ));
            }
        }
    }
    let stated: Vec<String> = expected
        .iter()
        .filter(|(_, e)| native_confined || !e.native)
        .map(|(name, _)| name.clone())
        .collect();
    seen.sort();
    assert_eq!(seen, stated, "every stated entry was evaluated");
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));

    // Nothing changed outside the evaluator's own folders.
    assert_eq!(std::fs::read_to_string(&canary).unwrap(), "untouched");
    assert_eq!(
        snapshot(outside.path()).into_keys().collect::<Vec<_>>(),
        ["canary"]
    );
    assert!(snapshot(&task) == before, "the task folder is unchanged");
    if native_confined {
        assert!(!Path::new("/tmp/cleanroom-hostile").exists());
        assert_eq!(processes_with("4321.5"), 0, "the orphaned child was killed");
    }
    drop(listener);
}
