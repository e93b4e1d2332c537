//! The same suites three ways, in one process, so the ratios are fair:
//!   1. Cleanroom's wasm runner (in-memory fs, pooling allocator, cached module);
//!   2. Cleanroom's native runner on the native build of the same program;
//!   3. a ProgramBench-style harness: pytest + `subprocess.run(["./executable", …])` +
//!      JUnit XML, on the native build (pytest and pytest-xdist installed from PyPI by
//!      this benchmark if missing).
//!
//! Suites: a tiny, overhead-dominated one (2,000 generated cases) and the real wordfreq
//! task. Also: cold start (compiling) vs warm (cached), 1 vs N jobs, and the peak RSS of
//! `cleanroom eval` on 5,000 cases. Prints numbers; asserts only that every way passed
//! every case (so the comparison is of equal work). Run: `cargo bench --bench harness`.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD as BASE64;
use rayon::prelude::*;

use cleanroom::build::{self, Cache, Source};
use cleanroom::compare::{Status, judge};
use cleanroom::observation::Outcome;
use cleanroom::runner::run_spec;
use cleanroom::sandbox::native::{self, NativeProgram};
use cleanroom::sandbox::{Program, SandboxOptions, WORKER_STACK_BYTES, WasmSandbox};
use cleanroom::task::{Case, CaseFile, Expectation, Task, load_task};

const TINY_CASES: usize = 2_000;
const RSS_CASES: usize = 5_000;

