//! Runs a build tool with a time limit, capturing its combined output as the build log.

use std::io::Read;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// What a finished (or killed) build process left behind.
pub struct Finished {
    pub success: bool,
    /// The exit status, when the process exited (not killed by a signal or the limit).
    pub code: Option<i32>,
    pub stdout: String,
    /// stderr, plus a line saying so when the time limit killed the process.
    pub log: String,
}

/// The longest a submission's build may take (ProgramBench allows compile.sh 900 s).
pub const BUILD_TIMEOUT: Duration = Duration::from_secs(900);

pub fn run(command: Command, timeout: Duration) -> std::io::Result<Finished> {
    run_with_progress(command, timeout, &mut |_| {})
}

/// How often a long build says it is still going.
const HEARTBEAT: Duration = Duration::from_secs(30);

/// Like [`run`], calling `still_running` with the elapsed time every 30 s, so a build
/// that takes minutes shows progress.
pub fn run_with_progress(
    mut command: Command,
    timeout: Duration,
    still_running: &mut dyn FnMut(Duration),
) -> std::io::Result<Finished> {
    command
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    let mut child = command.spawn()?;
    let mut stdout = child.stdout.take().expect("piped");
    let mut stderr = child.stderr.take().expect("piped");
    let out_reader = std::thread::spawn(move || {
        let mut buf = Vec::new();
        let _ = stdout.read_to_end(&mut buf);
        buf
    });
    let err_reader = std::thread::spawn(move || {
        let mut buf = Vec::new();
        let _ = stderr.read_to_end(&mut buf);
        buf
    });
    let started = Instant::now();
    let mut next_heartbeat = HEARTBEAT;
    let (status, timed_out) = loop {
        if let Some(status) = child.try_wait()? {
            break (Some(status), false);
        }
        if started.elapsed() >= next_heartbeat {
            still_running(started.elapsed());
            next_heartbeat += HEARTBEAT;
        }
        if started.elapsed() > timeout {
            let _ = child.kill();
            let _ = child.wait();
            break (None, true);
        }
        std::thread::sleep(Duration::from_millis(20));
    };
    let stdout = String::from_utf8_lossy(&out_reader.join().unwrap_or_default()).into_owned();
    let mut log = String::from_utf8_lossy(&err_reader.join().unwrap_or_default()).into_owned();
    if timed_out {
        log.push_str(&format!(
            "\ncleanroom: the build was stopped after {} s\n",
            timeout.as_secs()
        ));
    }
    Ok(Finished {
        success: status.is_some_and(|s| s.success()),
        code: status.and_then(|s| s.code()),
        stdout,
        log,
    })
}

/// "2 min 30 s", for progress lines.
pub fn minutes(elapsed: Duration) -> String {
    let secs = elapsed.as_secs();
    match (secs / 60, secs % 60) {
        (0, s) => format!("{s} s"),
        (m, 0) => format!("{m} min"),
        (m, s) => format!("{m} min {s} s"),
    }
}
