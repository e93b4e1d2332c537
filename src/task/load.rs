//! Reads `task.toml` and `tests/*.toml` into [`Task`], validating everything a run relies
//! on so that later stages never see a malformed case.

use std::collections::{BTreeMap, HashMap};
use std::path::{Component, Path, PathBuf};
use std::time::Duration;

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD as BASE64;
use serde::Deserialize;
use toml::Spanned;

use super::error::TaskError;
use super::model::{
    Candidate, CandidateOrigin, Case, CaseFile, CompareMode, CompareRules, Expectation,
    ExpectedFile, ProgramSource, Task, Visibility,
};
use crate::build::{BuildPlan, CommandRecipe, CrateRecipe, DEFAULT_RECIPE_TIMEOUT, Toolchain};
use crate::limits::{Limits, MIB};

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawTask {
    id: String,
    program: String,
    summary: String,
    reference: Spanned<RawProgram>,
    #[serde(default)]
    candidates: BTreeMap<String, Spanned<RawProgram>>,
    #[serde(default)]
    limits: RawLimits,
    #[serde(default)]
    compare: RawCompare,
}

/// `[reference]` and `[candidates.NAME]`.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawProgram {
    cargo: Option<String>,
    wasm: Option<String>,
    command: Option<String>,
    native: Option<String>,
    #[serde(rename = "crate")]
    krate: Option<RawCrate>,
    needs: Option<Vec<String>>,
    build_time: Option<String>,
    timeout_minutes: Option<u64>,
    on_request: Option<bool>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawCrate {
    name: String,
    version: String,
    bin: Option<String>,
    #[serde(default)]
    features: Vec<String>,
    #[serde(default = "yes")]
    default_features: bool,
    #[serde(default = "yes")]
    locked: bool,
}

fn yes() -> bool {
    true
}

#[derive(Deserialize, Default, Clone, Copy)]
#[serde(deny_unknown_fields)]
struct RawLimits {
    timeout_ms: Option<u64>,
    memory_mib: Option<u64>,
    output_bytes: Option<u64>,
    fuel: Option<u64>,
    disk_mib: Option<u64>,
    max_files: Option<u64>,
}

