//! The wasmtime runner: one shared engine, modules compiled once, a fresh store per run,
//! WASI preview 1 with virtual time, seeded random and in-memory stdio, and every way a
//! run can end classified into exactly one [`Outcome`].

use std::panic::AssertUnwindSafe;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use wasmtime::{
    Config, Engine, ExternType, InstanceAllocationStrategy, InstancePre, Linker, Module,
    PoolingAllocationConfig, Store, Trap,
};
use wasmtime_wasi::p1::WasiP1Ctx;
use wasmtime_wasi::p2::pipe::MemoryInputPipe;
use wasmtime_wasi::{FsPerms, WasiCtxBuilder};

use super::clock::{self, HasVirtualClock, VirtualClock};
use super::limits::{self, Limited, MemoryLimiter, WallTimeout};
use super::memfs::{self, HasMemFs, MemFs, Quotas};
use super::module_cache::ModuleCache;
use super::output::CapturedOutput;
use super::random::{self, HasSeededRandom, SplitMix64};
use super::workdir::Workdir;
use crate::limits::Limits;
use crate::observation::{Observation, Outcome, Resources, Stream};

/// The deepest wasm call stack a guest may use (real C programs such as jq need tens of MiB).
pub const MAX_WASM_STACK_BYTES: usize = 64 * 1024 * 1024;
/// How often the epoch ticker checks deadlines.
const EPOCH_TICK: Duration = Duration::from_millis(5);

/// Engine-wide choices, fixed for the sandbox's lifetime.
#[derive(Debug, Clone, Default)]
pub struct SandboxOptions {
    /// Count fuel (needed when any run has a fuel limit; costs ~25 % speed).
    pub fuel_metering: bool,
    pub filesystem: FsMode,
    /// Where compiled modules are kept between runs (`None`: compile every time).
    pub module_cache: Option<std::path::PathBuf>,
    /// Instances that may be alive at once, for the pooling allocator (memories, tables
    /// and instances preallocated and reused); `None` allocates on demand.
    pub pooling_slots: Option<u32>,
}

/// Where the guest's working directory lives.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum FsMode {
    /// Our in-memory filesystem: the same listing order, inode numbers and timestamps on
    /// every run and every OS, with quotas.
    #[default]
    Memory,
    /// A host temp directory through wasmtime-wasi and cap-std: WASI's reference
    /// behaviour, but listing order, timestamps and inodes come from the host.
    Host,
}

/// One run's input. `argv0` and `args` form argv; `env` is the whole environment.
#[derive(Debug, Clone)]
pub struct RunSpec<'a> {
    pub argv0: &'a str,
    pub args: &'a [String],
    pub env: &'a [(String, String)],
    pub stdin: &'a [u8],
    pub files: &'a [(String, Vec<u8>)],
    pub limits: Limits,
    pub seed: u64,
}

/// A compiled, linked program, ready to run many times (cheap to clone, shareable).
#[derive(Clone)]
pub struct Program {
    pre: InstancePre<RunState>,
}

pub struct WasmSandbox {
    engine: Engine,
    linker: Linker<RunState>,
    options: SandboxOptions,
    ticker_stop: Arc<AtomicBool>,
}

struct RunState {
    wasi: WasiP1Ctx,
    clock: VirtualClock,
    limiter: MemoryLimiter,
    deadline: Instant,
    stdout: CapturedOutput,
    stderr: CapturedOutput,
    random: SplitMix64,
    /// Present in `FsMode::Memory`, where it serves every `fd_*`/`path_*` call.
    memfs: Option<MemFs>,
}

impl HasMemFs for RunState {
    fn memfs(&mut self) -> &mut MemFs {
        self.memfs
            .as_mut()
            .expect("the in-memory calls are linked only in memory mode")
    }
}

impl HasSeededRandom for RunState {
    fn seeded_random(&mut self) -> &mut SplitMix64 {
        &mut self.random
    }
}

impl HasVirtualClock for RunState {
    fn virtual_clock(&self) -> &VirtualClock {
        &self.clock
    }
}

impl Limited for RunState {
    fn limiter(&mut self) -> &mut MemoryLimiter {
        &mut self.limiter
    }
    fn deadline(&self) -> Instant {
        self.deadline
    }
}

