//! The `cleanroom` command: parses arguments, calls the runner, hands events to the
//! reporters, and chooses the exit code (see `exit_codes`).

use std::io::{IsTerminal, Read, Write};
use std::path::Path;
use std::process::ExitCode;

use clap::Parser;

use cleanroom::cli::{
    self, CheckArgs, Cli, Command, EvalArgs, ListArgs, MergeArgs, RecordArgs, RunArgs, UsageError,
};
use cleanroom::exit_codes;
use cleanroom::observation::Outcome;
use cleanroom::report::{self, Collector, Progress, journal};
use cleanroom::runner::{self, EvalRequest, Selection, Settings};
use cleanroom::task::{IgnoreReason, Visibility};

fn main() -> ExitCode {
    let cli = Cli::parse();
    let code = match dispatch(cli) {
        Ok(code) => code,
        Err(err) => {
            eprintln!("cleanroom: error: {err}");
            exit_codes::USAGE
        }
    };
    ExitCode::from(code as u8)
}

fn dispatch(cli: Cli) -> Result<i32, UsageError> {
    let settings = cli::runner_settings(cli.jobs, cli.cache_dir.as_deref(), cli.fs.into())?;
    match cli.command {
        Command::Eval(args) => eval(args, &settings),
        Command::Record(args) => record(args, &settings),
        Command::Check(args) => check(args, &settings),
        Command::Run(args) => run(args, &settings),
        Command::List(args) => list(args),
        Command::Merge(args) => merge(args),
        Command::ExportWeb(args) => export_web(args, &settings),
    }
}

fn eval(args: EvalArgs, settings: &Settings) -> Result<i32, UsageError> {
    let dirs = cli::task_dirs(&args.tasks)?;
    if let Some(candidate) = &args.candidate
        && !candidate.exists()
    {
        return Err(UsageError(format!(
            "the candidate {} does not exist",
            candidate.display()
        )));
    }
    let partition = args
        .partition
        .as_deref()
        .map(cleanroom::partition::Partition::parse)
        .transpose()
        .map_err(UsageError)?;
    let tasks = cli::load_tasks(&dirs);
    let selection = if args.all {
        Selection::All
    } else if !args.only.is_empty() {
        cli::check_candidate_names(&tasks, &args.only)?;
        Selection::Only(args.only.clone())
    } else {
        Selection::Default
    };
    // Every finished case goes to a journal beside the JSON report, so that a killed
    // run can be resumed (docs/report.md, "Journal and --resume").
    let journal_path = args.json.as_deref().map(journal::path_for);
    let mut resume = cleanroom::events::Resumed::new();
    if let Some(path) = &journal_path {
        if args.resume {
            let loaded = journal::load(path).map_err(UsageError)?;
            eprintln!(
                "cleanroom: resuming: {} finished case(s) in {}{}",
                loaded.results.len(),
                path.display(),
                if loaded.skipped_lines > 0 {
                    format!(" ({} unreadable line(s) skipped)", loaded.skipped_lines)
                } else {
                    String::new()
                }
            );
            resume = loaded.results;
        } else if path.exists() {
            eprintln!(
                "cleanroom: note: replacing the journal of an interrupted run, {} (pass --resume to continue it instead)",
                path.display()
            );
        }
    }
    let mut journal = match &journal_path {
        Some(path) => match journal::JournalWriter::open(path, resume.keys().cloned().collect()) {
            Ok(writer) => Some(writer),
            Err(message) => {
                eprintln!(
                    "cleanroom: warning: {message}; this run cannot be resumed if it is interrupted"
                );
                None
            }
        },
        None => None,
    };
    let request = EvalRequest {
        tasks,
        candidate: args.candidate.clone(),
        selection,
        partition,
        resume,
    };
    let mut progress = Progress::new(args.quiet);
    let mut collector = Collector::new();
    runner::evaluate(&request, settings, &mut |event| {
        progress.on_event(&event);
        collector.on_event(&event);
        if let Some(journal) = journal.as_mut() {
            journal.on_event(&event);
        }
    });
    let report = collector.finish();

    let (code, written) = publish_reports(
        &report,
        args.json.as_deref(),
        args.junit.as_deref(),
        args.require_resolved,
    );
    if let Some(journal) = journal {
        if let Some(message) = journal.error() {
            eprintln!("cleanroom: warning: {message}");
        }
        // The report is the durable result now; if it could not be written, the journal
        // still holds every case for --resume.
        if written {
            let _ = journal.finish();
        }
    }
    Ok(code)
}

