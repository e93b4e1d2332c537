//! `run`: the reference on one input of the user's, in the same sandbox as the cases,
//! the way a rebuilder explores the program.

use super::Settings;
use crate::build;
use crate::limits::Limits;
use crate::observation::Observation;
use crate::sandbox::{RunSpec, WORKER_STACK_BYTES, WasmSandbox};
use crate::task::Task;

/// One run of the task's reference with the task's default limits.
pub fn run_reference(
    task: &Task,
    args: &[String],
    env: &[(String, String)],
    stdin: &[u8],
    files: &[(String, Vec<u8>)],
    settings: &Settings,
    notify: &mut dyn FnMut(String),
) -> Result<Observation, String> {
    let built = task
        .reference
        .build_source()
        .and_then(|source| build::build(&source, &settings.cache, notify))
        .map_err(|err| format!("the reference did not build: {err}\n{}", err.log()))?;
    let limits: Limits = task.limits;
    let sandbox = WasmSandbox::new(settings.sandbox_options(limits.fuel.is_some()))?;
    let program = super::Runnable::load(&sandbox, &built.artifact)?;
    let spec = RunSpec {
        argv0: &task.program,
        args,
        env,
        stdin,
        files,
        limits,
        seed: crate::sandbox::seed_for_case("run"),
    };
    // Guests run on a thread with a stack deep enough for the engine's wasm stack limit.
    std::thread::scope(|scope| {
        std::thread::Builder::new()
            .stack_size(WORKER_STACK_BYTES)
            .spawn_scoped(scope, || program.run(&sandbox, &spec))
            .map_err(|err| format!("cannot start a worker thread: {err}"))?
            .join()
            .map_err(|_| "the run did not report back".to_string())
    })
}