#[derive(Deserialize, Default, Clone)]
#[serde(deny_unknown_fields)]
struct RawCompare {
    stdout: Option<String>,
    stderr: Option<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawCaseFile {
    #[serde(default)]
    case: Vec<Spanned<RawCase>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawCase {
    name: String,
    #[serde(default)]
    args: Vec<String>,
    stdin: Option<String>,
    stdin_base64: Option<String>,
    #[serde(default)]
    env: BTreeMap<String, String>,
    #[serde(default)]
    files: toml::Table,
    limits: Option<RawLimits>,
    compare: Option<RawCompare>,
    visibility: Option<String>,
    expect: Option<RawExpect>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawExpect {
    exit: i32,
    stdout: Option<String>,
    stdout_base64: Option<String>,
    stderr: Option<String>,
    stderr_base64: Option<String>,
    #[serde(default)]
    files: toml::Table,
}

/// Every task folder directly under `root` (a folder holding a `task.toml`), sorted by name.
pub fn discover_tasks(root: &Path) -> Result<Vec<PathBuf>, TaskError> {
    let entries = std::fs::read_dir(root).map_err(|err| {
        TaskError::new(root, None, format!("cannot read the tasks folder: {err}"))
            .help("pass task folders explicitly, or run from a directory that has `wasm-tasks/`")
    })?;
    let mut dirs: Vec<PathBuf> = entries
        .filter_map(|entry| entry.ok().map(|e| e.path()))
        .filter(|path| path.join("task.toml").is_file())
        .collect();
    dirs.sort();
    Ok(dirs)
}

/// Reads one task folder.
pub fn load_task(dir: &Path) -> Result<Task, TaskError> {
    let manifest_path = dir.join("task.toml");
    let text = read_text(&manifest_path)
        .map_err(|err| err.help("a task folder needs a task.toml; see docs/task-format.md"))?;
    let raw: RawTask =
        toml::from_str(&text).map_err(|err| TaskError::from_toml(&manifest_path, &text, &err))?;
    let at = |offset: usize| Some(super::error::line_of(&text, offset));

    if raw.id.is_empty()
        || !raw
            .id
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "._-".contains(c))
    {
        return Err(TaskError::new(
            &manifest_path,
            line_of_key(&text, "id"),
            format!("invalid task id {:?}", raw.id),
        )
        .help("use letters, digits, '.', '_' and '-' only"));
    }
    if raw.program.is_empty() {
        return Err(TaskError::new(
            &manifest_path,
            line_of_key(&text, "program"),
            "`program` is empty",
        )
        .help("set it to the name the program calls itself (its argv[0])"));
    }

    let reference_line = at(raw.reference.span().start);
    let reference = program_source(
        dir,
        &manifest_path,
        "[reference]",
        raw.reference.into_inner(),
        reference_line,
    )?;

    let mut candidates = discover_candidates(&dir.join("candidates"))?;
    for (name, table) in raw.candidates {
        let line = at(table.span().start);
        let table_name = format!("[candidates.{name}]");
        if name.is_empty()
            || !name
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || "._-".contains(c))
        {
            return Err(TaskError::new(
                &manifest_path,
                line,
                format!("invalid candidate name {name:?}"),
            )
            .help("use letters, digits, '.', '_' and '-' only"));
        }
        if candidates.iter().any(|c| c.name == name) {
            return Err(TaskError::new(
                &manifest_path,
                line,
                format!("{table_name} has the same name as an entry of candidates/"),
            )
            .help("rename one of them: reports tell candidates apart by name"));
        }
        let table = table.into_inner();
        let on_request = table.on_request.unwrap_or(false);
        let source = program_source(dir, &manifest_path, &table_name, table, line)?;
        candidates.push(Candidate {
            name,
            origin: CandidateOrigin::Declared(source),
            on_request,
        });
    }
    candidates.sort_by(|a, b| a.name.cmp(&b.name));

    let limits_line = line_of_key(&text, "[limits]");
    let limits = merge_limits(Limits::DEFAULT, &raw.limits)
        .map_err(|message| TaskError::new(&manifest_path, limits_line, message))?;
    let compare = merge_compare(CompareRules::default(), &raw.compare).map_err(|message| {
        TaskError::new(&manifest_path, line_of_key(&text, "[compare]"), message)
    })?;

    let mut case_files = load_case_files(dir, limits, compare)?;
    if case_files.iter().all(|file| file.cases.is_empty()) {
        return Err(
            TaskError::new(&dir.join("tests"), None, "the task has no cases")
                .help("add [[case]] tables to tests/*.toml; see docs/task-format.md"),
        );
    }

    let ignored = {
        let ids: std::collections::HashSet<&str> = case_files
            .iter()
            .flat_map(|file| file.cases.iter().map(|case| case.id.as_str()))
            .collect();
        super::ignore::load(dir, &ids)?
    };
    let (ignored, stale_ignores) = (ignored.entries, ignored.stale);
    let reasons = super::ignore::by_case(&ignored);
    for case in case_files.iter_mut().flat_map(|file| file.cases.iter_mut()) {
        if let Some(found) = reasons.get(&case.id) {
            case.ignored = found.clone();
        }
    }

    Ok(Task {
        id: raw.id,
        program: raw.program,
        summary: raw.summary,
        dir: dir.to_path_buf(),
        reference,
        limits,
        compare,
        case_files,
        candidates,
        ignored,
        stale_ignores,
    })
}

/// Reads a `[reference]` or `[candidates.NAME]` table.
fn program_source(
    dir: &Path,
    manifest_path: &Path,
    table_name: &str,
    raw: RawProgram,
    line: Option<usize>,
) -> Result<ProgramSource, TaskError> {
    let error = |message: String| TaskError::new(manifest_path, line, message);
    let mut given: Vec<&str> = [
        ("cargo", raw.cargo.is_some()),
        ("wasm", raw.wasm.is_some()),
        ("command", raw.command.is_some()),
        ("native", raw.native.is_some()),
        ("crate", raw.krate.is_some()),
    ]
    .into_iter()
    .filter_map(|(key, present)| present.then_some(key))
    .collect();
    if given.len() != 1 {
        let found = if given.is_empty() {
            "none".to_string()
        } else {
            given
                .iter()
                .map(|k| format!("`{k}`"))
                .collect::<Vec<_>>()
                .join(", ")
        };
        return Err(error(format!(
            "{table_name} must have exactly one of `cargo`, `wasm`, `command`, `native` or `crate`, found {found}"
        ))
        .help("e.g. `cargo = \"reference\"` for a Cargo package in the task folder"));
    }
    let kind = given.remove(0);
    if table_name == "[reference]" && raw.on_request.is_some() {
        return Err(error("[reference] cannot have `on_request`".into())
            .help("`on_request` marks slow candidates; the reference is only built by record, run and check"));
    }
    let recipe_kind = matches!(kind, "command" | "crate");
    if !recipe_kind && (raw.build_time.is_some() || raw.timeout_minutes.is_some()) {
        return Err(error(format!(
            "{table_name}: `build_time` and `timeout_minutes` apply to `command` and `crate` builds only"
        ))
        .help("remove them"));
    }
    if kind != "command" && raw.needs.is_some() {
        return Err(error(format!(
            "{table_name}: `needs` applies to `command` builds only"
        ))
        .help("remove it"));
    }
    let plan = BuildPlan {
        build_time: raw.build_time,
        timeout: match raw.timeout_minutes {
            None => DEFAULT_RECIPE_TIMEOUT,
            Some(0) => {
                return Err(error(format!(
                    "{table_name}: `timeout_minutes` must be at least 1"
                ))
                .help("leave it out for the default of 30 minutes"));
            }
            Some(minutes) => Duration::from_secs(minutes.saturating_mul(60)),
        },
    };
    if let Some(krate) = raw.krate {
        let name_ok = !krate.name.is_empty()
            && krate
                .name
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || "_-".contains(c));
        if !name_ok {
            return Err(
                error(format!("{table_name}: invalid crate name {:?}", krate.name))
                    .help("the name as published on crates.io, e.g. \"ripgrep\""),
            );
        }
        if !is_exact_version(&krate.version) {
            return Err(error(format!(
                "{table_name}: crate version {:?} is not an exact version",
                krate.version
            ))
            .help(
                "pin an exact version such as \"15.2.0\": a reference must not change under you",
            ));
        }
        return Ok(ProgramSource::Crate(CrateRecipe {
            name: krate.name,
            version: krate.version,
            bin: krate.bin,
            features: krate.features,
            default_features: krate.default_features,
            locked: krate.locked,
            plan,
        }));
    }
    let relative = [raw.cargo, raw.wasm, raw.command, raw.native]
        .into_iter()
        .flatten()
        .next()
        .expect("exactly one kind is given");
    let path = inside_task(dir, &relative).map_err(|message| {
        error(format!("{table_name} {kind} = {relative:?}: {message}"))
            .help("paths in task.toml are relative to the task folder and stay inside it")
    })?;
    if !path.exists() {
        return Err(error(format!(
            "{table_name}: the {kind} {:?} does not exist",
            path.display().to_string()
        ))
        .help(format!(
            "fix the path in {table_name} or add the missing file"
        )));
    }
    Ok(match kind {
        "cargo" => ProgramSource::Cargo(path),
        "wasm" => ProgramSource::Wasm(path),
        "native" => ProgramSource::Native(path),
        _ => {
            let mut needs = Vec::new();
            for name in raw.needs.unwrap_or_default() {
                let Some(toolchain) = Toolchain::from_name(&name) else {
                    return Err(error(format!(
                        "{table_name}: unknown toolchain {name:?} in `needs`"
                    ))
                    .help(format!(
                        "known toolchains: {}",
                        Toolchain::ALL.map(Toolchain::name).join(", ")
                    )));
                };
                needs.push(toolchain);
            }
            needs.sort();
            needs.dedup();
            ProgramSource::Command(CommandRecipe {
                script: path,
                needs,
                plan,
            })
        }
    })
}

