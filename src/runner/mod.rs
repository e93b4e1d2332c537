//! Schedules work: builds candidates, runs every case on a rayon pool, judges it, and
//! emits events. Never prints; reporters turn the events into output.

mod check;
mod eval;
mod record;
mod single;

pub use check::{CheckSummary, DUMMIES, check};
pub use eval::{EvalRequest, Selection, evaluate};
pub use record::{CaseRefusal, RecordSummary, record};
pub use single::run_reference;

use crate::build::Cache;

/// A loaded reference or candidate, run by the runner its artifact needs.
#[derive(Clone)]
pub enum Runnable {
    Wasm(crate::sandbox::Program),
    Native(crate::sandbox::native::NativeProgram),
}

impl Runnable {
    /// Loads a built artifact: wasm modules into the sandbox, native executables as they are.
    /// The error is why the program is invalid.
    pub fn load(
        sandbox: &crate::sandbox::WasmSandbox,
        artifact: &crate::build::Artifact,
    ) -> Result<Runnable, String> {
        match artifact.kind {
            crate::build::ArtifactKind::Wasm => sandbox.load(&artifact.bytes).map(Runnable::Wasm),
            crate::build::ArtifactKind::Native => {
                crate::sandbox::native::NativeProgram::load(&artifact.path).map(Runnable::Native)
            }
        }
    }

    pub fn run(
        &self,
        sandbox: &crate::sandbox::WasmSandbox,
        spec: &crate::sandbox::RunSpec<'_>,
    ) -> crate::observation::Observation {
        match self {
            Runnable::Wasm(program) => sandbox.run(program, spec),
            Runnable::Native(program) => crate::sandbox::native::run(program, spec),
        }
    }

    /// `wasm` or `native`, for reports.
    pub fn runner(&self) -> &'static str {
        match self {
            Runnable::Wasm(_) => "wasm",
            Runnable::Native(_) => "native",
        }
    }

    /// Protections this runner cannot give on this machine (reports list them).
    pub fn missing_protections(&self) -> Vec<&'static str> {
        match self {
            Runnable::Wasm(_) => Vec::new(),
            Runnable::Native(_) => crate::isolation::missing_protections(),
        }
    }
}

/// Settings shared by every command that runs programs.
#[derive(Debug, Clone)]
pub struct Settings {
    /// Worker threads for running cases.
    pub jobs: usize,
    pub cache: Cache,
    pub filesystem: crate::sandbox::FsMode,
}

impl Settings {
    /// The sandbox for a run: fuel metered when some case has a fuel limit, compiled
    /// modules kept in the cache folder.
    pub fn sandbox_options(&self, fuel_metering: bool) -> crate::sandbox::SandboxOptions {
        crate::sandbox::SandboxOptions {
            fuel_metering,
            filesystem: self.filesystem,
            module_cache: Some(self.cache.dir().join("modules")),
            // Each worker holds one instance at a time; leave room for the main thread.
            pooling_slots: Some(self.jobs as u32 + 2),
        }
    }
}

fn thread_pool(jobs: usize) -> Result<rayon::ThreadPool, String> {
    rayon::ThreadPoolBuilder::new()
        .num_threads(jobs.max(1))
        .stack_size(crate::sandbox::WORKER_STACK_BYTES)
        .thread_name(|i| format!("cleanroom-worker-{i}"))
        .build()
        .map_err(|err| format!("cannot start worker threads: {err}"))
}

/// Builds a task's reference and loads it into a sandbox sized for the task's cases.
/// The error says which task and why, with the build log.
fn load_reference(
    task: &crate::task::Task,
    settings: &Settings,
    notify: &mut dyn FnMut(String),
) -> Result<(crate::sandbox::WasmSandbox, Runnable), String> {
    let built = task
        .reference
        .build_source()
        .and_then(|source| crate::build::build(&source, &settings.cache, notify))
        .map_err(|err| {
            format!(
                "the reference of task {} did not build: {err}\n{}",
                task.id,
                err.log()
            )
        })?;
    let fuel_metering = task.cases().any(|case| case.limits.fuel.is_some());
    let sandbox = crate::sandbox::WasmSandbox::new(settings.sandbox_options(fuel_metering))?;
    let program = Runnable::load(&sandbox, &built.artifact).map_err(|err| {
        format!(
            "the reference of task {} is not a runnable program: {err}",
            task.id
        )
    })?;
    Ok((sandbox, program))
}

/// The sandbox input for one case of a task.
pub fn run_spec<'a>(
    task: &'a crate::task::Task,
    case: &'a crate::task::Case,
) -> crate::sandbox::RunSpec<'a> {
    crate::sandbox::RunSpec {
        argv0: &task.program,
        args: &case.args,
        env: &case.env,
        stdin: &case.stdin,
        files: &case.files,
        limits: case.limits,
        seed: crate::sandbox::seed_for_case(&case.id),
    }
}
