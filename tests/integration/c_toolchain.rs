//! The C-to-WASI toolchain (`toolchains/wasi-c/`): set it up, build a C program that uses
//! setjmp/longjmp and pthread_once with its `$CC`, and run the module in the sandbox.
//! Needs the Debian packages that `setup.sh` names (it installs them when run as root).

use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::OnceLock;

use cleanroom::limits::Limits;
use cleanroom::observation::Outcome;
use cleanroom::sandbox::{RunSpec, SandboxOptions, WORKER_STACK_BYTES, WasmSandbox};

use crate::support::repo;

/// Sets the toolchain up once per test run, into the target directory (setup.sh is
/// idempotent, so later runs only check it).
fn toolchain() -> PathBuf {
    static SET_UP: OnceLock<PathBuf> = OnceLock::new();
    SET_UP.get_or_init(set_up).clone()
}

fn set_up() -> PathBuf {
    let out = Path::new(env!("CARGO_TARGET_TMPDIR")).join("wasi-c");
    let setup = Command::new("sh")
        .arg(repo().join("toolchains/wasi-c/setup.sh"))
        .arg(&out)
        .output()
        .expect("sh runs");
    assert!(
        setup.status.success(),
        "toolchains/wasi-c/setup.sh failed ({}); install what it names:\n{}",
        setup.status,
        String::from_utf8_lossy(&setup.stderr)
    );
    out
}

/// Compiles C sources with the toolchain's environment (`. env.sh; $CC $CFLAGS ... $LDFLAGS`).
fn compile(toolchain: &Path, sources: &[PathBuf], output: &Path) {
    let sources: Vec<String> = sources
        .iter()
        .map(|s| format!("'{}'", s.display()))
        .collect();
    let script = format!(
        ". '{}/env.sh' && $CC $CFLAGS {} -o '{}' $LDFLAGS",
        toolchain.display(),
        sources.join(" "),
        output.display()
    );
    let build = Command::new("sh")
        .arg("-c")
        .arg(&script)
        .output()
        .expect("sh runs");
    assert!(
        build.status.success(),
        "compiling failed: {}",
        String::from_utf8_lossy(&build.stderr)
    );
}

fn run(module: &Path, args: &[&str]) -> cleanroom::observation::Observation {
    let bytes = std::fs::read(module).unwrap();
    let sandbox = WasmSandbox::new(SandboxOptions::default()).unwrap();
    let program = sandbox.load(&bytes).expect("the module loads");
    let args: Vec<String> = args.iter().map(|a| a.to_string()).collect();
    std::thread::Builder::new()
        .stack_size(WORKER_STACK_BYTES)
        .spawn(move || {
            let spec = RunSpec {
                argv0: "probe",
                args: &args,
                env: &[],
                stdin: b"",
                files: &[],
                limits: Limits::DEFAULT,
                seed: 0,
            };
            sandbox.run(&program, &spec)
        })
        .unwrap()
        .join()
        .unwrap()
}

#[test]
fn setjmp_longjmp_pthread_once_and_stubs_work_in_the_sandbox() {
    let toolchain = toolchain();
    let dir = tempfile::tempdir().unwrap();
    let module = dir.path().join("probe.wasm");
    compile(
        &toolchain,
        &[repo().join("tests/guests/c/compat_probe.c")],
        &module,
    );

    let observed = run(&module, &["7"]);
    assert_eq!(observed.outcome, Outcome::Exited(7), "{observed:?}");
    assert_eq!(
        String::from_utf8_lossy(&observed.stdout),
        "setjmp gave 0\n\
         setjmp gave 10\n\
         setjmp gave 20\n\
         setjmp gave 1\n\
         once ran 1 time, key holds kept\n\
         popen: failed (Function not implemented)\n\
         system(NULL): 0, chmod: -1\n"
    );
    assert_eq!(String::from_utf8_lossy(&observed.stderr), "done\n");
}

#[test]
fn setup_is_idempotent_and_says_so() {
    let toolchain = toolchain();
    let again = Command::new("sh")
        .arg(repo().join("toolchains/wasi-c/setup.sh"))
        .arg(&toolchain)
        .output()
        .unwrap();
    assert!(again.status.success());
    let message = String::from_utf8_lossy(&again.stderr);
    assert!(message.contains("ready in"), "{message}");
    assert!(!message.contains("building"), "{message}");
    let env = std::fs::read_to_string(toolchain.join("env.sh")).unwrap();
    for name in [
        "CC",
        "AR",
        "RANLIB",
        "CFLAGS",
        "LDFLAGS",
        "WASI_SJLJ_CFLAGS",
        "CLEANROOM_WASI_HOST",
    ] {
        assert!(env.contains(&format!("export {name}=")), "{name} in {env}");
    }
}