/// Prints the summary, writes the requested report files, and returns the exit code: 4
/// when any of that failed, else what the report calls for.
fn publish(
    report: &report::Report,
    json: Option<&Path>,
    junit: Option<&Path>,
    require_resolved: bool,
) -> i32 {
    publish_reports(report, json, junit, require_resolved).0
}

/// [`publish`], also saying whether every report file was written.
fn publish_reports(
    report: &report::Report,
    json: Option<&Path>,
    junit: Option<&Path>,
    require_resolved: bool,
) -> (i32, bool) {
    let mut code = exit_codes::OK;
    let mut written = true;
    match report::print_summary(report, &mut std::io::stdout().lock()) {
        // The reader of a pipe stopped early: the report files still matter.
        Err(err) if err.kind() == std::io::ErrorKind::BrokenPipe => {}
        Err(err) => {
            eprintln!("cleanroom: error: cannot print the summary: {err}");
            code = exit_codes::INFRASTRUCTURE;
        }
        Ok(()) => {}
    }
    type Writer = fn(&report::Report, &Path) -> std::io::Result<()>;
    for (path, write) in [
        (json, report::write_json as Writer),
        (junit, report::write_junit),
    ] {
        if let Some(path) = path
            && let Err(err) = write(report, path)
        {
            eprintln!("cleanroom: error: cannot write {}: {err}", path.display());
            code = exit_codes::INFRASTRUCTURE;
            written = false;
        }
    }
    if code == exit_codes::OK {
        (outcome_code(report, require_resolved), written)
    } else {
        (code, written)
    }
}

/// The exit code a finished report calls for (docs/exit-codes.md).
fn outcome_code(report: &report::Report, require_resolved: bool) -> i32 {
    if report.has_errors() {
        exit_codes::INFRASTRUCTURE
    } else if !report.invalid_tasks.is_empty() {
        exit_codes::INVALID_TASK
    } else if require_resolved && !report.all_resolved() {
        exit_codes::NOT_RESOLVED
    } else {
        exit_codes::OK
    }
}

/// Prints a slow step of a task command ("building …") on stderr.
fn note(message: String) {
    eprintln!("cleanroom: {message}");
}

/// Does `work` for every task in `dirs`, in order, and returns the combined exit code: 3
/// for a task that does not load, 4 for one whose work fails (the error is printed),
/// otherwise the code `work` returns. One broken task never stops the others.
fn for_each_task(
    dirs: &[std::path::PathBuf],
    mut work: impl FnMut(&cleanroom::task::Task) -> Result<i32, String>,
) -> i32 {
    let mut code = exit_codes::OK;
    for task in cli::load_tasks(dirs) {
        let outcome = match task {
            Ok(task) => work(&task).unwrap_or_else(|message| {
                eprintln!("cleanroom: error: {message}");
                exit_codes::INFRASTRUCTURE
            }),
            Err(err) => {
                eprintln!("cleanroom: error: {err}");
                exit_codes::INVALID_TASK
            }
        };
        code = exit_codes::most_serious(code, outcome);
    }
    code
}

