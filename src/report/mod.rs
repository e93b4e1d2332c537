//! Turns events into output: the JSON report, JUnit XML, and the terminal summary.
//! Depends only on `events` (and writes files atomically).

mod collect;
pub mod journal;
mod junit;
mod merge;
mod model;
mod terminal;

pub use collect::Collector;
pub use junit::to_junit_xml;
pub use merge::merge;
pub use model::{
    BuildReport, CaseReport, FORMAT_VERSION, InvalidTask, PartitionReport, Report, TaskReport,
};
pub use terminal::{Progress, print_summary};

/// Writes the report as pretty JSON, atomically.
pub fn write_json(report: &Report, path: &std::path::Path) -> std::io::Result<()> {
    let mut text = serde_json::to_string_pretty(report).map_err(std::io::Error::other)?;
    text.push('\n');
    crate::atomic_file::write_atomically(path, text.as_bytes())
}

/// Writes the report as JUnit XML, atomically.
pub fn write_junit(report: &Report, path: &std::path::Path) -> std::io::Result<()> {
    crate::atomic_file::write_atomically(path, to_junit_xml(report)?.as_bytes())
}