/// `1.2.3`, `1.2.3-rc.1`: what `cargo install NAME@VERSION` treats as one exact version.
fn is_exact_version(version: &str) -> bool {
    let core = version.split(['-', '+']).next().unwrap_or_default();
    let parts: Vec<&str> = core.split('.').collect();
    parts.len() == 3
        && parts
            .iter()
            .all(|p| !p.is_empty() && p.chars().all(|c| c.is_ascii_digit()))
}

/// Entries of `candidates/` (folders, `.wasm` and `.wat` files), sorted by name.
fn discover_candidates(dir: &Path) -> Result<Vec<Candidate>, TaskError> {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return Ok(Vec::new());
    };
    let mut found: Vec<Candidate> = entries
        .filter_map(|entry| entry.ok().map(|e| e.path()))
        .filter(|path| {
            path.is_dir()
                || path
                    .extension()
                    .is_some_and(|ext| ext == "wasm" || ext == "wat")
        })
        .filter_map(|path| {
            Some(Candidate {
                name: path.file_stem()?.to_string_lossy().into_owned(),
                origin: CandidateOrigin::Path(path),
                on_request: false,
            })
        })
        .collect();
    found.sort_by(|a, b| a.name.cmp(&b.name));
    // `x.wasm` and `x/` would both be reported as candidate `x`.
    if let Some(pair) = found.windows(2).find(|pair| pair[0].name == pair[1].name) {
        let path = |c: &Candidate| match &c.origin {
            CandidateOrigin::Path(path) => path.display().to_string(),
            CandidateOrigin::Declared(_) => c.name.clone(),
        };
        return Err(TaskError::new(
            dir,
            None,
            format!(
                "{} and {} would both be candidate {:?}",
                path(&pair[0]),
                path(&pair[1]),
                pair[0].name
            ),
        )
        .help("rename one: reports tell candidates apart by name"));
    }
    Ok(found)
}