/// `proc_exit` with any code: wasmtime-wasi refuses codes ≥ 126 and loses them.
#[derive(Debug, thiserror::Error)]
#[error("the program exited with code {0}")]
struct GuestExit(i32);

impl WasmSandbox {
    pub fn new(options: SandboxOptions) -> Result<Self, String> {
        let mut config = Config::new();
        config
            .epoch_interruption(true)
            .consume_fuel(options.fuel_metering)
            .async_stack_size(MAX_WASM_STACK_BYTES + 2 * 1024 * 1024)
            .max_wasm_stack(MAX_WASM_STACK_BYTES)
            .wasm_exceptions(true)
            .wasm_backtrace_max_frames(None)
            .cranelift_nan_canonicalization(true)
            .relaxed_simd_deterministic(true);
        if let Some(slots) = options.pooling_slots {
            let mut pool = PoolingAllocationConfig::default();
            pool.total_memories(slots)
                .total_tables(slots)
                .total_core_instances(slots)
                .total_gc_heaps(slots)
                .total_stacks(slots)
                .max_memory_size(4 << 30)
                .table_elements(limits::MAX_TABLE_ELEMENTS)
                .max_core_instance_size(16 << 20)
                // Reset small memories by memset instead of madvise: madvise takes the
                // process-wide mm lock, which serialises parallel runs.
                .linear_memory_keep_resident(2 << 20)
                .table_keep_resident(64 << 10);
            config.allocation_strategy(InstanceAllocationStrategy::Pooling(pool));
        }
        let engine = Engine::new(&config)
            .map_err(|err| format!("cannot create the wasmtime engine: {err}"))?;
        let mut linker: Linker<RunState> = Linker::new(&engine);
        wasmtime_wasi::p1::add_to_linker_sync(&mut linker, |state: &mut RunState| &mut state.wasi)
            .map_err(|err| format!("cannot link WASI: {err}"))?;
        linker.allow_shadowing(true);
        let shim_error =
            |err: wasmtime::Error| format!("cannot link the deterministic WASI shims: {err}");
        const WASI: &str = "wasi_snapshot_preview1";
        linker
            .func_wrap(WASI, "poll_oneoff", clock::poll_oneoff::<RunState>)
            .map_err(shim_error)?;
        if options.filesystem == FsMode::Memory {
            memfs::install(&mut linker).map_err(shim_error)?;
        }
        linker
            .func_wrap(WASI, "random_get", random::random_get::<RunState>)
            .map_err(shim_error)?;
        linker
            .func_wrap(WASI, "proc_exit", |code: i32| -> wasmtime::Result<()> {
                Err(wasmtime::Error::new(GuestExit(code)))
            })
            .map_err(shim_error)?;

        let ticker_stop = Arc::new(AtomicBool::new(false));
        let (stop, ticking) = (ticker_stop.clone(), engine.weak());
        std::thread::Builder::new()
            .name("cleanroom-epoch".into())
            .spawn(move || {
                while !stop.load(Ordering::Relaxed) {
                    std::thread::sleep(EPOCH_TICK);
                    match ticking.upgrade() {
                        Some(engine) => engine.increment_epoch(),
                        None => break,
                    }
                }
            })
            .map_err(|err| format!("cannot start the epoch thread: {err}"))?;
        Ok(WasmSandbox {
            engine,
            linker,
            options,
            ticker_stop,
        })
    }

    /// Compiles and links a module (`.wasm` bytes or `.wat` text). The error is the reason
    /// the program is invalid, for the `invalid_program` status.
    pub fn load(&self, bytes: &[u8]) -> Result<Program, String> {
        let module = match &self.options.module_cache {
            Some(dir) => ModuleCache::new(dir).load_or_compile(&self.engine, bytes),
            None => Module::new(&self.engine, bytes),
        }
        .map_err(|err| error_chain(&err))?;
        match module.get_export("_start") {
            Some(ExternType::Func(ty)) if ty.params().len() == 0 && ty.results().len() == 0 => {}
            Some(_) => {
                return Err(
                    "the export `_start` is not a function without parameters and results".into(),
                );
            }
            None => {
                return Err("the module has no `_start` export: it is not a WASI command".into());
            }
        }
        let pre = self
            .linker
            .instantiate_pre(&module)
            .map_err(|err| error_chain(&err))?;
        Ok(Program { pre })
    }

