//! The native fallback runner: runs an executable on one case with the same
//! [`Observation`] as the wasm runner. Each run gets a fresh host folder holding the
//! case's files as its working directory, exactly the case's environment plus fixed
//! `TZ=UTC`, `LC_ALL=C`, `HOME` and `TMPDIR` (both the case folder), stdin from the
//! case, stdout and stderr captured with caps, and a wall timeout that kills the whole
//! process group. On Unix it also sets rlimits. On Linux the program has no network and
//! sees only the system folders, itself and the case folder (`crate::isolation`); what a
//! machine cannot provide is listed in each report.

use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::mpsc;
use std::time::Instant;

use super::RunSpec;
use super::workdir::Workdir;
use crate::observation::{Observation, Outcome, Resources, Stream};

/// A native executable, ready to run many times.
#[derive(Debug, Clone)]
pub struct NativeProgram {
    path: PathBuf,
}

impl NativeProgram {
    /// The executable at `path` (made absolute; runs start in another directory). Its
    /// bytes were already read and hashed by the build; here it only has to be a file.
    pub fn load(path: &Path) -> Result<NativeProgram, String> {
        let path = std::path::absolute(path).map_err(|err| format!("{}: {err}", path.display()))?;
        if !path.is_file() {
            return Err(format!("{} is not a file", path.display()));
        }
        Ok(NativeProgram { path })
    }
}

/// Whether exec failed because of the file itself: not executable, not a format the OS
/// runs, or a `#!` interpreter that does not exist.
fn is_programs_fault(err: &std::io::Error) -> bool {
    matches!(
        err.kind(),
        std::io::ErrorKind::NotFound | std::io::ErrorKind::PermissionDenied
    ) || err.raw_os_error() == Some(ENOEXEC)
}

/// "Exec format error" (the same number on Linux and macOS).
const ENOEXEC: i32 = 8;

/// Runs `program` on one case. Never panics on the program's behaviour.
pub fn run(program: &NativeProgram, spec: &RunSpec<'_>) -> Observation {
    let started = Instant::now();
    let mut observation = run_unguarded(program, spec);
    observation.resources.wall_time = started.elapsed();
    observation
}

fn run_unguarded(program: &NativeProgram, spec: &RunSpec<'_>) -> Observation {
    let host_error = |message: String| Observation::without_run(Outcome::HostError { message });
    let workdir = match Workdir::create(spec.files) {
        Ok(workdir) => workdir,
        Err(err) => return host_error(format!("cannot prepare the working directory: {err}")),
    };
    let mut command = Command::new(&program.path);
    command
        .args(spec.args)
        .current_dir(workdir.path())
        .env_clear()
        .env("TZ", "UTC")
        .env("LC_ALL", "C")
        .env("HOME", workdir.path())
        .env("TMPDIR", workdir.path())
        .envs(spec.env.iter().map(|(k, v)| (k, v)))
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    os::prepare(&mut command, spec);
    // The mount point of the run's filesystem view (Linux), removed with the run.
    let view_root = match tempfile::Builder::new().prefix("cleanroom-view-").tempdir() {
        Ok(dir) => dir,
        Err(err) => return host_error(format!("cannot prepare the filesystem view: {err}")),
    };
    crate::isolation::confine_run(
        &mut command,
        &program.path,
        workdir.path(),
        view_root.path(),
    );
    let mut child = match command.spawn() {
        Ok(child) => child,
        Err(err) => {
            let message = format!("cannot start {}: {err}", program.path.display());
            return Observation::without_run(if is_programs_fault(&err) {
                Outcome::InvalidProgram { message }
            } else {
                // Too long an argv (E2BIG), confinement the kernel refused, no resources:
                // not something the program did.
                Outcome::HostError { message }
            });
        }
    };
    let stdin = child.stdin.take().expect("piped");
    let input = spec.stdin.to_vec();
    let feeder = std::thread::spawn(move || {
        let mut stdin = stdin;
        // A program that does not read its input closes the pipe: not an error.
        let _ = stdin.write_all(&input);
    });
    // Whatever ends the run first arrives on this channel: the exit, or a flood.
    let (events, ended) = mpsc::channel();
    let limit = spec.limits.output_bytes;
    let stdout = capture(child.stdout.take().expect("piped"), limit, events.clone());
    let stderr = capture(child.stderr.take().expect("piped"), limit, events.clone());
    let pid = child.id();
    let waiter = std::thread::spawn(move || {
        let status = child.wait();
        let _ = events.send(Ended::Exited);
        status
    });
    let timed_out = match ended.recv_timeout(spec.limits.timeout) {
        Ok(Ended::Exited) => false,
        Ok(Ended::Flooded) => {
            os::kill_group(pid);
            false
        }
        Err(_) => {
            os::kill_group(pid);
            true
        }
    };
    let status = waiter.join().ok().and_then(Result::ok);
    // Children that outlive the program are stopped with it.
    os::kill_group(pid);
    let _ = feeder.join();
    let (stdout, stdout_over) = stdout.join().unwrap_or_default();
    let (stderr, stderr_over) = stderr.join().unwrap_or_default();
    let outcome = if stdout_over {
        Outcome::OutputLimit {
            stream: Stream::Stdout,
            limit_bytes: limit,
        }
    } else if stderr_over {
        Outcome::OutputLimit {
            stream: Stream::Stderr,
            limit_bytes: limit,
        }
    } else if timed_out {
        Outcome::Timeout {
            limit: spec.limits.timeout,
        }
    } else {
        match status {
            Some(status) => os::outcome(status, spec.limits.timeout),
            None => Outcome::HostError {
                message: "the program's exit status was lost".into(),
            },
        }
    };
    let files = match workdir.changes() {
        Ok(files) => files,
        Err(message) => return host_error(message),
    };
    Observation {
        outcome,
        stdout,
        stderr,
        files,
        resources: Resources::default(),
    }
}