fn export_web(args: cli::ExportWebArgs, settings: &Settings) -> Result<i32, UsageError> {
    let dirs = cli::task_dirs(&args.tasks)?;
    Ok(for_each_task(&dirs, |task| {
        let done = cleanroom::export_web::export(task, &args.out, settings, &mut note)?;
        println!(
            "{}: {} module(s), {} case(s) in {}",
            done.id,
            done.modules,
            done.cases,
            done.dir.display()
        );
        for skipped in &done.skipped {
            println!("  skipped {}: {}", skipped.name, skipped.reason);
        }
        Ok(exit_codes::OK)
    }))
}

fn record(args: RecordArgs, settings: &Settings) -> Result<i32, UsageError> {
    let dirs = cli::task_dirs(&args.tasks)?;
    Ok(for_each_task(&dirs, |task| {
        let summary = runner::record(task, settings, &mut note)?;
        println!(
            "{}: recorded {} case(s), {} changed, {} refused",
            task.id,
            summary.recorded,
            summary.changed,
            summary.refused.len()
        );
        for refusal in &summary.refused {
            println!("  refused {}: {}", refusal.case_id, refusal.reason);
        }
        Ok(if summary.refused.is_empty() {
            exit_codes::OK
        } else {
            exit_codes::RECORD_REFUSED
        })
    }))
}

fn check(args: CheckArgs, settings: &Settings) -> Result<i32, UsageError> {
    let dirs = cli::task_dirs(&args.tasks)?;
    Ok(for_each_task(&dirs, |task| {
        let summary = runner::check(task, settings, args.runs, &mut note)?;
        let count =
            |reason: IgnoreReason| summary.found.iter().filter(|f| f.reason == reason).count();
        let file = task.dir.join(cleanroom::task::ignore_file::FILE);
        let entries = summary.found.len() + summary.kept;
        println!(
            "{}: the reference passed {}/{} case(s) on all {} runs; gold_fail {}, gold_flaky {}, dummy_pass {}; {}{}",
            task.id,
            summary.gold_passed,
            summary.cases - summary.unrecorded.len(),
            summary.runs,
            count(IgnoreReason::GoldFail),
            count(IgnoreReason::GoldFlaky),
            count(IgnoreReason::DummyPass),
            if entries == 0 {
                format!("every case is scored (no {})", file.display())
            } else {
                format!("{entries} entries written to {}", file.display())
            },
            if summary.kept > 0 {
                format!(" ({} kept as written)", summary.kept)
            } else {
                String::new()
            }
        );
        for finding in &summary.found {
            println!(
                "  {:<11} {}  {}",
                finding.reason.as_str(),
                finding.case,
                finding.detail
            );
        }
        if summary.unrecorded.is_empty() {
            return Ok(exit_codes::OK);
        }
        Err(format!(
            "{}: {} case(s) have no recorded expectation and were not checked (run `cleanroom record`): {}",
            task.id,
            summary.unrecorded.len(),
            summary.unrecorded.join(", ")
        ))
    }))
}

fn run(args: RunArgs, settings: &Settings) -> Result<i32, UsageError> {
    let task = match cleanroom::task::load_task(&args.task) {
        Ok(task) => task,
        Err(err) => {
            eprintln!("cleanroom: error: {err}");
            return Ok(exit_codes::INVALID_TASK);
        }
    };
    let env = cli::parse_env(&args.env)?;
    let files = cli::read_run_files(&args.files)?;
    let mut stdin = Vec::new();
    if !std::io::stdin().is_terminal() {
        std::io::stdin()
            .read_to_end(&mut stdin)
            .map_err(|err| UsageError(format!("cannot read stdin: {err}")))?;
    }
    let notify = &mut |message| eprintln!("cleanroom: {message}");
    let observation =
        match runner::run_reference(&task, &args.args, &env, &stdin, &files, settings, notify) {
            Ok(observation) => observation,
            Err(message) => {
                eprintln!("cleanroom: error: {message}");
                return Ok(exit_codes::INFRASTRUCTURE);
            }
        };
    let _ = std::io::stdout().write_all(&observation.stdout);
    let _ = std::io::stdout().flush();
    let _ = std::io::stderr().write_all(&observation.stderr);
    for file in &observation.files {
        eprintln!("cleanroom: the program changed {}", file.path);
    }
    Ok(match observation.outcome {
        Outcome::Exited(code) => code & 0xff,
        other => {
            eprintln!("cleanroom: the program did not exit normally: {other:?}");
            exit_codes::PROGRAM_DID_NOT_EXIT
        }
    })
}

