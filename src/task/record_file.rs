//! Writes recorded expectations into a case file, keeping everything else in it (comments,
//! order, formatting) as the author wrote it.

use std::collections::BTreeMap;
use std::path::Path;

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD as BASE64;
use toml_edit::{DocumentMut, Item, Table, Value};

use super::error::TaskError;
use super::model::{Expectation, ExpectedFile};
use crate::atomic_file::write_atomically;

/// Sets `[case.expect]` of the named cases in the file at `path` (replacing any old one;
/// `None` removes it, so a stale expectation is never judged against) and writes the file
/// atomically. Cases not named are left exactly as they were.
pub fn write_expectations(
    path: &Path,
    expectations: &BTreeMap<String, Option<Expectation>>,
) -> Result<(), TaskError> {
    let text = std::fs::read_to_string(path)
        .map_err(|err| TaskError::new(path, None, format!("cannot read the file: {err}")))?;
    let mut doc: DocumentMut = text.parse().map_err(|err: toml_edit::TomlError| {
        TaskError::new(path, None, err.message().to_string())
    })?;
    let Some(cases) = doc.get_mut("case").and_then(Item::as_array_of_tables_mut) else {
        return Err(TaskError::new(
            path,
            None,
            "the file has no [[case]] tables",
        ));
    };
    for case in cases.iter_mut() {
        let Some(name) = case.get("name").and_then(Item::as_str) else {
            continue;
        };
        match expectations.get(name) {
            Some(Some(expectation)) => {
                case.insert("expect", Item::Table(expectation_table(expectation)));
            }
            Some(None) => {
                case.remove("expect");
            }
            None => {}
        }
    }
    write_atomically(path, doc.to_string().as_bytes())
        .map_err(|err| TaskError::new(path, None, format!("cannot write the file: {err}")))
}

fn expectation_table(expectation: &Expectation) -> Table {
    let mut table = Table::new();
    table.insert(
        "exit",
        Item::Value(Value::from(i64::from(expectation.exit))),
    );
    insert_bytes(&mut table, "stdout", &expectation.stdout);
    insert_bytes(&mut table, "stderr", &expectation.stderr);
    if !expectation.files.is_empty() {
        let mut files = Table::new();
        for (path, expected) in &expectation.files {
            let value = match expected {
                ExpectedFile::Content(bytes) => match std::str::from_utf8(bytes) {
                    Ok(text) => string_value(text),
                    Err(_) => inline(&[("base64", Value::from(BASE64.encode(bytes)))]),
                },
                ExpectedFile::Digest { sha256, size } => inline(&[
                    ("sha256", Value::from(hex(sha256))),
                    ("size", Value::from(*size as i64)),
                ]),
                ExpectedFile::Deleted => inline(&[("deleted", Value::from(true))]),
            };
            files.insert(path, Item::Value(value));
        }
        table.insert("files", Item::Table(files));
    }
    table
}

fn insert_bytes(table: &mut Table, key: &str, bytes: &[u8]) {
    match std::str::from_utf8(bytes) {
        Ok(text) => table.insert(key, Item::Value(string_value(text))),
        Err(_) => table.insert(
            &format!("{key}_base64"),
            Item::Value(Value::from(BASE64.encode(bytes))),
        ),
    };
}

/// A multi-line literal string when that reads better and round-trips, else a basic string.
fn string_value(text: &str) -> Value {
    let readable = text.contains('\n')
        && !text.contains("'''")
        && !text.ends_with('\'')
        && text
            .chars()
            .all(|c| c == '\n' || c == '\t' || !c.is_control());
    if readable
        && let Ok(value) = format!("'''\n{text}'''").parse::<Value>()
        && value.as_str() == Some(text)
    {
        return value;
    }
    Value::from(text)
}

fn inline(pairs: &[(&str, Value)]) -> Value {
    let mut table = toml_edit::InlineTable::new();
    for (key, value) in pairs {
        table.insert(*key, value.clone());
    }
    Value::InlineTable(table)
}

pub fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keeps_comments_and_other_cases() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("basic.toml");
        let original = "# my cases\n[[case]]\nname = \"a\" # first\nargs = [\"x\"]\n\n[[case]]\nname = \"b\"\n";
        std::fs::write(&path, original).unwrap();
        let mut expectations = BTreeMap::new();
        expectations.insert(
            "a".to_string(),
            Some(Expectation {
                exit: 3,
                stdout: b"one\ntwo\n".to_vec(),
                stderr: vec![0xff],
                files: BTreeMap::new(),
            }),
        );
        write_expectations(&path, &expectations).unwrap();
        let written = std::fs::read_to_string(&path).unwrap();
        assert!(
            written.starts_with("# my cases\n[[case]]\nname = \"a\" # first\n"),
            "{written}"
        );
        assert!(
            written.contains(
                "[case.expect]\nexit = 3\nstdout = '''\none\ntwo\n'''\nstderr_base64 = \"/w==\"\n"
            ),
            "{written}"
        );
        let doc: toml::Table = toml::from_str(&written).unwrap();
        let cases = doc["case"].as_array().unwrap();
        assert_eq!(cases[0]["expect"]["stdout"].as_str(), Some("one\ntwo\n"));
        assert!(cases[1].get("expect").is_none());
    }

    #[test]
    fn strings_that_cannot_be_literal_fall_back_to_escapes() {
        for text in [
            "a'''b\n",
            "ends with quote'\n",
            "bell\u{7}\n",
            "cr\r\n",
            "plain",
        ] {
            let value = string_value(text);
            assert_eq!(value.as_str(), Some(text));
            let reparsed: Value = value.to_string().trim().parse().unwrap();
            assert_eq!(reparsed.as_str(), Some(text));
        }
    }
}
