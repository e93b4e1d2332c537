//! Builds a program with a task's own (trusted) script: `sh SCRIPT` in the script's
//! folder, with `$CLEANROOM_OUT` naming the file to write. Network is allowed (task
//! scripts fetch pinned sources); the result is cached by the content of the script's
//! folder and the toolchains it needs.

use std::process::Command;

use super::area::{self, Opened};
use super::artifact::{ArtifactKind, Built};
use super::cache::{Cache, content_key};
use super::process::{self, minutes};
use super::source::{CommandRecipe, Toolchain};
use super::{BuildError, Notify, wasi_c};

/// Bump when the way scripts are run changes, so old cache entries are not reused.
const RECIPE: &str = "command-v2";

pub fn build(
    recipe: &CommandRecipe,
    cache: &Cache,
    notify: Notify<'_>,
) -> Result<Built, BuildError> {
    let script = &recipe.script;
    let folder = script
        .parent()
        .ok_or_else(|| BuildError::NotBuildable(format!("{} has no folder", script.display())))?;
    let mut extra = format!(
        "{RECIPE}\n{}\n",
        script.file_name().unwrap_or_default().to_string_lossy()
    );
    let mut command = Command::new("sh");
    for need in &recipe.needs {
        match need {
            Toolchain::WasiC => {
                let toolchain = wasi_c::ensure(cache, notify)?;
                extra.push_str(&format!("wasi-c {}\n", toolchain.hash));
                command.env("CLEANROOM_WASI_C", &toolchain.dir);
            }
        }
    }
    let key = content_key(folder, &extra).map_err(|err| {
        BuildError::NotBuildable(format!("cannot read {}: {err}", folder.display()))
    })?;
    let area = match area::open(cache, "command", &key)? {
        Opened::Done(path) => return area::reuse(&path),
        Opened::Locked(area) => area,
    };
    let label = format!("{}", script.display());
    notify(match &recipe.plan.build_time {
        Some(time) => format!("running the build script {label} (takes {time})"),
        None => format!("running the build script {label}"),
    });
    let io =
        |err: std::io::Error| BuildError::Io(format!("cannot prepare a build of {label}: {err}"));
    let scratch = area.dir().join("scratch");
    if scratch.exists() {
        std::fs::remove_dir_all(&scratch).map_err(io)?;
    }
    std::fs::create_dir_all(&scratch).map_err(io)?;
    let downloads = cache.dir().join("downloads");
    std::fs::create_dir_all(&downloads).map_err(io)?;
    let out = area.dir().join("out");
    std::fs::write(&out, b"").map_err(io)?;
    let jobs = std::thread::available_parallelism().map_or(1, |n| n.get());
    // The script runs in its own folder, so name it relative to that folder: a task given
    // as a relative path (`wasm-tasks/bc`) must build as well as an absolute one.
    let script_name = script.file_name().unwrap_or(script.as_os_str());
    command
        .arg(script_name)
        .current_dir(folder)
        .env("CLEANROOM_OUT", &out)
        .env("CLEANROOM_SCRATCH", &scratch)
        .env("CLEANROOM_DOWNLOADS", &downloads)
        .env("CLEANROOM_JOBS", jobs.to_string());
    let finished = process::run_with_progress(command, recipe.plan.timeout, &mut |elapsed| {
        notify(format!(
            "{label}: still building, {} so far",
            minutes(elapsed)
        ))
    })
    .map_err(|err| BuildError::Toolchain(format!("cannot run sh: {err}")))?;
    let log = format!("{}{}", finished.stdout, finished.log);
    if !finished.success {
        return Err(BuildError::Failed { log });
    }
    let _ = std::fs::remove_dir_all(&scratch);
    let bytes = std::fs::read(&out).map_err(io)?;
    if bytes.is_empty() {
        return Err(BuildError::Failed {
            log: format!("{log}\ncleanroom: the script did not write $CLEANROOM_OUT"),
        });
    }
    area.publish(&out, ArtifactKind::of(&bytes) == ArtifactKind::Native)
}
