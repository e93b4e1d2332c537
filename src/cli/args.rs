//! What the user typed.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand};

/// Evaluate rebuilt programs against a reference, case by case, in a deterministic
/// WebAssembly sandbox.
#[derive(Debug, Parser)]
#[command(name = "cleanroom", version, about, long_about = None)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
    /// Where builds are cached [default: $CLEANROOM_CACHE_DIR, else $XDG_CACHE_HOME/cleanroom, else ~/.cache/cleanroom]
    #[arg(long, global = true, value_name = "DIR")]
    pub cache_dir: Option<PathBuf>,
    /// Worker threads for running cases [default: the number of cores]
    #[arg(long, short = 'j', global = true, value_name = "N")]
    pub jobs: Option<usize>,
    /// The guest's working directory: `memory` (deterministic on every OS) or `host`
    /// (a host temp dir via wasmtime-wasi; listing order and timestamps are the host's)
    #[arg(long, global = true, value_enum, default_value_t = Filesystem::Memory)]
    pub fs: Filesystem,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Filesystem {
    Memory,
    Host,
}

impl From<Filesystem> for crate::sandbox::FsMode {
    fn from(fs: Filesystem) -> Self {
        match fs {
            Filesystem::Memory => crate::sandbox::FsMode::Memory,
            Filesystem::Host => crate::sandbox::FsMode::Host,
        }
    }
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Evaluate candidates against the tasks' recorded expectations
    Eval(EvalArgs),
    /// Run each task's reference on every case and write the expectations
    Record(RecordArgs),
    /// Validate the recorded cases: run the reference several times against them and
    /// trivial programs once; write the cases to leave out of scoring to ignore.toml
    Check(CheckArgs),
    /// Run a task's reference once on your own input (stdin, arguments, files)
    Run(RunArgs),
    /// List tasks with their case counts
    List(ListArgs),
    /// Combine the JSON reports of `eval --partition` shards into one report
    Merge(MergeArgs),
    /// Write tasks as static files for the web demo (see docs/web-demo.md)
    ExportWeb(ExportWebArgs),
}

#[derive(Debug, Args)]
pub struct ExportWebArgs {
    /// Task folders [default: every task under ./wasm-tasks]
    #[arg(value_name = "TASK_DIR")]
    pub tasks: Vec<PathBuf>,
    /// The bundle folder (e.g. web-demo/tasks); each task goes to DIR/<id>/, listed in DIR/index.json
    #[arg(long, value_name = "DIR")]
    pub out: PathBuf,
}

#[derive(Debug, Args)]
pub struct MergeArgs {
    /// Shard reports written by `eval --partition hash:K/N --json FILE`
    #[arg(value_name = "REPORT", required = true)]
    pub reports: Vec<PathBuf>,
    /// Write the merged JSON report here
    #[arg(long, value_name = "FILE")]
    pub json: PathBuf,
    /// Also write the merged report as JUnit XML
    #[arg(long, value_name = "FILE")]
    pub junit: Option<PathBuf>,
}

#[derive(Debug, Args)]
pub struct EvalArgs {
    /// Task folders [default: every task under ./wasm-tasks]
    #[arg(value_name = "TASK_DIR")]
    pub tasks: Vec<PathBuf>,
    /// The candidate for every task: a .wasm/.wat file, or a folder with compile.sh,
    /// executable.wasm, executable, Cargo.toml or *.c files [default: each task's own
    /// candidates, see --all and --only]
    #[arg(long, value_name = "PATH", conflicts_with_all = ["all", "only"])]
    pub candidate: Option<PathBuf>,
    /// Also evaluate the tasks' on-request candidates (slow builds such as whole
    /// programs installed from the registry)
    #[arg(long, conflicts_with = "only")]
    pub all: bool,
    /// Evaluate only the tasks' candidates with this name (repeatable; on-request
    /// candidates included)
    #[arg(long, value_name = "NAME")]
    pub only: Vec<String>,
    /// Write the JSON report here
    #[arg(long, value_name = "FILE")]
    pub json: Option<PathBuf>,
    /// Write a JUnit XML report here
    #[arg(long, value_name = "FILE")]
    pub junit: Option<PathBuf>,
    /// Exit with code 1 unless every candidate resolves its task
    #[arg(long)]
    pub require_resolved: bool,
    /// Continue an interrupted run: reuse the results in the journal beside the --json
    /// report (FILE.journal) and run only the cases it lacks
    #[arg(long, requires = "json")]
    pub resume: bool,
    /// Run one shard of the cases: `hash:K/N` (stable by task and case id; see
    /// docs/distributed.md). Combine shard reports with `cleanroom merge`.
    #[arg(long, value_name = "hash:K/N")]
    pub partition: Option<String>,
    /// No progress output on stderr
    #[arg(long, short = 'q')]
    pub quiet: bool,
}

#[derive(Debug, Args)]
pub struct RecordArgs {
    /// Task folders [default: every task under ./wasm-tasks]
    #[arg(value_name = "TASK_DIR")]
    pub tasks: Vec<PathBuf>,
}

#[derive(Debug, Args)]
pub struct CheckArgs {
    /// Task folders [default: every task under ./wasm-tasks]
    #[arg(value_name = "TASK_DIR")]
    pub tasks: Vec<PathBuf>,
    /// How many times the reference runs each case (at least 2)
    #[arg(long, default_value_t = 3, value_name = "N")]
    pub runs: usize,
}

#[derive(Debug, Args)]
pub struct RunArgs {
    /// The task whose reference to run
    #[arg(value_name = "TASK_DIR")]
    pub task: PathBuf,
    /// Copy a file into the program's working directory (under its file name)
    #[arg(long = "file", value_name = "PATH")]
    pub files: Vec<PathBuf>,
    /// Set an environment variable for the program (nothing else is set)
    #[arg(long = "env", value_name = "KEY=VALUE")]
    pub env: Vec<String>,
    /// Arguments for the program (after `--`)
    #[arg(last = true, value_name = "ARGS")]
    pub args: Vec<String>,
}

#[derive(Debug, Args)]
pub struct ListArgs {
    /// Task folders [default: every task under ./wasm-tasks]
    #[arg(value_name = "TASK_DIR")]
    pub tasks: Vec<PathBuf>,
}
