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

/// The 1-based line number of byte `offset` in `text` (one lookup; see [`LineIndex`]).
pub(crate) fn line_of(text: &str, offset: usize) -> usize {
    LineIndex::new(text).line(offset)
}

/// Line numbers of byte offsets, for many lookups in one text: each is a binary search,
/// so locating every case of a large file stays linear overall.
pub(crate) struct LineIndex {
    newlines: Vec<usize>,
}

impl LineIndex {
    pub(crate) fn new(text: &str) -> Self {
        let newlines = text
            .bytes()
            .enumerate()
            .filter(|&(_, b)| b == b'\n')
            .map(|(i, _)| i)
            .collect();
        LineIndex { newlines }
    }

    /// The 1-based line holding byte `offset`.
    pub(crate) fn line(&self, offset: usize) -> usize {
        self.newlines.partition_point(|&newline| newline < offset) + 1
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn line_numbers_match_a_plain_count() {
        let text = "a\nbb\n\nccc\n";
        let index = LineIndex::new(text);
        for offset in 0..=text.len() {
            let counted = text.as_bytes()[..offset]
                .iter()
                .filter(|&&b| b == b'\n')
                .count()
                + 1;
            assert_eq!(index.line(offset), counted, "offset {offset}");
        }
    }
}
