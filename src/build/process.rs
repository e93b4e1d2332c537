//! Runs a build tool with a time limit, capturing its combined output as the build log.

use std::io::Read;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// What a finished (or killed) build process left behind.
pub struct Finished {
    pub success: bool,
    pub stdout: String,
    /// stderr, plus a line saying so when the time limit killed the process.
    pub log: String,
}

/// The longest a single build may take (ProgramBench allows compile.sh 900 s).
pub const BUILD_TIMEOUT: Duration = Duration::from_secs(900);

pub fn run(mut command: Command, timeout: Duration) -> std::io::Result<Finished> {
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
    let (status, timed_out) = loop {
        if let Some(status) = child.try_wait()? {
            break (Some(status), false);
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
        stdout,
        log,
    })
}
