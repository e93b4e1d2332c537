//! Property tests of the task and case parsers, seeded from tests/fuzz-corpus: whatever
//! the bytes, loading a task never panics, and an error names a file of the task and a
//! line inside it.

use std::path::{Path, PathBuf};

use proptest::prelude::*;

use crate::support::repo;

const GOOD_TASK: &str =
    "id = \"t\"\nprogram = \"t\"\nsummary = \"x\"\n[reference]\nwasm = \"ref.wat\"\n";
const GOOD_CASES: &str = "[[case]]\nname = \"a\"\n";

fn corpus(suffix: &str) -> Vec<Vec<u8>> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(repo().join("tests/fuzz-corpus"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.to_string_lossy().ends_with(suffix))
        .collect();
    files.sort();
    files
        .into_iter()
        .map(|p| std::fs::read(p).unwrap())
        .collect()
}

/// Loads a task made of these two files and checks the error contract.
fn load_checks_out(task_toml: &[u8], cases_toml: &[u8]) -> Result<(), TestCaseError> {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("task.toml"), task_toml).unwrap();
    std::fs::write(dir.path().join("ref.wat"), "(module)").unwrap();
    std::fs::create_dir(dir.path().join("tests")).unwrap();
    std::fs::write(dir.path().join("tests/cases.toml"), cases_toml).unwrap();
    let loaded = std::panic::catch_unwind(|| cleanroom::task::load_task(dir.path()));
    let Ok(result) = loaded else {
        return Err(TestCaseError::fail("load_task panicked"));
    };
    if let Err(error) = result {
        let (file, text): (&Path, &[u8]) = if error.path.ends_with("task.toml") {
            (&error.path, task_toml)
        } else if error.path.ends_with("tests/cases.toml") {
            (&error.path, cases_toml)
        } else if error.path.ends_with("tests") {
            // "the task has no cases" names the folder
            return Ok(());
        } else {
            return Err(TestCaseError::fail(format!(
                "the error names {} instead of a file of the task: {error}",
                error.path.display()
            )));
        };
        prop_assert!(file.starts_with(dir.path()));
        let lines = text.split(|b| *b == b'\n').count();
        if let Some(line) = error.line {
            prop_assert!(
                line >= 1 && line <= lines,
                "line {line} of {lines}: {error}"
            );
        }
        prop_assert!(!error.message.is_empty());
    }
    Ok(())
}

/// A seed with a few random edits: flipped bytes, a cut, spliced lines, odd bytes.
fn mutated(seeds: Vec<Vec<u8>>) -> impl Strategy<Value = Vec<u8>> {
    const TOKENS: [&str; 14] = [
        "[[case]]\n",
        "[case.expect]\n",
        "=",
        "\"",
        "'''",
        "{",
        "}",
        "[",
        "]",
        "\n",
        "\\u",
        "name = \"a\"\n",
        "exit = -1\n",
        "\u{0}",
    ];
    (
        0..seeds.len(),
        prop::collection::vec((any::<u8>(), any::<u16>(), 0..TOKENS.len()), 1..6),
    )
        .prop_map(move |(seed, edits)| {
            let mut bytes = seeds[seed].clone();
            for (kind, at, token) in edits {
                let at = if bytes.is_empty() {
                    0
                } else {
                    at as usize % bytes.len()
                };
                match kind % 4 {
                    0 => bytes.insert(at, kind),
                    1 => bytes.truncate(at),
                    2 => {
                        let insert = TOKENS[token].as_bytes();
                        bytes.splice(at..at, insert.iter().copied());
                    }
                    _ => {
                        if at < bytes.len() {
                            bytes.remove(at);
                        }
                    }
                }
            }
            bytes
        })
}

#[test]
fn every_corpus_entry_loads_or_fails_cleanly() {
    for task in corpus(".task.toml") {
        load_checks_out(&task, GOOD_CASES.as_bytes()).unwrap();
    }
    for cases in corpus(".cases.toml") {
        load_checks_out(GOOD_TASK.as_bytes(), &cases).unwrap();
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 300, ..ProptestConfig::default() })]

    #[test]
    fn mutated_case_files_never_panic(cases in mutated(corpus(".cases.toml"))) {
        load_checks_out(GOOD_TASK.as_bytes(), &cases)?;
    }

    #[test]
    fn mutated_task_files_never_panic(task in mutated(corpus(".task.toml"))) {
        load_checks_out(&task, GOOD_CASES.as_bytes())?;
    }
}
