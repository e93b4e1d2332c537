//! The native runner: same observations and statuses as the wasm runner, with programs
//! contained by a wall timeout on their whole process group and capped output.

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use cleanroom::limits::Limits;
use cleanroom::observation::{Observation, Outcome, Stream};
use cleanroom::sandbox::RunSpec;
use cleanroom::sandbox::native::{self, NativeProgram};

use crate::support::{repo, wordfreq};

/// A shell script as a native program.
fn script(dir: &Path, body: &str) -> PathBuf {
    use std::os::unix::fs::PermissionsExt;
    let path = dir.join("program.sh");
    std::fs::write(&path, format!("#!/bin/sh\n{body}\n")).unwrap();
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o755)).unwrap();
    path
}

fn run_script(body: &str, env: &[(String, String)], limits: Limits) -> Observation {
    let dir = tempfile::tempdir().unwrap();
    let program = NativeProgram::load(&script(dir.path(), body)).unwrap();
    let files = vec![("in.txt".to_string(), b"from the case\n".to_vec())];
    let spec = RunSpec {
        argv0: "prog",
        args: &[],
        env,
        stdin: b"typed\n",
        files: &files,
        limits,
        seed: 0,
    };
    native::run(&program, &spec)
}

#[test]
fn exit_codes_stdio_files_and_the_exact_environment() {
    let env = vec![("ONLY".to_string(), "this".to_string())];
    let observed = run_script(
        "env | sort; cat; cat in.txt; echo made > out.txt; echo oops >&2; exit 42",
        &env,
        Limits::DEFAULT,
    );
    assert_eq!(observed.outcome, Outcome::Exited(42));
    let stdout = String::from_utf8(observed.stdout).unwrap();
    let env_lines: Vec<&str> = stdout.lines().take_while(|l| l.contains('=')).collect();
    let names: Vec<&str> = env_lines
        .iter()
        .map(|l| l.split('=').next().unwrap())
        .collect();
    // sh adds PWD (and may add SHLVL, _); nothing of the test's own environment leaks.
    for name in &names {
        assert!(
            [
                "HOME", "LC_ALL", "ONLY", "PWD", "SHLVL", "TMPDIR", "TZ", "_", "OLDPWD"
            ]
            .contains(name),
            "leaked {name}"
        );
    }
    assert!(
        env_lines.contains(&"ONLY=this")
            && env_lines.contains(&"TZ=UTC")
            && env_lines.contains(&"LC_ALL=C")
    );
    assert!(stdout.ends_with("typed\nfrom the case\n"), "{stdout}");
    assert_eq!(observed.stderr, b"oops\n");
    assert_eq!(observed.files.len(), 1);
    assert_eq!(observed.files[0].path, "out.txt");
}

#[test]
fn sleeping_forever_times_out_and_children_die_with_the_program() {
    let canary = tempfile::tempdir().unwrap();
    let env = vec![("CANARY".to_string(), canary.path().display().to_string())];
    let limits = Limits {
        timeout: Duration::from_millis(300),
        ..Limits::DEFAULT
    };
    let started = Instant::now();
    // A child that outlives the program would write the canary after 1 s.
    let observed = run_script(
        "(sleep 1; echo alive > \"$CANARY/late\") & sleep 1000",
        &env,
        limits,
    );
    assert_eq!(
        observed.outcome,
        Outcome::Timeout {
            limit: limits.timeout
        }
    );
    assert!(
        started.elapsed() < Duration::from_secs(3),
        "took {:?}",
        started.elapsed()
    );
    std::thread::sleep(Duration::from_millis(1500));
    assert!(
        !canary.path().join("late").exists(),
        "a child outlived the run"
    );
}

#[test]
fn an_output_flood_is_stopped_at_the_limit() {
    let limits = Limits {
        output_bytes: 10_000,
        ..Limits::DEFAULT
    };
    let started = Instant::now();
    let observed = run_script(
        "while true; do echo xxxxxxxxxxxxxxxxxxxxxxxxxxxxxx; done",
        &[],
        limits,
    );
    assert_eq!(
        observed.outcome,
        Outcome::OutputLimit {
            stream: Stream::Stdout,
            limit_bytes: 10_000
        }
    );
    assert_eq!(observed.stdout.len(), 10_000);
    assert!(started.elapsed() < Duration::from_secs(5));
}

#[test]
fn a_crash_by_signal_is_a_trap() {
    let observed = run_script("kill -SEGV $$", &[], Limits::DEFAULT);
    assert!(
        matches!(observed.outcome, Outcome::Trap { ref kind, .. } if kind == "segmentation_fault"),
        "{:?}",
        observed.outcome
    );
}

