//! The in-memory filesystem against wasmtime-wasi's host directories: the same observable
//! behaviour where the host's is deterministic, and a defined order where it is not.

use std::path::PathBuf;
use std::sync::OnceLock;

use cleanroom::build::{self, Cache, Source};
use cleanroom::limits::{Limits, MIB};
use cleanroom::observation::{Observation, Outcome};
use cleanroom::sandbox::{FsMode, SandboxOptions};

use crate::support::{fixture, repo, run_in};

/// The conformance probe guest, built once per test run.
fn probe() -> &'static PathBuf {
    static PROBE: OnceLock<PathBuf> = OnceLock::new();
    PROBE.get_or_init(|| {
        let cache = Cache::locate(Some(
            &PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("cleanroom-cache"),
        ));
        let source = Source::Cargo(repo().join("tests/guests/fsprobe"));
        build::build(&source, &cache, &mut |_| {})
            .expect("the probe builds")
            .artifact
            .path
    })
}

fn run_probe(filesystem: FsMode, case_id: &str) -> Observation {
    let files = vec![
        ("input.txt".to_string(), b"given\n".to_vec()),
        ("sub/nested.txt".to_string(), b"nested\n".to_vec()),
    ];
    let options = SandboxOptions {
        filesystem,
        ..SandboxOptions::default()
    };
    let observed = run_in(options, probe(), Limits::DEFAULT, case_id, &files);
    assert_eq!(
        observed.outcome,
        Outcome::Exited(0),
        "{}",
        String::from_utf8_lossy(&observed.stderr)
    );
    observed
}

fn sections(stdout: &[u8]) -> (String, String) {
    let text = String::from_utf8_lossy(stdout).into_owned();
    let (conformance, rest) = text.split_once("== raw listing\n").expect("both sections");
    let (links, raw) = rest.split_once("files:\n").expect("the listing");
    (format!("{conformance}{links}"), raw.trim().to_string())
}

#[test]
fn every_call_behaves_as_on_wasmtime_host_directories() {
    let memory = run_probe(FsMode::Memory, "fs/probe");
    let host = run_probe(FsMode::Host, "fs/probe");
    let (memory_text, _) = sections(&memory.stdout);
    let (host_text, _) = sections(&host.stdout);
    // Links are defined differently: refused in memory, real on the host.
    let (memory_text, memory_links) = memory_text.split_once("hard link:").expect("link steps");
    let (host_text, _) = host_text.split_once("hard link:").expect("link steps");
    assert_eq!(
        memory_links.trim(),
        "errno 58\nsymlink: errno 58",
        "links are refused with ENOTSUP"
    );
    let differing: Vec<String> = memory_text
        .lines()
        .zip(host_text.lines())
        .filter(|(m, h)| m != h)
        .map(|(m, h)| format!("memory: {m}\n  host: {h}"))
        .collect();
    assert!(
        differing.is_empty(),
        "{} step(s) differ:\n{}",
        differing.len(),
        differing.join("\n")
    );
    assert_eq!(memory_text.lines().count(), host_text.lines().count());
    assert!(
        memory_text.lines().count() > 110,
        "the probe ran to the end"
    );
    // The files left behind are the same too (paths, sizes, contents), but for the
    // link the host made.
    let host_files: Vec<_> = host
        .files
        .iter()
        .filter(|f| f.path != "alias.txt")
        .cloned()
        .collect();
    assert_eq!(memory.files, host_files);
}

#[test]
fn listings_are_sorted_whatever_the_creation_order() {
    let expected: Vec<String> = (0..40).map(|i| format!("f{i:02}")).collect();
    let first = run_probe(FsMode::Memory, "fs/order-a");
    let second = run_probe(FsMode::Memory, "fs/order-b");
    for observed in [&first, &second] {
        let (_, raw) = sections(&observed.stdout);
        assert_eq!(raw.split(' ').collect::<Vec<_>>(), expected);
    }
    // The host lists the same names in its own order; sorted, they agree.
    let (_, host_raw) = sections(&run_probe(FsMode::Host, "fs/order-a").stdout);
    let mut host_names: Vec<&str> = host_raw.split(' ').collect();
    host_names.sort();
    assert_eq!(host_names, expected);
}

#[test]
fn the_same_run_twice_gives_identical_observations() {
    let first = run_probe(FsMode::Memory, "fs/probe");
    let second = run_probe(FsMode::Memory, "fs/probe");
    assert_eq!(first.stdout, second.stdout);
    assert_eq!(first.files, second.files);
}

#[test]
fn a_full_disk_gives_enospc_and_the_case_says_so() {
    let limits = Limits {
        disk_bytes: MIB,
        ..Limits::DEFAULT
    };
    let observed = run_in(
        SandboxOptions::default(),
        &fixture("disk_fill.wat"),
        limits,
        "fs/fill",
        &[],
    );
    assert_eq!(observed.outcome, Outcome::Exited(51), "ENOSPC");
    assert!(observed.resources.disk_quota_hit);
    let big = observed
        .files
        .iter()
        .find(|f| f.path == "big")
        .expect("the file stays");
    match &big.change {
        cleanroom::observation::FileChange::Written { size, .. } => assert_eq!(*size, MIB),
        other => panic!("{other:?}"),
    }
}

#[test]
fn too_many_files_gives_enospc() {
    let limits = Limits {
        max_files: 3,
        ..Limits::DEFAULT
    };
    let files = vec![("a".to_string(), Vec::new()), ("b".to_string(), Vec::new())];
    let observed = run_in(
        SandboxOptions::default(),
        &fixture("disk_fill.wat"),
        limits,
        "fs/files",
        &files,
    );
    assert_eq!(observed.outcome, Outcome::Exited(51));
    assert!(observed.resources.disk_quota_hit);
}
