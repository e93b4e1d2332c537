//! The same input gives the same output, every time: virtual clocks, seeded random,
//! sleeps that cost nothing, and reports that differ only in timings.

use std::time::{Duration, Instant};

use cleanroom::limits::Limits;
use cleanroom::sandbox::{START_WALL_CLOCK_SECS, TICK_NANOS};

use crate::support::{
    cleanroom, fixture, read_json, run, run_module_with, without_timings, wordfreq,
};

fn lines(stdout: &[u8]) -> Vec<u64> {
    String::from_utf8_lossy(stdout)
        .lines()
        .map(|line| u64::from_str_radix(line, 16).unwrap())
        .collect()
}

#[test]
fn clocks_and_random_give_the_same_output_twice() {
    let first = run_module_with(
        &fixture("time_and_random.wat"),
        Limits::DEFAULT,
        false,
        "basic/a",
    );
    let second = run_module_with(
        &fixture("time_and_random.wat"),
        Limits::DEFAULT,
        false,
        "basic/a",
    );
    assert_eq!(first.stdout, second.stdout);
    let values = lines(&first.stdout);
    assert_eq!(values.len(), 5, "{values:?}");
    assert_eq!(
        values[0],
        START_WALL_CLOCK_SECS * 1_000_000_000 + TICK_NANOS,
        "wall clock starts at the documented instant"
    );
    // random_get hands out SplitMix64 outputs little-endian, seeded from the case id:
    // the rule the browser demo must reproduce byte for byte.
    use rand_core::TryRng;
    let mut rng = cleanroom::sandbox::SplitMix64::new(cleanroom::sandbox::seed_for_case("basic/a"));
    assert_eq!(
        [values[3], values[4]],
        [rng.try_next_u64().unwrap(), rng.try_next_u64().unwrap()]
    );
}

#[test]
fn another_case_gets_other_random_bytes_but_the_same_clock() {
    let first = lines(
        &run_module_with(
            &fixture("time_and_random.wat"),
            Limits::DEFAULT,
            false,
            "basic/a",
        )
        .stdout,
    );
    let other = lines(
        &run_module_with(
            &fixture("time_and_random.wat"),
            Limits::DEFAULT,
            false,
            "basic/b",
        )
        .stdout,
    );
    assert_eq!(first[..3], other[..3]);
    assert_ne!(first[3..], other[3..]);
}

#[test]
fn sleeping_an_hour_advances_virtual_time_and_returns_at_once() {
    let started = Instant::now();
    let observed = run_module_with(
        &fixture("time_and_random.wat"),
        Limits::DEFAULT,
        false,
        "x/y",
    );
    assert!(
        started.elapsed() < Duration::from_secs(1),
        "took {:?}",
        started.elapsed()
    );
    let values = lines(&observed.stdout);
    assert!(
        values[2] >= values[1] + 3_600 * 1_000_000_000,
        "monotonic clock after the sleep: {values:?}"
    );
}

#[test]
fn two_evals_of_a_task_give_identical_reports_but_for_timings() {
    let dir = tempfile::tempdir().unwrap();
    let mut reports = Vec::new();
    for name in ["first.json", "second.json"] {
        let path = dir.path().join(name);
        let output = run(cleanroom()
            .arg("eval")
            .arg(wordfreq())
            .arg("--json")
            .arg(&path)
            .arg("--quiet"));
        assert_eq!(
            output.status.code(),
            Some(0),
            "{}",
            String::from_utf8_lossy(&output.stderr)
        );
        reports.push(without_timings(read_json(&path)));
    }
    let [first, second] = [&reports[0], &reports[1]];
    assert_eq!(
        serde_json::to_string_pretty(first).unwrap(),
        serde_json::to_string_pretty(second).unwrap()
    );
}
