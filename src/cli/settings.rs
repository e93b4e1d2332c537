//! Validated settings: what the runner gets from what the user typed.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use crate::build::Cache;
use crate::runner::Settings;
use crate::task::{Task, TaskError, discover_tasks, load_task};

/// A command line that cannot be carried out; the message says what to do.
#[derive(Debug, thiserror::Error)]
#[error("{0}")]
pub struct UsageError(pub String);

/// The folder searched when no task is named.
pub const DEFAULT_TASKS_DIR: &str = "wasm-tasks";

pub fn runner_settings(
    jobs: Option<usize>,
    cache_dir: Option<&Path>,
    filesystem: crate::sandbox::FsMode,
) -> Result<Settings, UsageError> {
    let jobs = match jobs {
        Some(0) => return Err(UsageError("--jobs must be at least 1".into())),
        Some(n) => n,
        None => std::thread::available_parallelism().map_or(1, |n| n.get()),
    };
    Ok(Settings {
        jobs,
        cache: Cache::locate(cache_dir),
        filesystem,
    })
}

/// The task folders named, or every task under `./wasm-tasks`.
pub fn task_dirs(given: &[PathBuf]) -> Result<Vec<PathBuf>, UsageError> {
    if !given.is_empty() {
        return Ok(given.to_vec());
    }
    let root = Path::new(DEFAULT_TASKS_DIR);
    if !root.is_dir() {
        return Err(UsageError(format!(
            "no task folder given and ./{DEFAULT_TASKS_DIR} does not exist; name task folders or run from the repository root"
        )));
    }
    let dirs = discover_tasks(root).map_err(|err| UsageError(err.to_string()))?;
    if dirs.is_empty() {
        return Err(UsageError(format!(
            "./{DEFAULT_TASKS_DIR} holds no task (a folder with task.toml)"
        )));
    }
    Ok(dirs)
}

/// Loads every task, keeping the errors of those that cannot be loaded. Refuses two
/// tasks with the same id (their reports would be indistinguishable).
pub fn load_tasks(dirs: &[PathBuf]) -> Vec<Result<Arc<Task>, TaskError>> {
    let mut seen = std::collections::HashMap::new();
    dirs.iter()
        .map(|dir| {
            let task = load_task(dir)?;
            if let Some(other) = seen.insert(task.id.clone(), dir.clone()) {
                return Err(TaskError::new(
                    &dir.join("task.toml"),
                    None,
                    format!("task id {:?} is also used by {}", task.id, other.display()),
                )
                .help("task ids must be unique within a run"));
            }
            for warning in &task.stale_ignores {
                eprintln!("cleanroom: warning: {warning}");
            }
            Ok(Arc::new(task))
        })
        .collect()
}

/// `KEY=VALUE` pairs, in order.
pub fn parse_env(pairs: &[String]) -> Result<Vec<(String, String)>, UsageError> {
    pairs
        .iter()
        .map(|pair| match pair.split_once('=') {
            Some((key, value)) if !key.is_empty() => Ok((key.to_string(), value.to_string())),
            _ => Err(UsageError(format!("--env {pair:?} is not KEY=VALUE"))),
        })
        .collect()
}

/// Files for `run`, placed under their file names.
pub fn read_run_files(paths: &[PathBuf]) -> Result<Vec<(String, Vec<u8>)>, UsageError> {
    paths
        .iter()
        .map(|path| {
            let name = path
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .ok_or_else(|| UsageError(format!("--file {} has no file name", path.display())))?;
            let content = std::fs::read(path).map_err(|err| {
                UsageError(format!("cannot read --file {}: {err}", path.display()))
            })?;
            Ok((name, content))
        })
        .collect()
}

/// `--only NAME`: every name must be a candidate of at least one loaded task.
pub fn check_candidate_names(
    tasks: &[Result<Arc<Task>, TaskError>],
    names: &[String],
) -> Result<(), UsageError> {
    let known: std::collections::BTreeSet<&str> = tasks
        .iter()
        .flatten()
        .flat_map(|task| task.candidates.iter().map(|c| c.name.as_str()))
        .collect();
    let unknown: Vec<&str> = names
        .iter()
        .map(String::as_str)
        .filter(|name| !known.contains(name))
        .collect();
    if unknown.is_empty() {
        return Ok(());
    }
    Err(UsageError(format!(
        "no task has a candidate named {}; the tasks' candidates are: {}",
        unknown.join(", "),
        if known.is_empty() {
            "none".to_string()
        } else {
            known.into_iter().collect::<Vec<_>>().join(", ")
        }
    )))
}
