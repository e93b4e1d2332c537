//! Helpers shared by the integration tests.

use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

use cleanroom::limits::Limits;
use cleanroom::observation::Observation;
use cleanroom::sandbox::{RunSpec, SandboxOptions, WORKER_STACK_BYTES, WasmSandbox};

pub fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

pub fn fixture(name: &str) -> PathBuf {
    repo().join("tests/fixtures").join(name)
}

/// The bundled example task, read-only.
pub fn wordfreq() -> PathBuf {
    repo().join("wasm-tasks/wordfreq")
}

/// The `cleanroom` binary with a build cache shared by all tests of this run.
pub fn cleanroom() -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_cleanroom"));
    command
        .current_dir(repo())
        .env(
            "CLEANROOM_CACHE_DIR",
            Path::new(env!("CARGO_TARGET_TMPDIR")).join("cleanroom-cache"),
        )
        .env("NO_COLOR", "1")
        .stdin(Stdio::null());
    command
}

pub fn run(command: &mut Command) -> Output {
    command.output().expect("cleanroom runs")
}

pub fn stdout(output: &Output) -> String {
    String::from_utf8_lossy(&output.stdout).into_owned()
}

pub fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

pub fn read_json(path: &Path) -> serde_json::Value {
    serde_json::from_str(&std::fs::read_to_string(path).expect("report written"))
        .expect("report is JSON")
}

/// Runs a module once, on a thread with a worker-sized stack, as the runner does.
pub fn run_module(path: &Path, limits: Limits, fuel_metering: bool) -> Observation {
    run_module_with(path, limits, fuel_metering, "case/one")
}

pub fn run_module_with(
    path: &Path,
    limits: Limits,
    fuel_metering: bool,
    case_id: &str,
) -> Observation {
    let options = SandboxOptions {
        fuel_metering,
        ..SandboxOptions::default()
    };
    run_in(options, path, limits, case_id, &[])
}

/// Runs a module once with the given sandbox options, files and case id (seed).
pub fn run_in(
    options: SandboxOptions,
    path: &Path,
    limits: Limits,
    case_id: &str,
    files: &[(String, Vec<u8>)],
) -> Observation {
    let bytes = std::fs::read(path).expect("fixture exists");
    let sandbox = WasmSandbox::new(options).expect("engine");
    let program = sandbox.load(&bytes).expect("fixture loads");
    let seed = cleanroom::sandbox::seed_for_case(case_id);
    let files = files.to_vec();
    std::thread::Builder::new()
        .stack_size(WORKER_STACK_BYTES)
        .spawn(move || {
            let spec = RunSpec {
                argv0: "guest",
                args: &[],
                env: &[],
                stdin: b"",
                files: &files,
                limits,
                seed,
            };
            sandbox.run(&program, &spec)
        })
        .expect("thread")
        .join()
        .expect("the sandbox never panics")
}

/// A small task in a temporary folder: `task.toml` and one case file.
pub fn temp_task(task_toml: &str, cases_toml: &str) -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("temp dir");
    std::fs::write(dir.path().join("task.toml"), task_toml).unwrap();
    std::fs::create_dir(dir.path().join("tests")).unwrap();
    std::fs::write(dir.path().join("tests/cases.toml"), cases_toml).unwrap();
    dir
}

/// Copies a folder tree (used to record into a copy of a bundled task).
pub fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let target = to.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            if entry.file_name() != "target" {
                copy_dir(&entry.path(), &target);
            }
        } else {
            std::fs::copy(entry.path(), target).unwrap();
        }
    }
}

/// The report without its timings: the only fields allowed to differ between reruns.
pub fn without_timings(mut value: serde_json::Value) -> serde_json::Value {
    fn strip(value: &mut serde_json::Value) {
        match value {
            serde_json::Value::Object(map) => {
                map.remove("duration_ms");
                map.remove("elapsed_ms");
                map.values_mut().for_each(strip);
            }
            serde_json::Value::Array(items) => items.iter_mut().for_each(strip),
            _ => {}
        }
    }
    strip(&mut value);
    value
}
