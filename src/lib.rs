//! Cleanroom: evaluates a candidate program against a reference, case by case, inside a
//! deterministic WebAssembly sandbox. The pipeline, one module per stage:
//!
//! task → build → sandbox → observation → compare → events → report

pub mod atomic_file;
pub mod build;
pub mod cli;
pub mod events;
pub mod exit_codes;
pub mod export_web;
pub mod isolation;
pub mod limits;
pub mod partition;
pub mod report;
pub mod runner;
pub mod sandbox;
pub mod task;

// The pure judgement lives in the `cleanroom-judge` crate (shared with the web demo).
pub use cleanroom_judge::{compare, metrics, observation};