    /// Runs the program once. Never panics and never hangs past the run's limits.
    pub fn run(&self, program: &Program, spec: &RunSpec<'_>) -> Observation {
        let started = Instant::now();
        let mut observation =
            std::panic::catch_unwind(AssertUnwindSafe(|| self.run_unguarded(program, spec)))
                .unwrap_or_else(|panic| {
                    let message = panic
                        .downcast_ref::<String>()
                        .cloned()
                        .or_else(|| panic.downcast_ref::<&str>().map(|s| s.to_string()))
                        .unwrap_or_else(|| "unknown panic".into());
                    Observation::without_run(Outcome::HostError {
                        message: format!("the evaluator panicked: {message}"),
                    })
                });
        observation.resources.wall_time = started.elapsed();
        observation
    }

    fn run_unguarded(&self, program: &Program, spec: &RunSpec<'_>) -> Observation {
        let host_error = |message: String| Observation::without_run(Outcome::HostError { message });
        let clock = VirtualClock::default();
        let stdout = CapturedOutput::new(Stream::Stdout, spec.limits.output_bytes);
        let stderr = CapturedOutput::new(Stream::Stderr, spec.limits.output_bytes);

        let mut builder = WasiCtxBuilder::new();
        builder
            .arg(spec.argv0)
            .args(spec.args)
            .envs(spec.env)
            .wall_clock(clock.wall())
            .monotonic_clock(clock.monotonic())
            .secure_random(SplitMix64::new(spec.seed))
            .insecure_random(SplitMix64::new(spec.seed ^ 0x5EED_5EED_5EED_5EED))
            .insecure_random_seed(u128::from(spec.seed) << 64 | u128::from(!spec.seed))
            .allow_blocking_current_thread(true);
        let (workdir, memfs) = match self.options.filesystem {
            FsMode::Memory => {
                let quotas = Quotas {
                    max_bytes: spec.limits.disk_bytes,
                    max_inodes: spec.limits.max_files,
                };
                match MemFs::new(
                    spec.files,
                    spec.stdin,
                    stdout.clone(),
                    stderr.clone(),
                    clock.clone(),
                    quotas,
                ) {
                    Ok(memfs) => (None, Some(memfs)),
                    Err(message) => return host_error(message),
                }
            }
            FsMode::Host => {
                let workdir = match Workdir::create(spec.files) {
                    Ok(workdir) => workdir,
                    Err(err) => {
                        return host_error(format!("cannot prepare the working directory: {err}"));
                    }
                };
                builder
                    .stdin(MemoryInputPipe::new(spec.stdin.to_vec()))
                    .stdout(stdout.clone())
                    .stderr(stderr.clone());
                if let Err(err) = builder.preopened_dir(workdir.path(), ".", FsPerms::ReadWrite) {
                    return host_error(format!(
                        "cannot preopen the working directory: {}",
                        error_chain(&err)
                    ));
                }
                (Some(workdir), None)
            }
        };
        let state = RunState {
            wasi: builder.build_p1(),
            clock,
            limiter: limits::memory_limiter(&spec.limits),
            deadline: Instant::now() + spec.limits.timeout,
            stdout: stdout.clone(),
            stderr: stderr.clone(),
            random: SplitMix64::new(spec.seed),
            memfs,
        };
        let mut store = Store::new(&self.engine, state);
        if let Err(err) = limits::apply(&mut store, &spec.limits, self.options.fuel_metering) {
            return host_error(format!("cannot apply limits: {}", error_chain(&err)));
        }

        let result = match program.pre.instantiate(&mut store) {
            Ok(instance) => match instance.get_typed_func::<(), ()>(&mut store, "_start") {
                Ok(start) => start.call(&mut store, ()).map_err(Failure::Run),
                Err(err) => Err(Failure::Instantiate(err)),
            },
            Err(err) => Err(Failure::Instantiate(err)),
        };
        let fuel_consumed = if self.options.fuel_metering {
            let budget = spec.limits.fuel.unwrap_or(u64::MAX);
            store.get_fuel().ok().map(|left| budget - left)
        } else {
            None
        };
        let outcome = classify(result, store.data(), &spec.limits);
        let peak_memory_bytes = store.data().limiter.peak_bytes;
        let state = store.into_data();

        let (files, disk_quota_hit) = match (&state.memfs, &workdir) {
            (Some(memfs), _) => (memfs.changes(), memfs.quota_hit()),
            (None, Some(workdir)) => match workdir.changes() {
                Ok(files) => (files, false),
                Err(message) => return host_error(message),
            },
            (None, None) => unreachable!("every run has a working directory"),
        };
        drop(state);
        Observation {
            outcome,
            stdout: stdout.take(),
            stderr: stderr.take(),
            files,
            resources: Resources {
                wall_time: Duration::ZERO,
                fuel_consumed,
                peak_memory_bytes,
                disk_quota_hit,
            },
        }
    }
}

