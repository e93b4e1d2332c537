//! `export-web`: a task as static files for the web demo (`web-demo/`): the reference and
//! candidate modules (built as `eval` builds them), every case with its expectation and
//! limits, and the task's docs. JSON bytes use the judge's wire form (base64); the page
//! judges with the same code compiled to WebAssembly. Format: docs/web-demo.md.

use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::build::{self, ArtifactKind, Source};
use crate::runner::Settings;
use crate::task::{Case, CompareRules, Expectation, Task, Visibility, hex_digest};

/// Bumped when a field of the bundle changes meaning.
pub const BUNDLE_VERSION: u32 = 1;

/// `DIR/index.json`: the exported tasks (merged with what the folder already lists).
#[derive(Debug, Default, Serialize, Deserialize)]
pub struct Index {
    pub format_version: u32,
    pub tasks: Vec<IndexEntry>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct IndexEntry {
    pub id: String,
    pub summary: String,
    /// `<id>/task.json`, relative to the index.
    pub path: String,
    pub cases: usize,
}

/// `DIR/<id>/task.json`.
#[derive(Debug, Serialize)]
pub struct TaskBundle {
    pub format_version: u32,
    pub id: String,
    pub program: String,
    pub summary: String,
    /// The reference module (`reference.wasm`), when it is a wasm module that built.
    pub reference: Option<Module>,
    pub candidates: Vec<Module>,
    /// Candidates and references that cannot run in a browser, and why.
    pub skipped: Vec<Skipped>,
    pub docs: Vec<Doc>,
    pub cases: Vec<CaseBundle>,
}

#[derive(Debug, Serialize)]
pub struct Module {
    pub name: String,
    /// Relative to the task's folder in the bundle.
    pub file: String,
    pub sha256: String,
    pub bytes: usize,
}

#[derive(Debug, Serialize)]
pub struct Skipped {
    pub name: String,
    pub reason: String,
}

#[derive(Debug, Serialize)]
pub struct Doc {
    pub path: String,
    pub text: String,
}

#[derive(Debug, Serialize)]
pub struct CaseBundle {
    pub id: String,
    pub visibility: &'static str,
    pub args: Vec<String>,
    #[serde(with = "cleanroom_judge::wire::base64_bytes")]
    pub stdin: Vec<u8>,
    pub env: Vec<(String, String)>,
    pub files: Vec<FileBundle>,
    pub limits: LimitsBundle,
    pub rules: CompareRules,
    pub expect: Option<Expectation>,
    /// Why the case is left out of scoring (`ignore.toml`); empty for scored cases.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub ignored: Vec<String>,
}

#[derive(Debug, Serialize)]
pub struct FileBundle {
    pub path: String,
    #[serde(with = "cleanroom_judge::wire::base64_bytes")]
    pub content: Vec<u8>,
}

#[derive(Debug, Serialize)]
pub struct LimitsBundle {
    pub timeout_ms: u64,
    pub memory_bytes: u64,
    pub output_bytes: u64,
    pub fuel: Option<u64>,
    pub disk_bytes: u64,
    pub max_files: u64,
}

/// What one task's export did, for the command's output.
pub struct Exported {
    pub id: String,
    pub dir: PathBuf,
    pub modules: usize,
    pub skipped: Vec<Skipped>,
    pub cases: usize,
}

/// Writes `task` under `out/<id>/` and adds it to `out/index.json`.
pub fn export(
    task: &Task,
    out: &Path,
    settings: &Settings,
    notify: &mut dyn FnMut(String),
) -> Result<Exported, String> {
    let dir = out.join(&task.id);
    let io = |what: &str, path: &Path, err: std::io::Error| {
        format!("cannot {what} {}: {err}", path.display())
    };
    std::fs::create_dir_all(dir.join("candidates")).map_err(|err| io("create", &dir, err))?;
    let mut skipped = Vec::new();
    // Builds one program as `eval` would and writes its module; `Ok(Err(_))` when it
    // cannot run in a browser.
    let mut write_module = |name: &str, file: String, source: Result<Source, build::BuildError>| {
        let skip = |reason: String| {
            Ok(Err(Skipped {
                name: name.to_string(),
                reason,
            }))
        };
        let artifact =
            match source.and_then(|source| build::build(&source, &settings.cache, notify)) {
                Ok(built) => built.artifact,
                Err(err) => return skip(format!("did not build: {err}")),
            };
        if artifact.kind == ArtifactKind::Native {
            return skip("a native executable cannot run in a browser".into());
        }
        // `.wat` text becomes a binary module; binary modules pass through unchanged.
        let bytes = match wat::parse_bytes(&artifact.bytes) {
            Ok(bytes) => bytes.into_owned(),
            Err(_) => artifact.bytes.clone(),
        };
        let path = dir.join(&file);
        std::fs::write(&path, &bytes).map_err(|err| io("write", &path, err))?;
        Ok::<_, String>(Ok(Module {
            name: name.to_string(),
            sha256: hex_digest(&artifact.sha256),
            bytes: bytes.len(),
            file,
        }))
    };
    let reference = match write_module(
        "reference",
        "reference.wasm".into(),
        task.reference.build_source(),
    )? {
        Ok(module) => Some(module),
        Err(skip) => {
            skipped.push(skip);
            None
        }
    };
    // The candidates `eval` evaluates by default; on-request ones (slow builds) are listed.
    let mut candidates = Vec::new();
    for candidate in &task.candidates {
        if candidate.on_request {
            skipped.push(Skipped {
                name: candidate.name.clone(),
                reason: "built on request only (cleanroom eval --only NAME)".into(),
            });
            continue;
        }
        let file = format!("candidates/{}.wasm", candidate.name);
        match write_module(&candidate.name, file, candidate.origin.build_source())? {
            Ok(module) => candidates.push(module),
            Err(skip) => skipped.push(skip),
        }
    }
    let bundle = TaskBundle {
        format_version: BUNDLE_VERSION,
        id: task.id.clone(),
        program: task.program.clone(),
        summary: task.summary.clone(),
        reference,
        candidates,
        skipped,
        docs: read_docs(&task.dir.join("docs")),
        cases: task.cases().map(case_bundle).collect(),
    };
    let modules = bundle.candidates.len() + usize::from(bundle.reference.is_some());
    write_json(&dir.join("task.json"), &bundle)?;

    let index_path = out.join("index.json");
    let mut index: Index = std::fs::read(&index_path)
        .ok()
        .and_then(|bytes| serde_json::from_slice(&bytes).ok())
        .unwrap_or_default();
    index.format_version = BUNDLE_VERSION;
    index.tasks.retain(|entry| entry.id != task.id);
    index.tasks.push(IndexEntry {
        id: task.id.clone(),
        summary: task.summary.clone(),
        path: format!("{}/task.json", task.id),
        cases: bundle.cases.len(),
    });
    index.tasks.sort_by(|a, b| a.id.cmp(&b.id));
    write_json(&index_path, &index)?;
    Ok(Exported {
        id: task.id.clone(),
        dir,
        modules,
        skipped: bundle.skipped,
        cases: bundle.cases.len(),
    })
}

fn case_bundle(case: &Case) -> CaseBundle {
    CaseBundle {
        id: case.id.clone(),
        visibility: match case.visibility {
            Visibility::Public => "public",
            Visibility::Hidden => "hidden",
        },
        args: case.args.clone(),
        stdin: case.stdin.clone(),
        env: case.env.clone(),
        files: case
            .files
            .iter()
            .map(|(path, content)| FileBundle {
                path: path.clone(),
                content: content.clone(),
            })
            .collect(),
        limits: LimitsBundle {
            timeout_ms: case.limits.timeout.as_millis() as u64,
            memory_bytes: case.limits.memory_bytes,
            output_bytes: case.limits.output_bytes,
            fuel: case.limits.fuel,
            disk_bytes: case.limits.disk_bytes,
            max_files: case.limits.max_files,
        },
        rules: case.compare,
        expect: case.expect.clone(),
        ignored: case
            .ignored
            .iter()
            .map(|r| r.as_str().to_string())
            .collect(),
    }
}

/// The task's text docs (`docs/**/*.md` and `*.txt`), sorted by path.
fn read_docs(dir: &Path) -> Vec<Doc> {
    let mut docs = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(folder) = stack.pop() {
        let Ok(entries) = std::fs::read_dir(&folder) else {
            continue;
        };
        for entry in entries.flatten() {
            let path = entry.path();
            if path.is_dir() {
                stack.push(path);
            } else if matches!(
                path.extension().and_then(|e| e.to_str()),
                Some("md" | "txt")
            ) && let Ok(text) = std::fs::read_to_string(&path)
            {
                let relative = path.strip_prefix(dir).unwrap_or(&path);
                docs.push(Doc {
                    path: relative.to_string_lossy().replace('\\', "/"),
                    text,
                });
            }
        }
    }
    docs.sort_by(|a, b| a.path.cmp(&b.path));
    docs
}

fn write_json(path: &Path, value: &impl Serialize) -> Result<(), String> {
    let mut text = serde_json::to_string_pretty(value).map_err(|err| err.to_string())?;
    text.push('\n');
    crate::atomic_file::write_atomically(path, text.as_bytes())
        .map_err(|err| format!("cannot write {}: {err}", path.display()))?;
    // Readable by a web server running as another user, like the modules beside it.
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let _ = std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o644));
    }
    Ok(())
}