fn load_case_files(
    dir: &Path,
    limits: Limits,
    compare: CompareRules,
) -> Result<Vec<CaseFile>, TaskError> {
    let tests_dir = dir.join("tests");
    let entries = std::fs::read_dir(&tests_dir).map_err(|err| {
        TaskError::new(
            &tests_dir,
            None,
            format!("cannot read the tests folder: {err}"),
        )
        .help("a task keeps its cases in tests/*.toml")
    })?;
    let mut paths: Vec<PathBuf> = entries
        .filter_map(|entry| entry.ok().map(|e| e.path()))
        .filter(|path| path.extension().is_some_and(|ext| ext == "toml") && path.is_file())
        .collect();
    paths.sort();
    paths
        .iter()
        .map(|path| load_case_file(path, limits, compare))
        .collect()
}

fn load_case_file(
    path: &Path,
    task_limits: Limits,
    task_compare: CompareRules,
) -> Result<CaseFile, TaskError> {
    let text = read_text(path)?;
    let raw: RawCaseFile =
        toml::from_str(&text).map_err(|err| TaskError::from_toml(path, &text, &err))?;
    let stem = path
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_default();
    let lines = super::error::LineIndex::new(&text);
    let mut first_line_of: HashMap<String, usize> = HashMap::new();
    let mut cases = Vec::with_capacity(raw.case.len());
    for spanned in raw.case {
        let line = lines.line(spanned.span().start);
        let raw_case = spanned.into_inner();
        let fail = |message: String| TaskError::new(path, Some(line), message);
        let name = raw_case.name.clone();
        if name.is_empty() || name.contains('/') || name.chars().any(char::is_control) {
            return Err(fail(format!("invalid case name {name:?}"))
                .help("use a non-empty name without '/'"));
        }
        if let Some(first) = first_line_of.insert(name.clone(), line) {
            return Err(fail(format!(
                "duplicate case name {name:?} (first defined at line {first})"
            ))
            .help("case names must be unique within a file"));
        }
        let case = build_case(&stem, raw_case, line, task_limits, task_compare)
            .map_err(|message| fail(format!("case {name:?}: {message}")))?;
        cases.push(case);
    }
    Ok(CaseFile {
        path: path.to_path_buf(),
        stem,
        cases,
    })
}