impl Drop for WasmSandbox {
    fn drop(&mut self) {
        self.ticker_stop.store(true, Ordering::Relaxed);
    }
}

enum Failure {
    Instantiate(wasmtime::Error),
    Run(wasmtime::Error),
}

/// Exactly one outcome per run. Order matters: an output flood is reported as such even
/// if the guest then crashed on the failed write; a guest that hit the memory limit and
/// then trapped (abort after a failed allocation) is out of memory, not crashed.
fn classify(result: Result<(), Failure>, state: &RunState, limits: &Limits) -> Outcome {
    // The output cap is enforced where output is written: the crossing write traps.
    for captured in [&state.stdout, &state.stderr] {
        if captured.exceeded() {
            return Outcome::OutputLimit {
                stream: captured.stream(),
                limit_bytes: limits.output_bytes,
            };
        }
    }
    let (error, instantiating) = match result {
        Ok(()) => return Outcome::Exited(0),
        Err(Failure::Run(error)) => (error, false),
        Err(Failure::Instantiate(error)) => (error, true),
    };
    if let Some(GuestExit(code)) = error.downcast_ref::<GuestExit>() {
        return Outcome::Exited(*code);
    }
    if error.downcast_ref::<WallTimeout>().is_some() {
        return Outcome::Timeout {
            limit: limits.timeout,
        };
    }
    if let Some(trap) = error.downcast_ref::<Trap>() {
        return match trap {
            Trap::OutOfFuel => Outcome::CpuLimit {
                fuel: limits.fuel.unwrap_or(u64::MAX),
            },
            Trap::Interrupt => Outcome::Timeout {
                limit: limits.timeout,
            },
            Trap::StackOverflow => Outcome::StackOverflow,
            _ if state.limiter.hit => Outcome::MemoryLimit {
                limit_bytes: limits.memory_bytes,
            },
            other => Outcome::Trap {
                kind: trap_kind(other),
                message: other.to_string(),
            },
        };
    }
    // A WASI call with a bad pointer, flag or enum value is the program's fault.
    if error
        .chain()
        .any(|cause| cause.downcast_ref::<wiggle::GuestError>().is_some())
    {
        return Outcome::Trap {
            kind: "invalid_host_call".into(),
            message: error_chain(&error),
        };
    }
    if state.limiter.hit {
        return Outcome::MemoryLimit {
            limit_bytes: limits.memory_bytes,
        };
    }
    if instantiating {
        return Outcome::InvalidProgram {
            message: error_chain(&error),
        };
    }
    Outcome::HostError {
        message: error_chain(&error),
    }
}

/// `UnreachableCodeReached` → `unreachable_code_reached`.
fn trap_kind(trap: &Trap) -> String {
    let mut kind = String::new();
    for (i, c) in format!("{trap:?}").chars().enumerate() {
        if c.is_ascii_uppercase() {
            if i > 0 {
                kind.push('_');
            }
            kind.push(c.to_ascii_lowercase());
        } else {
            kind.push(c);
        }
    }
    kind
}

fn error_chain(error: &wasmtime::Error) -> String {
    error
        .chain()
        .map(|cause| cause.to_string())
        .collect::<Vec<_>>()
        .join(": ")
}
