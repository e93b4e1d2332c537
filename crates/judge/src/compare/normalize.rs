//! The named comparisons of an output stream.

use std::borrow::Cow;

use crate::expect::CompareMode;

/// The bytes that are compared under `mode` (`None` for `ignore`).
pub fn normalize(mode: CompareMode, bytes: &[u8]) -> Option<Cow<'_, [u8]>> {
    match mode {
        CompareMode::Exact => Some(Cow::Borrowed(bytes)),
        CompareMode::Ignore => None,
        CompareMode::Normalized => Some(Cow::Owned(normalized_lines(bytes).join(&b'\n'))),
        CompareMode::SortedLines => {
            let mut lines = normalized_lines(bytes);
            lines.sort_unstable();
            Some(Cow::Owned(lines.join(&b'\n')))
        }
    }
}

/// Lines with CR before LF and trailing spaces/tabs removed, without trailing blank lines.
fn normalized_lines(bytes: &[u8]) -> Vec<&[u8]> {
    let mut lines: Vec<&[u8]> = bytes
        .split(|&b| b == b'\n')
        .map(|line| {
            let end = line
                .iter()
                .rposition(|&b| !matches!(b, b' ' | b'\t' | b'\r'))
                .map_or(0, |i| i + 1);
            &line[..end]
        })
        .collect();
    while lines.last().is_some_and(|line| line.is_empty()) {
        lines.pop();
    }
    lines
}

#[cfg(test)]
mod tests {
    use super::*;

    fn norm(mode: CompareMode, text: &str) -> Option<Vec<u8>> {
        normalize(mode, text.as_bytes()).map(|c| c.into_owned())
    }

    #[test]
    fn normalized_ignores_line_endings_and_trailing_space_only() {
        assert_eq!(
            norm(CompareMode::Normalized, "a  \r\nb\t\n\n\n"),
            norm(CompareMode::Normalized, "a\nb")
        );
        assert_ne!(
            norm(CompareMode::Normalized, " a\n"),
            norm(CompareMode::Normalized, "a\n")
        );
        assert_ne!(
            norm(CompareMode::Normalized, "a\n\nb"),
            norm(CompareMode::Normalized, "a\nb")
        );
    }

    #[test]
    fn sorted_lines_ignores_order_not_content() {
        assert_eq!(
            norm(CompareMode::SortedLines, "b\na\n"),
            norm(CompareMode::SortedLines, "a\nb\n")
        );
        assert_ne!(
            norm(CompareMode::SortedLines, "a\na\n"),
            norm(CompareMode::SortedLines, "a\n")
        );
    }

    #[test]
    fn ignore_and_exact() {
        assert_eq!(norm(CompareMode::Ignore, "x"), None);
        assert_ne!(
            norm(CompareMode::Exact, "a\n"),
            norm(CompareMode::Exact, "a")
        );
    }
}
