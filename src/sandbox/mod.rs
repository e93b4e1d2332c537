//! Runs one program on one input under limits and returns an [`Observation`]. Knows
//! nothing about tasks or expectations. Today: the wasmtime runner, with the in-memory
//! filesystem (`memfs`) or a host folder; the native runner will sit beside it behind the
//! same `Observation`.

mod clock;
mod limits;
mod memfs;
mod module_cache;
pub mod native;
mod output;
mod random;
mod wasm;
mod workdir;

use cleanroom_judge::changes;

pub use clock::{START_WALL_CLOCK_SECS, TICK_NANOS};
pub use random::{SplitMix64, seed_for_case};
pub use wasm::{FsMode, Program, RunSpec, SandboxOptions, WasmSandbox};

/// Stack size for threads that run guests: wasm frames live on the host thread's stack,
/// so it must exceed the engine's `max_wasm_stack` with room for host calls.
pub const WORKER_STACK_BYTES: usize = wasm::MAX_WASM_STACK_BYTES + 32 * 1024 * 1024;
