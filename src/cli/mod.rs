//! The command line in two stages: `args` holds what the user typed (clap), `settings`
//! validates it and turns it into what the runner needs.

mod args;
mod settings;

pub use args::{
    CheckArgs, Cli, Command, EvalArgs, ExportWebArgs, ListArgs, MergeArgs, RecordArgs, RunArgs,
};
pub use settings::{
    UsageError, check_candidate_names, load_tasks, parse_env, read_run_files, runner_settings,
    task_dirs,
};
