//! Per-case cost of the sandbox configurations (in-memory filesystem against
//! wasmtime-wasi's host directories, with and without the pooling allocator) on a real task (wordfreq: cases with a few small files). Prints numbers; asserts
//! nothing. Run: `cargo bench --bench fs_modes`.

use std::path::Path;
use std::time::{Duration, Instant};

use cleanroom::build::{self, Cache, Source};
use cleanroom::runner::run_spec;
use cleanroom::sandbox::{FsMode, SandboxOptions, WORKER_STACK_BYTES, WasmSandbox};
use cleanroom::task::load_task;

const ROUNDS: usize = 20;

fn main() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let task = load_task(&root.join("wasm-tasks/wordfreq")).expect("the bundled task loads");
    let cache = Cache::locate(None);
    let source = Source::Cargo(root.join("wasm-tasks/wordfreq/reference"));
    let built = build::build(&source, &cache, &mut |note| eprintln!("{note}"))
        .expect("the reference builds");
    let cases: Vec<_> = task.cases().collect();
    let with_files = cases.iter().filter(|case| !case.files.is_empty()).count();

    let measure = |filesystem: FsMode, pooling_slots: Option<u32>| -> Duration {
        let options = SandboxOptions {
            filesystem,
            pooling_slots,
            ..SandboxOptions::default()
        };
        let sandbox = WasmSandbox::new(options).unwrap();
        let program = sandbox.load(&built.artifact.bytes).unwrap();
        let cases = &cases;
        let task = &task;
        std::thread::scope(|scope| {
            std::thread::Builder::new()
                .stack_size(WORKER_STACK_BYTES)
                .spawn_scoped(scope, move || {
                    let mut best = Duration::MAX;
                    for _ in 0..ROUNDS {
                        let started = Instant::now();
                        for case in cases {
                            let spec = run_spec(task, case);
                            std::hint::black_box(sandbox.run(&program, &spec));
                        }
                        best = best.min(started.elapsed());
                    }
                    best
                })
                .unwrap()
                .join()
                .unwrap()
        })
    };

    // All configurations in one process, one after the other, on the same cases.
    let rows = [
        ("host", FsMode::Host, None),
        ("memory", FsMode::Memory, None),
        ("memory + pooling", FsMode::Memory, Some(4)),
    ];
    let per_case = |total: Duration| total.as_secs_f64() * 1e6 / cases.len() as f64;
    println!(
        "wordfreq: {} cases ({with_files} with files), best of {ROUNDS} rounds, one thread",
        cases.len()
    );
    println!(
        "{:<18} {:>14} {:>10}",
        "configuration", "per case (µs)", "vs host"
    );
    let mut baseline = None;
    for (label, filesystem, pooling) in rows {
        let total = measure(filesystem, pooling);
        let base = *baseline.get_or_insert(total);
        println!(
            "{label:<18} {:>14.1} {:>9.2}×",
            per_case(total),
            base.as_secs_f64() / total.as_secs_f64()
        );
    }
}