fn build_case(
    stem: &str,
    raw: RawCase,
    line: usize,
    task_limits: Limits,
    task_compare: CompareRules,
) -> Result<Case, String> {
    let stdin = match (raw.stdin, raw.stdin_base64) {
        (Some(_), Some(_)) => return Err("give either `stdin` or `stdin_base64`, not both".into()),
        (Some(text), None) => text.into_bytes(),
        (None, Some(encoded)) => {
            decode_base64(&encoded).map_err(|e| format!("stdin_base64: {e}"))?
        }
        (None, None) => Vec::new(),
    };
    for arg in &raw.args {
        if arg.contains('\0') {
            return Err("an argument contains a NUL byte".into());
        }
    }
    for (key, value) in &raw.env {
        if key.is_empty() || key.contains('=') || key.contains('\0') || value.contains('\0') {
            return Err(format!(
                "invalid environment variable {key:?}: names are non-empty without '=' or NUL"
            ));
        }
    }
    let mut files = Vec::with_capacity(raw.files.len());
    for (file_path, value) in &raw.files {
        let file_path =
            validate_guest_path(file_path).map_err(|e| format!("files.{file_path:?}: {e}"))?;
        let content =
            match parse_content(value, false).map_err(|e| format!("files.{file_path:?}: {e}"))? {
                ExpectedFile::Content(bytes) => bytes,
                _ => unreachable!("parse_content(allow_digest = false) only returns content"),
            };
        files.push((file_path, content));
    }
    for (i, (a, _)) in files.iter().enumerate() {
        for (b, _) in &files[i + 1..] {
            let (short, long) = if a.len() < b.len() { (a, b) } else { (b, a) };
            if long.starts_with(short.as_str()) && long.as_bytes().get(short.len()) == Some(&b'/') {
                return Err(format!(
                    "files {short:?} and {long:?} clash: a path cannot be both a file and a folder"
                ));
            }
        }
    }
    let limits = match &raw.limits {
        Some(overrides) => {
            merge_limits(task_limits, overrides).map_err(|e| format!("limits: {e}"))?
        }
        None => task_limits,
    };
    let compare = match &raw.compare {
        Some(overrides) => merge_compare(task_compare, overrides)?,
        None => task_compare,
    };
    let visibility = match raw.visibility.as_deref() {
        None | Some("hidden") => Visibility::Hidden,
        Some("public") => Visibility::Public,
        Some(other) => {
            return Err(format!(
                "visibility must be \"hidden\" or \"public\", not {other:?}"
            ));
        }
    };
    let expect = raw
        .expect
        .map(build_expectation)
        .transpose()
        .map_err(|e| format!("expect: {e}"))?;
    Ok(Case {
        id: format!("{stem}/{}", raw.name),
        name: raw.name,
        line,
        args: raw.args,
        stdin,
        env: raw.env.into_iter().collect(),
        files,
        limits,
        compare,
        visibility,
        expect,
        ignored: Vec::new(),
    })
}