#[test]
fn the_native_build_of_a_reference_behaves_exactly_like_its_wasi_build() {
    // Build wordfreq's reference natively and judge it against the expectations recorded
    // from its WASI build: every case must pass.
    let target = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("native-wordfreq");
    let status = std::process::Command::new(env!("CARGO"))
        .args(["build", "--release", "--quiet", "--manifest-path"])
        .arg(repo().join("wasm-tasks/wordfreq/reference/Cargo.toml"))
        .arg("--target-dir")
        .arg(&target)
        .status()
        .expect("cargo runs");
    assert!(status.success());
    let program = NativeProgram::load(&target.join("release/wordfreq")).unwrap();
    let task = cleanroom::task::load_task(&wordfreq()).unwrap();
    let mut failing = Vec::new();
    for case in task.cases() {
        let observed = native::run(&program, &cleanroom::runner::run_spec(&task, case));
        let verdict = cleanroom::compare::judge(case.expect.as_ref(), &case.compare, &observed);
        if verdict.status != cleanroom::compare::Status::Passed {
            failing.push(format!(
                "{}: {:?} {:?}",
                case.id,
                verdict.status,
                verdict.details.mismatches.first().map(|m| &m.diff)
            ));
        }
    }
    assert!(
        failing.is_empty(),
        "{} case(s) differ natively:\n{}",
        failing.len(),
        failing.join("\n")
    );
}

/// A listener on 127.0.0.1 that the test process itself can reach (so that a failed
/// connection from inside a run proves isolation, not a broken test).
fn listener() -> (std::net::TcpListener, u16) {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    std::net::TcpStream::connect(("127.0.0.1", port)).expect("reachable from the host");
    (listener, port)
}

const CONNECT: &str = "python3 -c \"import socket,sys; socket.create_connection(('127.0.0.1', int(sys.argv[1])), 2)\"";

#[cfg(target_os = "linux")]
#[test]
fn native_runs_have_no_network() {
    assert_eq!(
        cleanroom::isolation::missing_protections(),
        Vec::<&str>::new(),
        "this test machine allows network and mount namespaces"
    );
    let (_listener, port) = listener();
    let observed = run_script(
        &format!("{CONNECT} {port} && echo connected || echo refused"),
        &[],
        Limits::DEFAULT,
    );
    assert_eq!(
        String::from_utf8_lossy(&observed.stdout),
        "refused\n",
        "{}",
        String::from_utf8_lossy(&observed.stderr)
    );
}

/// A submission folder: wordfreq's correct candidate plus the given compile.sh.
fn submission(compile: &str) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    crate::support::copy_dir(&wordfreq().join("candidates/correct"), dir.path());
    std::fs::write(dir.path().join("compile.sh"), compile).unwrap();
    dir
}

fn eval_submission(dir: &Path) -> serde_json::Value {
    let json = dir.join("../report.json");
    let output = crate::support::run(
        crate::support::cleanroom()
            .args(["eval", "-q", "--candidate"])
            .arg(dir)
            .arg("--json")
            .arg(&json)
            .arg(wordfreq()),
    );
    assert_eq!(
        output.status.code(),
        Some(0),
        "{}",
        crate::support::stderr(&output)
    );
    crate::support::read_json(&json)["tasks"][0].clone()
}

#[test]
fn a_compile_sh_submission_building_a_native_executable_runs_natively() {
    let dir = submission(
        "cargo build --release --quiet --offline && cp target/release/wordfreq executable\n",
    );
    let task = eval_submission(dir.path());
    assert_eq!(task["build"]["runner"], "native", "{:#}", task["build"]);
    assert_eq!(task["summary"]["resolved"], true, "{:#}", task["summary"]);
    // This machine (Linux, namespaces allowed) gives every protection, so none is listed.
    assert!(
        task["build"].get("missing_protections").is_none(),
        "{:#}",
        task["build"]
    );
    assert!(
        !dir.path().join("executable").exists() && !dir.path().join("target").exists(),
        "built in a copy"
    );
}

#[test]
fn a_compile_sh_submission_building_executable_wasm_runs_in_wasmtime() {
    let dir = submission(
        "cargo build --release --quiet --offline --target wasm32-wasip1 && cp target/wasm32-wasip1/release/wordfreq.wasm executable.wasm\n",
    );
    let task = eval_submission(dir.path());
    assert_eq!(task["build"]["runner"], "wasm");
    assert!(task["build"].get("missing_protections").is_none());
    assert_eq!(task["summary"]["resolved"], true);
}