enum Ended {
    Exited,
    Flooded,
}

/// Reads a stream up to `limit` bytes; one byte more ends the run as flooded. Returns the
/// bytes kept and whether the limit was crossed.
fn capture(
    mut stream: impl Read + Send + 'static,
    limit: u64,
    events: mpsc::Sender<Ended>,
) -> std::thread::JoinHandle<(Vec<u8>, bool)> {
    std::thread::spawn(move || {
        let mut kept = Vec::new();
        let mut buf = [0u8; 64 * 1024];
        loop {
            match stream.read(&mut buf) {
                Ok(0) | Err(_) => return (kept, false),
                Ok(n) => {
                    let room = (limit as usize).saturating_sub(kept.len());
                    if n > room {
                        kept.extend_from_slice(&buf[..room]);
                        let _ = events.send(Ended::Flooded);
                        return (kept, true);
                    }
                    kept.extend_from_slice(&buf[..n]);
                }
            }
        }
    })
}

#[cfg(unix)]
mod os {
    //! Unix: a new process group per run, rlimits in the child, signals as outcomes.

    use std::os::unix::process::{CommandExt, ExitStatusExt};
    use std::process::{Command, ExitStatus};
    use std::time::Duration;

    use rustix::process::{Pid, Resource, Rlimit, Signal, kill_process_group, setrlimit};

    use super::RunSpec;
    use crate::observation::Outcome;

    pub fn prepare(command: &mut Command, spec: &RunSpec<'_>) {
        command.arg0(spec.argv0).process_group(0);
        let limits = spec.limits;
        // CPU seconds: a backstop behind the wall timeout, which is what reports.
        let cpu = limits.timeout.as_secs() + 1;
        // Address space: the memory limit plus room for code, stacks and allocator arenas.
        let address_space = limits.memory_bytes.saturating_add(1 << 30);
        let file_size = limits.disk_bytes;
        // SAFETY: the closure runs in the child between fork and exec and only makes
        // setrlimit system calls, which are async-signal-safe; it allocates nothing.
        unsafe {
            command.pre_exec(move || {
                let set = |resource, value: u64| {
                    setrlimit(
                        resource,
                        Rlimit {
                            current: Some(value),
                            maximum: Some(value),
                        },
                    )
                };
                set(Resource::Cpu, cpu)?;
                set(Resource::As, address_space)?;
                set(Resource::Fsize, file_size)?;
                set(Resource::Nofile, 1024)?;
                set(Resource::Core, 0)?;
                Ok(())
            });
        }
    }

    /// SIGKILL to the run's whole process group (the program and anything it started).
    /// The group outlives its leader while members remain, so this also reaches them.
    pub fn kill_group(pid: u32) {
        if let Some(pid) = Pid::from_raw(pid as i32) {
            let _ = kill_process_group(pid, Signal::KILL);
        }
    }

    pub fn outcome(status: ExitStatus, timeout: Duration) -> Outcome {
        if let Some(code) = status.code() {
            return Outcome::Exited(code);
        }
        let signal = status.signal().unwrap_or(0);
        match signal {
            // SIGXCPU: the CPU-seconds rlimit, a backstop of the time limit.
            24 => Outcome::Timeout { limit: timeout },
            11 => Outcome::Trap {
                kind: "segmentation_fault".into(),
                message: "killed by SIGSEGV".into(),
            },
            6 => Outcome::Trap {
                kind: "abort".into(),
                message: "killed by SIGABRT".into(),
            },
            other => Outcome::Trap {
                kind: format!("signal_{other}"),
                message: format!("killed by signal {other}"),
            },
        }
    }
}

#[cfg(not(unix))]
mod os {
    //! Elsewhere: timeouts, a temp folder and a scrubbed environment only (docs/sandbox.md).

    use std::process::{Command, ExitStatus};
    use std::time::Duration;

    use super::RunSpec;
    use crate::observation::Outcome;

    pub fn prepare(_command: &mut Command, _spec: &RunSpec<'_>) {}

    /// Without process groups only the program itself can be stopped.
    pub fn kill_group(pid: u32) {
        let _ = std::process::Command::new("taskkill")
            .args(["/F", "/T", "/PID", &pid.to_string()])
            .output();
    }

    pub fn outcome(status: ExitStatus, _timeout: Duration) -> Outcome {
        match status.code() {
            Some(code) => Outcome::Exited(code),
            None => Outcome::Trap {
                kind: "terminated".into(),
                message: "terminated abnormally".into(),
            },
        }
    }
}
