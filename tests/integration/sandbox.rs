//! Every way a run can end, each from a tiny `.wat` guest.

use std::time::{Duration, Instant};

use cleanroom::limits::{Limits, MIB};
use cleanroom::observation::{Outcome, Stream};

use crate::support::{fixture, run_module};

fn exit_module(code: i32) -> tempfile::NamedTempFile {
    let file = tempfile::Builder::new().suffix(".wat").tempfile().unwrap();
    std::fs::write(
        file.path(),
        format!(
            r#"(module
                 (import "wasi_snapshot_preview1" "proc_exit" (func $exit (param i32)))
                 (memory (export "memory") 1)
                 (func (export "_start") (call $exit (i32.const {code}))))"#
        ),
    )
    .unwrap();
    file
}

#[test]
fn exit_codes_are_reported_exactly_including_126_and_above() {
    for code in [0, 1, 42, 125, 126, 127, 255, 256, -1] {
        let module = exit_module(code);
        let observed = run_module(module.path(), Limits::DEFAULT, false);
        assert_eq!(observed.outcome, Outcome::Exited(code), "exit({code})");
    }
}

#[test]
fn returning_from_start_is_exit_zero() {
    let observed = run_module(&fixture("time_and_random.wat"), Limits::DEFAULT, false);
    assert_eq!(observed.outcome, Outcome::Exited(0));
}

#[test]
fn an_endless_loop_times_out_on_the_wall_clock() {
    let limits = Limits {
        timeout: Duration::from_millis(200),
        ..Limits::DEFAULT
    };
    let started = Instant::now();
    let observed = run_module(&fixture("loop.wat"), limits, false);
    assert_eq!(
        observed.outcome,
        Outcome::Timeout {
            limit: limits.timeout
        }
    );
    assert!(
        started.elapsed() < Duration::from_secs(5),
        "took {:?}",
        started.elapsed()
    );
}

#[test]
fn an_endless_loop_with_fuel_hits_the_cpu_limit_at_the_same_point_every_time() {
    let limits = Limits {
        fuel: Some(1_000_000),
        ..Limits::DEFAULT
    };
    let first = run_module(&fixture("loop.wat"), limits, true);
    assert_eq!(first.outcome, Outcome::CpuLimit { fuel: 1_000_000 });
    let second = run_module(&fixture("loop.wat"), limits, true);
    assert_eq!(
        first.resources.fuel_consumed,
        second.resources.fuel_consumed
    );
}

#[test]
fn growing_memory_past_the_limit_then_aborting_is_a_memory_limit_not_a_crash() {
    let limits = Limits {
        memory_bytes: 8 * MIB,
        ..Limits::DEFAULT
    };
    let observed = run_module(&fixture("memory_bomb.wat"), limits, false);
    assert_eq!(
        observed.outcome,
        Outcome::MemoryLimit {
            limit_bytes: 8 * MIB
        }
    );
    assert!(observed.resources.peak_memory_bytes <= 8 * MIB);
}

#[test]
fn an_output_flood_is_stopped_at_the_limit() {
    let limits = Limits {
        output_bytes: 100_000,
        ..Limits::DEFAULT
    };
    let started = Instant::now();
    let observed = run_module(&fixture("flood.wat"), limits, false);
    assert_eq!(
        observed.outcome,
        Outcome::OutputLimit {
            stream: Stream::Stdout,
            limit_bytes: 100_000
        }
    );
    assert_eq!(observed.stdout.len(), 100_000, "exactly the limit is kept");
    assert!(started.elapsed() < Duration::from_secs(5));
}

#[test]
fn deep_recursion_is_a_stack_overflow() {
    let observed = run_module(&fixture("recursion.wat"), Limits::DEFAULT, false);
    assert_eq!(observed.outcome, Outcome::StackOverflow);
}

#[test]
fn traps_carry_their_kind() {
    let observed = run_module(&fixture("divide_by_zero.wat"), Limits::DEFAULT, false);
    match observed.outcome {
        Outcome::Trap { kind, .. } => assert_eq!(kind, "integer_division_by_zero"),
        other => panic!("expected a trap, got {other:?}"),
    }
}

#[test]
fn unknown_imports_and_non_modules_are_invalid_programs() {
    let sandbox = cleanroom::sandbox::WasmSandbox::new(Default::default()).unwrap();
    let unknown = std::fs::read(fixture("unknown_import.wat")).unwrap();
    let error = sandbox.load(&unknown).err().expect("refused");
    assert!(error.contains("launch_missiles"), "{error}");
    let text = std::fs::read(fixture("not_a_module.txt")).unwrap();
    assert!(sandbox.load(&text).is_err());
}

#[test]
fn limits_hold_with_the_pooling_allocator_and_slots_are_reused() {
    use cleanroom::sandbox::SandboxOptions;
    let options = SandboxOptions {
        pooling_slots: Some(2),
        ..SandboxOptions::default()
    };
    let limits = Limits {
        memory_bytes: 8 * MIB,
        ..Limits::DEFAULT
    };
    // More runs than slots: each run's instance goes back to the pool.
    for _ in 0..5 {
        let observed = crate::support::run_in(
            options.clone(),
            &fixture("memory_bomb.wat"),
            limits,
            "p/q",
            &[],
        );
        assert_eq!(
            observed.outcome,
            Outcome::MemoryLimit {
                limit_bytes: 8 * MIB
            }
        );
    }
    let observed = crate::support::run_in(
        options,
        &fixture("recursion.wat"),
        Limits::DEFAULT,
        "p/q",
        &[],
    );
    assert_eq!(observed.outcome, Outcome::StackOverflow);
}

#[test]
fn a_malformed_wasi_call_is_the_programs_crash_not_an_evaluator_error() {
    let observed = run_module(&fixture("bad_pointer.wat"), Limits::DEFAULT, false);
    match observed.outcome {
        Outcome::Trap { kind, message } => {
            assert_eq!(kind, "invalid_host_call");
            assert!(message.contains("out of bounds"), "{message}");
        }
        other => panic!("expected a trap, got {other:?}"),
    }
}