#[cfg(target_os = "linux")]
#[test]
fn build_scripts_have_no_network_and_say_so() {
    let (_listener, port) = listener();
    // The script fails the build if it can reach the host's listener.
    let dir = submission(&format!(
        "if {CONNECT} {port}; then echo 'reached the network' >&2; exit 1; fi\nprintf '#!/bin/sh\\necho built offline\\n' > executable && chmod +x executable\n"
    ));
    let task = eval_submission(dir.path());
    assert_eq!(task["build"]["ok"], true, "{:#}", task["build"]);
    assert_eq!(task["build"]["runner"], "native");
    // The build log is only kept on failure; a failing script shows it.
    let failing = submission("echo compiling; exit 3\n");
    let task = eval_submission(failing.path());
    // every scored case (2 of the 130 are ignored)
    assert_eq!(task["summary"]["statuses"]["not_run"], 128);
    let log = task["build"]["log"].as_str().unwrap();
    assert!(
        log.starts_with("cleanroom: the network was disabled for this build\n")
            && log.contains("compiling"),
        "{log}"
    );
}

#[test]
fn a_task_with_a_native_reference_records_what_its_wasi_build_recorded() {
    let dir = tempfile::tempdir().unwrap();
    let task = dir.path().join("wordfreq");
    crate::support::copy_dir(&wordfreq(), &task);
    crate::support::copy_dir(
        &wordfreq().join("reference"),
        &task.join("native-reference"),
    );
    std::fs::write(
        task.join("native-reference/compile.sh"),
        "cargo build --release --quiet --offline && cp target/release/wordfreq executable\n",
    )
    .unwrap();
    let manifest = std::fs::read_to_string(task.join("task.toml")).unwrap();
    std::fs::write(
        task.join("task.toml"),
        manifest.replace("cargo = \"reference\"", "native = \"native-reference\""),
    )
    .unwrap();

    let output = crate::support::run(crate::support::cleanroom().arg("record").arg(&task));
    assert_eq!(
        output.status.code(),
        Some(0),
        "{}",
        crate::support::stderr(&output)
    );
    assert!(
        crate::support::stdout(&output).contains("recorded 130 case(s), 0 changed, 0 refused"),
        "the native reference agrees with its WASI build on every case: {}",
        crate::support::stdout(&output)
    );
    let json = dir.path().join("r.json");
    let output = crate::support::run(
        crate::support::cleanroom()
            .args(["eval", "-q", "--json"])
            .arg(&json)
            .arg(&task),
    );
    assert_eq!(output.status.code(), Some(0));
    let report = crate::support::read_json(&json);
    let passed: Vec<u64> = report["tasks"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["summary"]["passed"].as_u64().unwrap())
        .collect();
    assert_eq!(
        passed,
        [128, 125, 122],
        "correct, crashy, subtly-wrong as with the WASI reference"
    );
}

/// The filesystem view: the case folder is writable, the system folders readable, and
/// nothing else of the host exists for the program — not the task, not the cache, not a
/// canary file next to the program.
#[cfg(target_os = "linux")]
#[test]
fn a_native_program_sees_only_the_system_itself_and_its_case_folder() {
    let outside = tempfile::tempdir().unwrap();
    let canary = outside.path().join("canary");
    std::fs::write(&canary, "untouched").unwrap();
    let env = vec![
        ("CANARY".to_string(), canary.display().to_string()),
        (
            "TASK".to_string(),
            wordfreq().join("task.toml").display().to_string(),
        ),
    ];
    let observed = run_script(
        r#"PATH=/usr/bin:/bin
echo pwned > "$CANARY" 2>/dev/null && echo "wrote the canary"
cat "$CANARY" 2>/dev/null && echo "read the canary"
cat "$TASK" >/dev/null 2>&1 && echo "read the task"
ls /root /home /var 2>/dev/null | head -1 | grep . && echo "listed the host"
echo tmp > /tmp/x 2>/dev/null && echo "wrote /tmp"
echo here > mine.txt && cat mine.txt in.txt
test -x /bin/sh && echo "has a shell""#,
        &env,
        Limits::DEFAULT,
    );
    assert_eq!(
        String::from_utf8_lossy(&observed.stdout),
        "here\nfrom the case\nhas a shell\n",
        "{}",
        String::from_utf8_lossy(&observed.stderr)
    );
    assert_eq!(std::fs::read_to_string(&canary).unwrap(), "untouched");
}
