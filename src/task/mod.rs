//! Tasks: a folder with `task.toml`, `docs/` and `tests/*.toml`, read into plain types.
//! Nothing here runs anything; `record_file` writes expectations back into case files.

mod error;
mod load;
mod model;
mod record_file;

pub use error::TaskError;
pub use load::{discover_tasks, load_task};
pub use model::{
    Candidate, CandidateOrigin, Case, CaseFile, CompareMode, CompareRules, Expectation,
    ExpectedFile, ProgramSource, Task, Visibility,
};
pub use record_file::{hex as hex_digest, write_expectations};
