//! Builds a module with a task's own script: `sh SCRIPT` in the task folder, with
//! `$CLEANROOM_OUT` naming the file to write.

use std::path::Path;
use std::process::Command;

use super::artifact::{self, Built};
use super::cache::Cache;
use super::process::{self, BUILD_TIMEOUT};
use super::{BuildError, Notify};

pub fn build(script: &Path, cache: &Cache, notify: Notify<'_>) -> Result<Built, BuildError> {
    let area = cache.dir().join("command");
    std::fs::create_dir_all(&area)
        .map_err(|err| BuildError::Io(format!("cannot create {}: {err}", area.display())))?;
    let out = tempfile::Builder::new()
        .prefix("module-")
        .suffix(".wasm")
        .tempfile_in(&area)
        .map_err(|err| {
            BuildError::Io(format!("cannot create a file in {}: {err}", area.display()))
        })?
        .into_temp_path();
    notify(format!("running the build script {}", script.display()));
    let mut command = Command::new("sh");
    command.arg(script).env("CLEANROOM_OUT", &out);
    if let Some(dir) = script.parent() {
        command.current_dir(dir);
    }
    let finished = process::run(command, BUILD_TIMEOUT)
        .map_err(|err| BuildError::Toolchain(format!("cannot run sh: {err}")))?;
    if !finished.success {
        return Err(BuildError::Failed { log: finished.log });
    }
    let built = artifact::from_file(&out)?;
    if built.bytes.is_empty() {
        return Err(BuildError::Failed {
            log: format!("{}\nthe script did not write $CLEANROOM_OUT", finished.log),
        });
    }
    Ok(Built {
        artifact: built,
        cached: false,
    })
}