fn main() {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let work = root.join("target/cleanroom-bench");
    std::fs::create_dir_all(&work).unwrap();
    let jobs = std::thread::available_parallelism().map_or(1, |n| n.get());
    let cache = Cache::locate(Some(&work.join("cache")));

    eprintln!("setting up: building wordfreq's reference for wasm32-wasip1 and natively");
    let reference_dir = root.join("wasm-tasks/wordfreq/reference");
    let wasm = build::build(&Source::Cargo(reference_dir.clone()), &cache, &mut |n| {
        eprintln!("{n}")
    })
    .unwrap()
    .artifact;
    let native_exe = build_native(&reference_dir, &work.join("native"));
    ensure_pytest();

    let real = load_task(&root.join("wasm-tasks/wordfreq")).unwrap();
    let wasm_options = |module_cache: &Path| SandboxOptions {
        module_cache: Some(module_cache.to_path_buf()),
        pooling_slots: Some(jobs as u32 + 2),
        ..SandboxOptions::default()
    };

    // Cold vs warm start: compiling the module vs loading it from the module cache.
    let cold_cache = tempfile::tempdir().unwrap();
    let sandbox = WasmSandbox::new(wasm_options(cold_cache.path())).unwrap();
    let started = Instant::now();
    sandbox.load(&wasm.bytes).unwrap();
    let cold = started.elapsed();
    let sandbox = WasmSandbox::new(wasm_options(cold_cache.path())).unwrap();
    let started = Instant::now();
    let program = sandbox.load(&wasm.bytes).unwrap();
    let warm = started.elapsed();

    let tiny = tiny_task(&real, &sandbox, &program);
    let native_program = NativeProgram::load(&native_exe).unwrap();

    let mut rows = Vec::new();
    for (suite, task) in [
        (format!("tiny ({TINY_CASES})"), &tiny),
        (format!("wordfreq ({})", real.case_count()), &real),
    ] {
        let cases: Vec<&Case> = task.cases().collect();
        let wasm_time = |threads| {
            timed(threads, &cases, |case| {
                sandbox.run(&program, &run_spec(task, case))
            })
        };
        let native_time = |threads| {
            timed(threads, &cases, |case| {
                native::run(&native_program, &run_spec(task, case))
            })
        };
        let pytest_dir = write_pytest_suite(&work.join("pytest"), task, &native_exe);
        let pytest_time = |workers: usize| run_pytest(&pytest_dir, workers, cases.len());
        let on_demand_options = SandboxOptions {
            pooling_slots: None,
            ..wasm_options(cold_cache.path())
        };
        let on_demand = WasmSandbox::new(on_demand_options).unwrap();
        let on_demand_program = on_demand.load(&wasm.bytes).unwrap();
        let on_demand_time = |threads| {
            timed(threads, &cases, |case| {
                on_demand.run(&on_demand_program, &run_spec(task, case))
            })
        };
        // In-process runs take milliseconds: best of 5 rounds. Process-spawning ones: one.
        let measurements = [
            ("cleanroom wasm", jobs, best_of(5, || wasm_time(jobs))),
            ("cleanroom wasm", 1, best_of(5, || wasm_time(1))),
            (
                "wasm, no pooling",
                jobs,
                best_of(5, || on_demand_time(jobs)),
            ),
            ("wasm, no pooling", 1, best_of(5, || on_demand_time(1))),
            ("cleanroom native", jobs, native_time(jobs)),
            ("pytest + subprocess", jobs, pytest_time(jobs)),
            ("pytest + subprocess", 1, pytest_time(1)),
        ];
        for (harness, threads, wall) in measurements {
            rows.push(Row::new(&suite, harness, threads, cases.len(), wall));
        }
    }
    let peak_rss = eval_peak_rss(&work, &wasm.path, jobs);

    println!(
        "\n{:<16} {:<20} {:>4} {:>9} {:>10} {:>12} {:>10}",
        "suite", "harness", "jobs", "wall (s)", "tests/s", "per test", "vs pytest"
    );
    for row in &rows {
        let pytest = rows
            .iter()
            .find(|r| {
                r.suite == row.suite && r.harness == "pytest + subprocess" && r.jobs == row.jobs
            })
            .map_or(row.wall, |r| r.wall);
        println!(
            "{:<16} {:<20} {:>4} {:>9.3} {:>10.0} {:>9.3} ms {:>9.1}×",
            row.suite,
            row.harness,
            row.jobs,
            row.wall.as_secs_f64(),
            row.cases as f64 / row.wall.as_secs_f64(),
            row.wall.as_secs_f64() * 1000.0 / row.cases as f64,
            pytest.as_secs_f64() / row.wall.as_secs_f64(),
        );
    }
    let find = |suite: &str, harness: &str, jobs: usize| {
        rows.iter()
            .find(|r| r.suite.starts_with(suite) && r.harness == harness && r.jobs == jobs)
            .unwrap()
            .wall
    };
    let ratio = |a: Duration, b: Duration| a.as_secs_f64() / b.as_secs_f64();
    println!(
        "\ntiny suite, {jobs} jobs: wasm is {:.1}× pytest, {:.1}× the native runner",
        ratio(
            find("tiny", "pytest + subprocess", jobs),
            find("tiny", "cleanroom wasm", jobs)
        ),
        ratio(
            find("tiny", "cleanroom native", jobs),
            find("tiny", "cleanroom wasm", jobs)
        )
    );
    println!(
        "wasm, 1 → {jobs} jobs: {:.2}× on the tiny suite, {:.2}× on wordfreq",
        ratio(
            find("tiny", "cleanroom wasm", 1),
            find("tiny", "cleanroom wasm", jobs)
        ),
        ratio(
            find("wordfreq", "cleanroom wasm", 1),
            find("wordfreq", "cleanroom wasm", jobs)
        )
    );
    println!(
        "module load: cold (Cranelift compile) {:.1} ms, warm (module cache) {:.2} ms: {:.0}×",
        cold.as_secs_f64() * 1e3,
        warm.as_secs_f64() * 1e3,
        ratio(cold, warm)
    );
    println!(
        "peak RSS of `cleanroom eval` on {RSS_CASES} cases, {jobs} jobs: {:.0} MB",
        peak_rss as f64 / 1024.0
    );
}

struct Row {
    suite: String,
    harness: &'static str,
    jobs: usize,
    cases: usize,
    wall: Duration,
}

impl Row {
    fn new(suite: &str, harness: &'static str, jobs: usize, cases: usize, wall: Duration) -> Row {
        eprintln!(
            "{suite:<16} {harness:<20} {jobs} job(s): {:.3} s",
            wall.as_secs_f64()
        );
        Row {
            suite: suite.to_string(),
            harness,
            jobs,
            cases,
            wall,
        }
    }
}

fn best_of(rounds: usize, mut measure: impl FnMut() -> Duration) -> Duration {
    (0..rounds)
        .map(|_| measure())
        .min()
        .expect("at least one round")
}

/// Runs and judges every case on `threads` workers; every case must pass.
fn timed(
    threads: usize,
    cases: &[&Case],
    run: impl Fn(&Case) -> cleanroom::observation::Observation + Sync,
) -> Duration {
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(threads)
        .stack_size(WORKER_STACK_BYTES)
        .build()
        .unwrap();
    let started = Instant::now();
    let failed = pool.install(|| {
        cases
            .par_iter()
            .filter(|case| {
                judge(case.expect.as_ref(), &case.compare, &run(case)).status != Status::Passed
            })
            .count()
    });
    let wall = started.elapsed();
    assert_eq!(failed, 0, "every harness must pass every case");
    wall
}