fn build_expectation(raw: RawExpect) -> Result<Expectation, String> {
    let stream = |text: Option<String>,
                  encoded: Option<String>,
                  name: &str|
     -> Result<Vec<u8>, String> {
        match (text, encoded) {
            (Some(_), Some(_)) => Err(format!("give either `{name}` or `{name}_base64`, not both")),
            (Some(text), None) => Ok(text.into_bytes()),
            (None, Some(encoded)) => {
                decode_base64(&encoded).map_err(|e| format!("{name}_base64: {e}"))
            }
            (None, None) => Ok(Vec::new()),
        }
    };
    let stdout = stream(raw.stdout, raw.stdout_base64, "stdout")?;
    let stderr = stream(raw.stderr, raw.stderr_base64, "stderr")?;
    let mut files = BTreeMap::new();
    for (file_path, value) in &raw.files {
        let file_path =
            validate_guest_path(file_path).map_err(|e| format!("files.{file_path:?}: {e}"))?;
        let expected =
            parse_content(value, true).map_err(|e| format!("files.{file_path:?}: {e}"))?;
        files.insert(file_path, expected);
    }
    Ok(Expectation {
        exit: raw.exit,
        stdout,
        stderr,
        files,
    })
}

/// A file's content: a string, `{ base64 = "…" }`, and in expectations also
/// `{ sha256 = "…", size = N }` or `{ deleted = true }`.
fn parse_content(value: &toml::Value, allow_digest: bool) -> Result<ExpectedFile, String> {
    let forms = if allow_digest {
        "a string, { base64 = \"…\" }, { sha256 = \"…\", size = N } or { deleted = true }"
    } else {
        "a string or { base64 = \"…\" }"
    };
    match value {
        toml::Value::String(text) => Ok(ExpectedFile::Content(text.clone().into_bytes())),
        toml::Value::Table(table) => {
            let keys: Vec<&str> = table.keys().map(String::as_str).collect();
            match keys.as_slice() {
                ["base64"] => match &table["base64"] {
                    toml::Value::String(encoded) => {
                        decode_base64(encoded).map(ExpectedFile::Content)
                    }
                    _ => Err("base64 must be a string".into()),
                },
                ["deleted"] if allow_digest => match table["deleted"] {
                    toml::Value::Boolean(true) => Ok(ExpectedFile::Deleted),
                    _ => Err("deleted must be true".into()),
                },
                ["sha256", "size"] | ["size", "sha256"] if allow_digest => {
                    let digest = table["sha256"].as_str().ok_or("sha256 must be a string")?;
                    let sha256 = parse_hex_digest(digest).ok_or("sha256 must be 64 hex digits")?;
                    let size = table["size"]
                        .as_integer()
                        .filter(|n| *n >= 0)
                        .ok_or("size must be a non-negative integer")?;
                    Ok(ExpectedFile::Digest {
                        sha256,
                        size: size as u64,
                    })
                }
                _ => Err(format!("expected {forms}")),
            }
        }
        _ => Err(format!("expected {forms}")),
    }
}

fn parse_hex_digest(text: &str) -> Option<[u8; 32]> {
    if text.len() != 64 {
        return None;
    }
    let mut out = [0u8; 32];
    for (i, byte) in out.iter_mut().enumerate() {
        *byte = u8::from_str_radix(text.get(2 * i..2 * i + 2)?, 16).ok()?;
    }
    Some(out)
}

fn decode_base64(encoded: &str) -> Result<Vec<u8>, String> {
    let compact: String = encoded
        .chars()
        .filter(|c| !c.is_ascii_whitespace())
        .collect();
    BASE64
        .decode(compact)
        .map_err(|err| format!("invalid base64 ({err})"))
}