fn list(args: ListArgs) -> Result<i32, UsageError> {
    let dirs = cli::task_dirs(&args.tasks)?;
    let tasks = cli::load_tasks(&dirs);
    let mut out = std::io::stdout().lock();
    match write_list(&tasks, &mut out) {
        Ok(code) => Ok(code),
        // `cleanroom list | head`: the reader has what it wanted.
        Err(err) if err.kind() == std::io::ErrorKind::BrokenPipe => Ok(exit_codes::OK),
        Err(err) => {
            eprintln!("cleanroom: error: cannot print the list: {err}");
            Ok(exit_codes::INFRASTRUCTURE)
        }
    }
}

fn write_list(
    tasks: &[Result<std::sync::Arc<cleanroom::task::Task>, cleanroom::task::TaskError>],
    out: &mut dyn Write,
) -> std::io::Result<i32> {
    let mut code = exit_codes::OK;
    writeln!(
        out,
        "{:<20} {:>6} {:>7} {:>7} {:>9} {:>11} {:>11}",
        "TASK", "CASES", "PUBLIC", "HIDDEN", "RECORDED", "CANDIDATES", "ON REQUEST"
    )?;
    let mut slow_builds = Vec::new();
    for task in tasks {
        match task {
            Ok(task) => {
                let cases: Vec<_> = task.cases().collect();
                let public = cases
                    .iter()
                    .filter(|c| c.visibility == Visibility::Public)
                    .count();
                let recorded = cases.iter().filter(|c| c.expect.is_some()).count();
                let on_request = task.candidates.iter().filter(|c| c.on_request).count();
                writeln!(
                    out,
                    "{:<20} {:>6} {:>7} {:>7} {:>9} {:>11} {:>11}",
                    task.id,
                    cases.len(),
                    public,
                    cases.len() - public,
                    recorded,
                    task.candidates.len() - on_request,
                    on_request
                )?;
                if let Some(time) = task.reference.build_time() {
                    slow_builds.push(format!("{} reference: {time}", task.id));
                }
                for candidate in &task.candidates {
                    if let Some(time) = candidate.origin.build_time() {
                        slow_builds
                            .push(format!("{} candidate {}: {time}", task.id, candidate.name));
                    }
                }
            }
            Err(err) => {
                eprintln!("cleanroom: error: {err}");
                code = exit_codes::INVALID_TASK;
            }
        }
    }
    if !slow_builds.is_empty() {
        writeln!(out, "\nbuild times (each is built once, then cached):")?;
        for line in slow_builds {
            writeln!(out, "  {line}")?;
        }
    }
    Ok(code)
}

fn merge(args: MergeArgs) -> Result<i32, UsageError> {
    let mut reports = Vec::with_capacity(args.reports.len());
    for path in &args.reports {
        let name = path.display().to_string();
        let text = std::fs::read_to_string(path)
            .map_err(|err| UsageError(format!("cannot read {name}: {err}")))?;
        match serde_json::from_str::<report::Report>(&text) {
            Ok(parsed) => reports.push((name, parsed)),
            Err(err) => {
                eprintln!(
                    "cleanroom: error: {name}:{}: not a cleanroom JSON report: {err}",
                    err.line()
                );
                return Ok(exit_codes::INVALID_TASK);
            }
        }
    }
    let merged = match report::merge(&reports) {
        Ok(merged) => merged,
        Err(message) => {
            eprintln!("cleanroom: error: {message}");
            return Ok(exit_codes::INVALID_TASK);
        }
    };
    Ok(publish(
        &merged,
        Some(&args.json),
        args.junit.as_deref(),
        false,
    ))
}
