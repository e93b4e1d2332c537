//! Integration tests: the sandbox on tiny `.wat` guests, and the `cleanroom` command on
//! the bundled task and on small tasks made in temporary folders.

#[cfg(unix)]
mod c_toolchain;
mod check;
mod cli;
mod determinism;
mod filesystem;
mod fuzz_parsers;
mod hostile;
#[cfg(unix)]
mod native;
mod recipes;
mod resume;
mod sandbox;
mod scale;
mod support;
mod task_errors;
mod task_scripts;
mod web_demo;