/// 2,000 tiny stdin-only cases with expectations recorded from the wasm reference.
fn tiny_task(real: &Task, sandbox: &WasmSandbox, program: &Program) -> Task {
    let template = real.cases().next().unwrap().clone();
    let options = [&[][..], &["-n", "2"], &["-i"], &["-f", "csv"], &["-t"]];
    let mut task = real.clone();
    let mut cases = Vec::with_capacity(TINY_CASES);
    for i in 0..TINY_CASES {
        let mut case = template.clone();
        case.id = format!("tiny/case-{i}");
        case.name = format!("case-{i}");
        case.args = options[i % options.len()]
            .iter()
            .map(|s| s.to_string())
            .collect();
        case.stdin = format!("w{} W{} w{} w{}\n", i % 7, i % 13, i, i % 3).into_bytes();
        case.env = Vec::new();
        case.files = Vec::new();
        cases.push(case);
    }
    task.case_files = vec![CaseFile {
        path: PathBuf::from("tiny.toml"),
        stem: "tiny".into(),
        cases,
    }];
    record(&mut task, sandbox, program);
    task
}

fn record(task: &mut Task, sandbox: &WasmSandbox, program: &Program) {
    let snapshot = task.clone();
    for (file, snapshot_file) in task.case_files.iter_mut().zip(&snapshot.case_files) {
        let expectations: Vec<Expectation> = std::thread::scope(|scope| {
            std::thread::Builder::new()
                .stack_size(WORKER_STACK_BYTES)
                .spawn_scoped(scope, || {
                    snapshot_file
                        .cases
                        .iter()
                        .map(|case| {
                            let observed = sandbox.run(program, &run_spec(&snapshot, case));
                            let Outcome::Exited(exit) = observed.outcome else {
                                panic!("{}: {:?}", case.id, observed.outcome)
                            };
                            Expectation {
                                exit,
                                stdout: observed.stdout,
                                stderr: observed.stderr,
                                files: Default::default(),
                            }
                        })
                        .collect()
                })
                .unwrap()
                .join()
                .unwrap()
        });
        for (case, expect) in file.cases.iter_mut().zip(expectations) {
            case.expect = Some(expect);
        }
    }
}

fn build_native(package: &Path, target: &Path) -> PathBuf {
    let status = Command::new(env!("CARGO"))
        .args(["build", "--release", "--quiet", "--manifest-path"])
        .arg(package.join("Cargo.toml"))
        .arg("--target-dir")
        .arg(target)
        .status()
        .unwrap();
    assert!(status.success(), "native build failed");
    target.join("release/wordfreq")
}

fn ensure_pytest() {
    let have = |module: &str| {
        Command::new("python3")
            .args(["-c", &format!("import {module}")])
            .output()
            .is_ok_and(|o| o.status.success())
    };
    if !have("pytest") || !have("xdist") {
        eprintln!("installing pytest and pytest-xdist from PyPI for the pytest harness");
        let status = Command::new("python3")
            .args(["-m", "pip", "install", "--quiet", "pytest", "pytest-xdist"])
            .status()
            .unwrap();
        assert!(status.success(), "pip install pytest pytest-xdist failed");
    }
}

/// A ProgramBench-style suite: one pytest test per case calling `subprocess.run` on the
/// native executable in a fresh temp dir, asserting exit code, stdout, stderr and files.
fn write_pytest_suite(dir: &Path, task: &Task, executable: &Path) -> PathBuf {
    let dir = dir.join(&task.id).join(task.case_count().to_string());
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::copy(executable, dir.join("executable")).unwrap();
    let cases: Vec<serde_json::Value> = task
        .cases()
        .map(|case| {
            let expect = case.expect.as_ref().unwrap();
            serde_json::json!({
                "id": case.id,
                "argv0": task.program,
                "args": case.args,
                "env": case.env.iter().cloned().collect::<std::collections::BTreeMap<_, _>>(),
                "stdin": BASE64.encode(&case.stdin),
                "files": case.files.iter().map(|(p, c)| (p.clone(), BASE64.encode(c))).collect::<std::collections::BTreeMap<_, _>>(),
                "exit": expect.exit,
                "stdout": BASE64.encode(&expect.stdout),
                "stderr": BASE64.encode(&expect.stderr),
            })
        })
        .collect();
    std::fs::write(
        dir.join("cases.json"),
        serde_json::to_string(&cases).unwrap(),
    )
    .unwrap();
    let mut test = std::fs::File::create(dir.join("test_suite.py")).unwrap();
    test.write_all(PYTEST_SUITE.as_bytes()).unwrap();
    dir
}

