//! The one error type of task loading: it always names the file, the line when known,
//! what is wrong and what to do about it.

use std::fmt;
use std::path::{Path, PathBuf};

/// A task folder or one of its files cannot be used.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TaskError {
    pub path: PathBuf,
    /// 1-based line, when the problem has one.
    pub line: Option<usize>,
    pub message: String,
    /// What the user can do; may be empty.
    pub help: String,
}

impl TaskError {
    pub fn new(path: &Path, line: Option<usize>, message: impl Into<String>) -> Self {
        TaskError {
            path: path.to_path_buf(),
            line,
            message: message.into(),
            help: String::new(),
        }
    }

    pub fn help(mut self, help: impl Into<String>) -> Self {
        self.help = help.into();
        self
    }

    /// Turns a TOML parse error into a located error, with the line computed from its span.
    pub fn from_toml(path: &Path, text: &str, err: &toml::de::Error) -> Self {
        let line = err.span().map(|span| line_of(text, span.start));
        TaskError::new(path, line, err.message().trim().to_string())
    }
}

impl fmt::Display for TaskError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.path.display())?;
        if let Some(line) = self.line {
            write!(f, ":{line}")?;
        }
        write!(f, ": {}", self.message)?;
        if !self.help.is_empty() {
            write!(f, "\n  help: {}", self.help)?;
        }
        Ok(())
    }
}

impl std::error::Error for TaskError {}

/// The 1-based line number of byte `offset` in `text`.
pub(crate) fn line_of(text: &str, offset: usize) -> usize {
    let end = offset.min(text.len());
    text.as_bytes()[..end]
        .iter()
        .filter(|&&b| b == b'\n')
        .count()
        + 1
}