/// The bc task from the repository root, named by a relative path as the README's first
/// command does: Debian's native bc passes every recorded case, the WASI build of the same
/// source agrees on at least 95 % of them, and the intentionally wrong build fails some.
/// Needs network to Debian for the source (and apt-get for bc when it is missing).
#[test]
fn bc_task_native_reference_and_wasi_build_agree() {
    let dir = tempfile::tempdir().unwrap();
    let report = dir.path().join("bc.json");
    let output = crate::support::run(crate::support::cleanroom().args([
        "eval",
        "wasm-tasks/bc",
        "--all",
        "--json",
        report.to_str().unwrap(),
    ]));
    assert!(
        output.status.success(),
        "{}",
        crate::support::stderr(&output)
    );
    let report = crate::support::read_json(&report);
    let rate = |name: &str| {
        let task = report["tasks"]
            .as_array()
            .unwrap()
            .iter()
            .find(|t| t["candidate"] == name)
            .unwrap_or_else(|| panic!("candidate {name} in the report"));
        assert_eq!(task["build"]["ok"], true, "{name} built: {}", task["build"]);
        task["summary"]["pass_rate"].as_f64().unwrap()
    };
    assert_eq!(rate("native"), 1.0, "the native reference reproduces");
    let wasi = rate("wasi");
    assert!(wasi >= 0.95, "the WASI build agrees on {wasi}");
    assert!(rate("lowercase-hex") < wasi, "the wrong build fails more");
}

/// Lua and awk, built from their registry sources with the toolchain: each reference build
/// passes its own recorded cases, the intentionally wrong build fails some, and Debian's
/// native awk agrees with the WASI build on at least 95 % of the cases.
#[test]
fn lua_and_awk_reference_builds_reproduce_their_cases() {
    let dir = tempfile::tempdir().unwrap();
    let report = dir.path().join("report.json");
    let output = crate::support::run(crate::support::cleanroom().args([
        "eval",
        "wasm-tasks/lua",
        "wasm-tasks/awk",
        "--all",
        "--json",
        report.to_str().unwrap(),
    ]));
    assert!(
        output.status.success(),
        "{}",
        crate::support::stderr(&output)
    );
    let report = crate::support::read_json(&report);
    let rate = |task: &str, name: &str| {
        let entry = report["tasks"]
            .as_array()
            .unwrap()
            .iter()
            .find(|t| t["id"] == task && t["candidate"] == name)
            .unwrap_or_else(|| panic!("{task}/{name} in the report"));
        assert_eq!(
            entry["build"]["ok"], true,
            "{task}/{name}: {}",
            entry["build"]
        );
        entry["summary"]["pass_rate"].as_f64().unwrap()
    };
    assert_eq!(rate("lua", "reference-build"), 1.0);
    assert!(rate("lua", "rep-off-by-one") < 1.0);
    assert_eq!(rate("awk", "reference-build"), 1.0);
    assert!(rate("awk", "substr-off-by-one") < 1.0);
    assert!(rate("awk", "debian-native") >= 0.95);
}

/// A submission that is just C sources (no build script) is compiled with the toolchain,
/// in a copy and without network, and runs in the sandbox; one that does not compile is
/// `not_run` with the compiler's message in the report.
#[test]
fn a_folder_of_c_sources_is_a_candidate() {
    let task = crate::support::temp_task(
        "id = \"greet\"\nprogram = \"greet\"\nsummary = \"x\"\n[reference]\nwasm = \"ref.wat\"\n",
        "[[case]]\nname = \"plain\"\n\n[[case]]\nname = \"named\"\nargs = [\"Ada\"]\n",
    );
    std::fs::write(
        task.path().join("ref.wat"),
        include_str!("../hostile/reference.wat"),
    )
    .unwrap();
    let output = crate::support::run(crate::support::cleanroom().arg("record").arg(task.path()));
    assert_eq!(
        output.status.code(),
        Some(0),
        "{}",
        crate::support::stderr(&output)
    );

    let good = tempfile::tempdir().unwrap();
    std::fs::create_dir(good.path().join("src")).unwrap();
    std::fs::write(
        good.path().join("src/main.c"),
        "#include \"greet.h\"\nint main(void) { greet(); return 0; }\n",
    )
    .unwrap();
    std::fs::write(good.path().join("greet.h"), "void greet(void);\n").unwrap();
    std::fs::write(
        good.path().join("greet.c"),
        "#include <stdio.h>\n#include <setjmp.h>\nstatic jmp_buf b;\nvoid greet(void) { if (!setjmp(b)) longjmp(b, 1); puts(\"hello\"); }\n",
    )
    .unwrap();
    let bad = tempfile::tempdir().unwrap();
    std::fs::write(
        bad.path().join("main.c"),
        "int main(void) { return missing(); }\n",
    )
    .unwrap();

    for (candidate, resolved) in [(good.path(), true), (bad.path(), false)] {
        let json = task.path().join("report.json");
        let output = crate::support::run(
            crate::support::cleanroom()
                .args(["eval", "-q", "--candidate"])
                .arg(candidate)
                .arg("--json")
                .arg(&json)
                .arg(task.path()),
        );
        assert_eq!(
            output.status.code(),
            Some(0),
            "{}",
            crate::support::stderr(&output)
        );
        let unit = &crate::support::read_json(&json)["tasks"][0];
        assert_eq!(unit["summary"]["resolved"], resolved, "{unit:#}");
        if !resolved {
            assert_eq!(unit["summary"]["statuses"]["not_run"], 2, "{unit:#}");
            let log = unit["build"]["log"].as_str().unwrap();
            assert!(log.contains("missing"), "{log}");
            assert!(log.contains("the network was disabled"), "{log}");
        }
    }
    assert!(
        !good.path().join("executable.wasm").exists(),
        "the submission folder is never modified"
    );
}