const PYTEST_SUITE: &str = r#"import base64, json, os, subprocess
import pytest

HERE = os.path.dirname(os.path.abspath(__file__))
CASES = json.load(open(os.path.join(HERE, "cases.json")))

@pytest.mark.parametrize("case", CASES, ids=[c["id"] for c in CASES])
def test_case(case, tmp_path):
    for name, content in case["files"].items():
        path = tmp_path / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(base64.b64decode(content))
    env = dict(case["env"], TZ="UTC", LC_ALL="C", HOME=str(tmp_path), TMPDIR=str(tmp_path))
    result = subprocess.run([os.path.join(HERE, "executable")] + case["args"],
                            input=base64.b64decode(case["stdin"]), capture_output=True,
                            timeout=10, cwd=tmp_path, env=env)
    assert result.returncode == case["exit"]
    assert result.stdout == base64.b64decode(case["stdout"])
    assert result.stderr == base64.b64decode(case["stderr"])
"#;

/// Wall time of `pytest --junitxml` over the suite (with `-n` when workers > 1); all
/// tests must pass.
fn run_pytest(dir: &Path, workers: usize, cases: usize) -> Duration {
    let mut command = Command::new("python3");
    command
        .args([
            "-m",
            "pytest",
            "-q",
            "-p",
            "no:cacheprovider",
            "--junitxml=results.xml",
            "test_suite.py",
        ])
        .current_dir(dir);
    if workers > 1 {
        command.args(["-n", &workers.to_string()]);
    }
    let started = Instant::now();
    let output = command.output().unwrap();
    let wall = started.elapsed();
    let xml = std::fs::read_to_string(dir.join("results.xml")).unwrap();
    assert!(
        output.status.success() && xml.contains(&format!("tests=\"{cases}\"")),
        "pytest did not pass every case:\n{}",
        String::from_utf8_lossy(&output.stdout)
    );
    wall
}

/// Peak RSS (KiB) of `cleanroom eval` on a task of 5,000 recorded tiny cases.
fn eval_peak_rss(work: &Path, module: &Path, jobs: usize) -> u64 {
    let dir = work.join("rss-task");
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(dir.join("tests")).unwrap();
    std::fs::copy(module, dir.join("reference.wasm")).unwrap();
    std::fs::write(dir.join("task.toml"), "id = \"rss\"\nprogram = \"wordfreq\"\nsummary = \"5,000 tiny cases\"\n[reference]\nwasm = \"reference.wasm\"\n").unwrap();
    let mut toml = String::new();
    for i in 0..RSS_CASES {
        toml.push_str(&format!(
            "[[case]]\nname = \"c{i}\"\nstdin = \"a{} b{} a{}\\n\"\n\n",
            i % 11,
            i,
            i % 11
        ));
    }
    std::fs::write(dir.join("tests/cases.toml"), toml).unwrap();
    let binary = env!("CARGO_BIN_EXE_cleanroom");
    let cache = work.join("cache");
    let recorded = Command::new(binary)
        .arg("--cache-dir")
        .arg(&cache)
        .arg("record")
        .arg(&dir)
        .output()
        .unwrap();
    assert!(
        recorded.status.success(),
        "{}",
        String::from_utf8_lossy(&recorded.stderr)
    );
    // Python's resource module reads the child's peak RSS portably (Linux and macOS).
    let script = format!(
        "import resource, subprocess, sys\nr = subprocess.run([{binary:?}, '--cache-dir', {cache:?}, '--jobs', '{jobs}', 'eval', '-q', '--candidate', {module:?}, {dir:?}], stdout=subprocess.DEVNULL)\nassert r.returncode == 0, r.returncode\nprint(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)",
        cache = cache.display().to_string(),
        module = dir.join("reference.wasm").display().to_string(),
        dir = dir.display().to_string(),
    );
    let output = Command::new("python3")
        .args(["-c", &script])
        .output()
        .unwrap();
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8_lossy(&output.stdout)
        .trim()
        .parse()
        .unwrap()
}
