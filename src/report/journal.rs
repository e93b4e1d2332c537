//! The journal: every finished case appended to `<report>.journal` (JSON lines) as it
//! finishes, so a run that is killed loses nothing. `eval --resume` reads it back and
//! runs only the cases it lacks; the finished report is the same as an uninterrupted
//! run's except for timings. The journal is removed once the report is written.

use std::collections::HashSet;
use std::fs::{File, OpenOptions};
use std::io::{BufRead, BufReader, Write};
use std::path::{Path, PathBuf};
use std::time::Duration;

use serde::{Deserialize, Serialize};

use crate::events::{CaseDetails, CaseResult, Event, ResumeKey, Resumed, Status};

/// Bumped when entries change shape; older journals are not resumed.
const JOURNAL_VERSION: u32 = 1;

/// The journal of the report written to `report`.
pub fn path_for(report: &Path) -> PathBuf {
    let mut name = report.file_name().unwrap_or_default().to_os_string();
    name.push(".journal");
    report.with_file_name(name)
}

#[derive(Serialize, Deserialize)]
struct Header {
    cleanroom_journal: u32,
}

#[derive(Serialize, Deserialize)]
struct Entry {
    task: String,
    candidate: String,
    artifact_sha256: String,
    case: String,
    status: Status,
    details: CaseDetails,
    duration_ms: f64,
}

/// What a journal held.
pub struct Loaded {
    pub results: Resumed,
    /// Lines that could not be read (a line cut short by the kill, or damage).
    pub skipped_lines: usize,
}

/// Reads a journal. A missing file is an empty journal; a file that is not a journal
/// of this version is an error saying so.
pub fn load(path: &Path) -> Result<Loaded, String> {
    let file = match File::open(path) {
        Ok(file) => file,
        Err(err) if err.kind() == std::io::ErrorKind::NotFound => {
            return Ok(Loaded {
                results: Resumed::new(),
                skipped_lines: 0,
            });
        }
        Err(err) => return Err(format!("cannot read {}: {err}", path.display())),
    };
    let mut lines = BufReader::new(file).lines();
    let header = lines
        .next()
        .and_then(Result::ok)
        .and_then(|line| serde_json::from_str::<Header>(&line).ok());
    if header.map(|h| h.cleanroom_journal) != Some(JOURNAL_VERSION) {
        return Err(format!(
            "{} is not a journal this cleanroom can resume; delete it to start over",
            path.display()
        ));
    }
    let mut loaded = Loaded {
        results: Resumed::new(),
        skipped_lines: 0,
    };
    for line in lines {
        let Some(entry) = line
            .ok()
            .and_then(|line| serde_json::from_str::<Entry>(&line).ok())
        else {
            loaded.skipped_lines += 1;
            continue;
        };
        let key = ResumeKey {
            task_id: entry.task,
            candidate: entry.candidate,
            artifact_sha256: entry.artifact_sha256,
            case_id: entry.case.clone(),
        };
        let result = CaseResult {
            id: entry.case,
            status: entry.status,
            details: entry.details,
            duration: Duration::from_secs_f64(entry.duration_ms.max(0.0) / 1000.0),
        };
        loaded.results.insert(key, result);
    }
    Ok(loaded)
}

/// Appends finished cases to the journal as events arrive.
pub struct JournalWriter {
    file: File,
    path: PathBuf,
    /// Per unit: (task id, candidate, artifact sha once built).
    units: Vec<(String, String, Option<String>)>,
    /// Entries already in the file (from the run being resumed).
    present: HashSet<ResumeKey>,
    /// The first write error; later writes are not attempted.
    error: Option<String>,
}

impl JournalWriter {
    /// Starts a journal at `path`: a fresh one, or (resuming) the existing file, whose
    /// entries `present` are not written again.
    pub fn open(path: &Path, present: HashSet<ResumeKey>) -> Result<JournalWriter, String> {
        let fail =
            |err: std::io::Error| format!("cannot write the journal {}: {err}", path.display());
        let resuming = !present.is_empty() && path.is_file();
        let mut file = if resuming {
            OpenOptions::new().append(true).open(path).map_err(fail)?
        } else {
            let mut file = File::create(path).map_err(fail)?;
            let header = serde_json::to_string(&Header {
                cleanroom_journal: JOURNAL_VERSION,
            })
            .expect("serializable");
            writeln!(file, "{header}").map_err(fail)?;
            file
        };
        file.flush().map_err(fail)?;
        Ok(JournalWriter {
            file,
            path: path.to_path_buf(),
            units: Vec::new(),
            present,
            error: None,
        })
    }

    pub fn on_event(&mut self, event: &Event) {
        match event {
            Event::RunStarted { units } => {
                self.units = units
                    .iter()
                    .map(|u| (u.task_id.clone(), u.candidate.clone(), None))
                    .collect();
            }
            Event::UnitBuilt { unit, build } => {
                if let Some(slot) = self.units.get_mut(*unit) {
                    slot.2 = build.artifact_sha256.clone();
                }
            }
            Event::CaseFinished { unit, result, .. } => self.append(*unit, result),
            _ => {}
        }
    }

    fn append(&mut self, unit: usize, result: &CaseResult) {
        // Cases of a candidate that did not build are redone on resume: nothing to key.
        let Some((task, candidate, Some(sha))) = self.units.get(unit) else {
            return;
        };
        if self.error.is_some() {
            return;
        }
        let key = ResumeKey {
            task_id: task.clone(),
            candidate: candidate.clone(),
            artifact_sha256: sha.clone(),
            case_id: result.id.clone(),
        };
        if self.present.contains(&key) {
            return;
        }
        let entry = Entry {
            task: key.task_id,
            candidate: key.candidate,
            artifact_sha256: key.artifact_sha256,
            case: result.id.clone(),
            status: result.status,
            details: result.details.clone(),
            duration_ms: super::model::millis(result.duration),
        };
        let line = serde_json::to_string(&entry).expect("serializable");
        // One write per line, flushed: a kill loses at most the line being written.
        if let Err(err) = writeln!(self.file, "{line}").and_then(|()| self.file.flush()) {
            self.error = Some(format!("cannot append to {}: {err}", self.path.display()));
        }
    }

    /// The first write error, if any (the run goes on; resuming would redo more).
    pub fn error(&self) -> Option<&str> {
        self.error.as_deref()
    }

    /// Removes the journal: the report it protected is written.
    pub fn finish(self) -> std::io::Result<()> {
        drop(self.file);
        std::fs::remove_file(&self.path)
    }
}
