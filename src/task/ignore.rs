//! `ignore.toml`: the cases a task leaves out of scoring, each with its reasons, as
//! ProgramBench does. `cleanroom check` writes the reasons it finds; entries with other
//! reasons (written by people) are kept.

use std::collections::{BTreeMap, HashSet};
use std::path::Path;

use serde::Deserialize;
use toml::Spanned;

use super::error::{LineIndex, TaskError};
use crate::atomic_file::write_atomically;

/// The file name, in the task folder.
pub const FILE: &str = "ignore.toml";

/// Why a case does not count.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum IgnoreReason {
    /// The reference itself does not pass the case.
    GoldFail,
    /// The reference passes it on some runs and not on others.
    GoldFlaky,
    /// A trivial program (no output, echo of stdin, exit 1) passes it: it tests nothing.
    DummyPass,
    /// The case takes too long to be worth running.
    SlowOrHang,
    /// A person decided; `detail` says why.
    Manual,
}

impl IgnoreReason {
    pub const ALL: [IgnoreReason; 5] = [
        IgnoreReason::GoldFail,
        IgnoreReason::GoldFlaky,
        IgnoreReason::DummyPass,
        IgnoreReason::SlowOrHang,
        IgnoreReason::Manual,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            IgnoreReason::GoldFail => "gold_fail",
            IgnoreReason::GoldFlaky => "gold_flaky",
            IgnoreReason::DummyPass => "dummy_pass",
            IgnoreReason::SlowOrHang => "slow_or_hang",
            IgnoreReason::Manual => "manual",
        }
    }

    fn parse(text: &str) -> Option<IgnoreReason> {
        IgnoreReason::ALL.into_iter().find(|r| r.as_str() == text)
    }

    /// Reasons `cleanroom check` determines (and so may rewrite).
    pub fn from_check(self) -> bool {
        matches!(
            self,
            IgnoreReason::GoldFail | IgnoreReason::GoldFlaky | IgnoreReason::DummyPass
        )
    }
}

/// One entry: a case and why it is ignored.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Ignored {
    pub case: String,
    pub reason: IgnoreReason,
    pub detail: String,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawFile {
    #[serde(default)]
    ignore: Vec<Spanned<RawEntry>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawEntry {
    case: String,
    reason: String,
    #[serde(default)]
    detail: String,
}

/// What `ignore.toml` holds: entries for cases of the task, and warnings for entries that
/// name a case the task no longer has (renamed or deleted since `check` wrote them).
pub struct Loaded {
    pub entries: Vec<Ignored>,
    pub stale: Vec<String>,
}

/// Reads `ignore.toml` of the task folder `dir` (none: nothing ignored). `case_ids` are
/// the task's cases. A malformed file or an unknown reason is an error; an entry for a
/// case that does not exist is a warning (`check` drops it when it rewrites the file).
pub fn load(dir: &Path, case_ids: &HashSet<&str>) -> Result<Loaded, TaskError> {
    let path = dir.join(FILE);
    let text = match std::fs::read_to_string(&path) {
        Ok(text) => text,
        Err(err) if err.kind() == std::io::ErrorKind::NotFound => {
            return Ok(Loaded {
                entries: Vec::new(),
                stale: Vec::new(),
            });
        }
        Err(err) => {
            return Err(TaskError::new(
                &path,
                None,
                format!("cannot read the file: {err}"),
            ));
        }
    };
    let raw: RawFile =
        toml::from_str(&text).map_err(|err| TaskError::from_toml(&path, &text, &err))?;
    let lines = LineIndex::new(&text);
    let mut entries = Vec::with_capacity(raw.ignore.len());
    let mut stale = Vec::new();
    for spanned in raw.ignore {
        let line_number = lines.line(spanned.span().start);
        let line = Some(line_number);
        let entry = spanned.into_inner();
        let Some(reason) = IgnoreReason::parse(&entry.reason) else {
            return Err(
                TaskError::new(&path, line, format!("unknown reason {:?}", entry.reason)).help(
                    format!(
                        "use one of {}",
                        IgnoreReason::ALL.map(IgnoreReason::as_str).join(", ")
                    ),
                ),
            );
        };
        if !case_ids.contains(entry.case.as_str()) {
            stale.push(format!(
                "{}:{}: the task has no case {:?}; the entry is not used (case ids are `<file stem>/<name>`; `cleanroom check` rewrites the file without it)",
                path.display(),
                line_number,
                entry.case
            ));
            continue;
        }
        entries.push(Ignored {
            case: entry.case,
            reason,
            detail: entry.detail,
        });
    }
    entries.sort();
    entries.dedup();
    Ok(Loaded { entries, stale })
}

/// Writes `entries` (sorted by case, then reason) to the task's `ignore.toml`
/// atomically; no entries removes the file.
pub fn write(dir: &Path, entries: &[Ignored]) -> std::io::Result<()> {
    let path = dir.join(FILE);
    if entries.is_empty() {
        return match std::fs::remove_file(&path) {
            Err(err) if err.kind() != std::io::ErrorKind::NotFound => Err(err),
            _ => Ok(()),
        };
    }
    let mut sorted = entries.to_vec();
    sorted.sort();
    let mut text = String::from(
        "# Cases left out of scoring, and why (docs/task-format.md, \"Ignored cases\").\n\
         # `cleanroom check` rewrites the gold_fail, gold_flaky and dummy_pass entries;\n\
         # entries with other reasons (manual, slow_or_hang) are kept as written.\n",
    );
    for entry in &sorted {
        let mut table = toml::Table::new();
        table.insert("case".into(), entry.case.clone().into());
        table.insert("reason".into(), entry.reason.as_str().into());
        table.insert("detail".into(), entry.detail.clone().into());
        text.push_str("\n[[ignore]]\n");
        text.push_str(&toml::to_string(&table).expect("strings serialize"));
    }
    write_atomically(&path, text.as_bytes())
}

/// The reasons per case id.
pub fn by_case(entries: &[Ignored]) -> BTreeMap<String, Vec<IgnoreReason>> {
    let mut map: BTreeMap<String, Vec<IgnoreReason>> = BTreeMap::new();
    for entry in entries {
        map.entry(entry.case.clone())
            .or_default()
            .push(entry.reason);
    }
    map
}
