//! Pure judgement: (expectation, observation, rules) → verdict with a readable diff.
//! No I/O. Reports stay small: excerpts and diffs are bounded (see `text`).

mod judge;
mod normalize;
mod status;
mod text;

pub use judge::judge;
pub use normalize::normalize;
pub use status::{CaseDetails, Mismatch, Status, Verdict};
pub use text::{DIFF_INPUT_BYTES, REPORT_TEXT_BYTES};