fn merge_limits(base: Limits, raw: &RawLimits) -> Result<Limits, String> {
    let mut limits = base;
    if let Some(ms) = raw.timeout_ms {
        if ms == 0 {
            return Err("timeout_ms must be at least 1".into());
        }
        limits.timeout = Duration::from_millis(ms);
    }
    if let Some(mib) = raw.memory_mib {
        if mib == 0 || mib > 4096 {
            return Err(
                "memory_mib must be between 1 and 4096 (wasm32 memories are at most 4 GiB)".into(),
            );
        }
        limits.memory_bytes = mib * MIB;
    }
    if let Some(bytes) = raw.output_bytes {
        if bytes > 1024 * MIB {
            return Err("output_bytes must be at most 1 GiB".into());
        }
        limits.output_bytes = bytes;
    }
    if raw.fuel.is_some() {
        limits.fuel = raw.fuel;
    }
    if let Some(mib) = raw.disk_mib {
        if mib > 4096 {
            return Err("disk_mib must be at most 4096".into());
        }
        limits.disk_bytes = mib * MIB;
    }
    if let Some(files) = raw.max_files {
        if files == 0 || files > 1_000_000 {
            return Err("max_files must be between 1 and 1000000".into());
        }
        limits.max_files = files;
    }
    Ok(limits)
}

fn merge_compare(base: CompareRules, raw: &RawCompare) -> Result<CompareRules, String> {
    let parse =
        |field: &str, name: &Option<String>, current: CompareMode| -> Result<CompareMode, String> {
            match name {
                None => Ok(current),
                Some(name) => CompareMode::parse(name).ok_or_else(|| {
                    format!(
                        "compare.{field} = {name:?} is not a comparison; use one of {}",
                        CompareMode::NAMES.join(", ")
                    )
                }),
            }
        };
    Ok(CompareRules {
        stdout: parse("stdout", &raw.stdout, base.stdout)?,
        stderr: parse("stderr", &raw.stderr, base.stderr)?,
    })
}

/// A path the guest sees: relative, `/`-separated, without `.`/`..`/empty components.
fn validate_guest_path(path: &str) -> Result<String, String> {
    if path.is_empty() {
        return Err("the path is empty".into());
    }
    if path.starts_with('/') || path.contains('\\') || path.contains('\0') || path.len() > 1024 {
        return Err("paths must be relative, use '/', and be at most 1024 bytes".into());
    }
    if path
        .split('/')
        .any(|part| part.is_empty() || part == "." || part == "..")
    {
        return Err("paths may not contain empty, '.' or '..' components".into());
    }
    Ok(path.to_string())
}

/// `relative` joined to the task folder, refusing anything that leaves it.
fn inside_task(dir: &Path, relative: &str) -> Result<PathBuf, String> {
    let path = Path::new(relative);
    if relative.is_empty() {
        return Err("the path is empty".into());
    }
    if path
        .components()
        .any(|c| !matches!(c, Component::Normal(_) | Component::CurDir))
    {
        return Err("the path leaves the task folder".into());
    }
    Ok(dir.join(path))
}

fn read_text(path: &Path) -> Result<String, TaskError> {
    let bytes = std::fs::read(path)
        .map_err(|err| TaskError::new(path, None, format!("cannot read the file: {err}")))?;
    String::from_utf8(bytes).map_err(|err| {
        let line = super::error::line_of(
            &String::from_utf8_lossy(err.as_bytes()),
            err.utf8_error().valid_up_to(),
        );
        TaskError::new(path, Some(line), "the file is not valid UTF-8")
            .help("TOML files must be UTF-8; use base64 forms for bytes")
    })
}

/// The line of the first line that starts with `key` (for errors serde cannot locate).
fn line_of_key(text: &str, key: &str) -> Option<usize> {
    text.lines()
        .position(|line| line.trim_start().starts_with(key))
        .map(|i| i + 1)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn guest_paths_are_confined() {
        assert!(validate_guest_path("a/b.txt").is_ok());
        for bad in ["", "/etc/passwd", "../x", "a/../b", "a//b", "./a", "a\\b"] {
            assert!(
                validate_guest_path(bad).is_err(),
                "{bad:?} should be refused"
            );
        }
    }

    #[test]
    fn digests_parse_only_when_well_formed() {
        assert_eq!(parse_hex_digest(&"ab".repeat(32)), Some([0xab; 32]));
        assert_eq!(parse_hex_digest("abc"), None);
        assert_eq!(parse_hex_digest(&"zz".repeat(32)), None);
    }
}
