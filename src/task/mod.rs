//! Tasks: a folder with `task.toml`, `docs/` and `tests/*.toml`, read into plain types.
//! Nothing here runs anything; `record_file` writes expectations back into case files.

mod error;
mod ignore;
mod load;
mod model;
mod record_file;

pub use error::TaskError;
pub use ignore::{IgnoreReason, Ignored};
pub mod ignore_file {
    //! Reading and writing `ignore.toml`.
    pub use super::ignore::{FILE, by_case, write};
}
pub use load::{discover_tasks, load_task};
pub use model::{
    Candidate, CandidateOrigin, Case, CaseFile, CompareMode, CompareRules, Expectation,
    ExpectedFile, ProgramSource, Task, Visibility,
};
pub use record_file::{hex as hex_digest, write_expectations};
