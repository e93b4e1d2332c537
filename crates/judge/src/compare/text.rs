//! Bounded text for reports: excerpts and unified diffs that stay small whatever a
//! candidate writes, and are the same on every run (no time-based diff deadlines).

use similar::TextDiff;

/// The most bytes of expected/actual text kept in a report field.
pub const REPORT_TEXT_BYTES: usize = 4 * 1024;
/// The most bytes of each side fed to the diff, and the most bytes of diff kept.
pub const DIFF_INPUT_BYTES: usize = 32 * 1024;
const DIFF_OUTPUT_BYTES: usize = 8 * 1024;

/// Lossy UTF-8 of at most [`REPORT_TEXT_BYTES`] bytes; true when cut.
pub fn excerpt(bytes: &[u8]) -> (String, bool) {
    let cut = bytes.len() > REPORT_TEXT_BYTES;
    (
        String::from_utf8_lossy(&bytes[..bytes.len().min(REPORT_TEXT_BYTES)]).into_owned(),
        cut,
    )
}

/// A unified line diff, expected → actual; true when inputs or output were cut.
pub fn unified_diff(expected: &[u8], actual: &[u8]) -> (String, bool) {
    let mut cut = expected.len() > DIFF_INPUT_BYTES || actual.len() > DIFF_INPUT_BYTES;
    let expected = String::from_utf8_lossy(&expected[..expected.len().min(DIFF_INPUT_BYTES)]);
    let actual = String::from_utf8_lossy(&actual[..actual.len().min(DIFF_INPUT_BYTES)]);
    let diff = TextDiff::from_lines(expected.as_ref(), actual.as_ref());
    let mut text = diff
        .unified_diff()
        .context_radius(3)
        .header("expected", "actual")
        .to_string();
    if text.len() > DIFF_OUTPUT_BYTES {
        let mut end = DIFF_OUTPUT_BYTES;
        while !text.is_char_boundary(end) {
            end -= 1;
        }
        text.truncate(end);
        cut = true;
    }
    (text, cut)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn diff_marks_changed_lines() {
        let (diff, cut) = unified_diff(b"a\nb\nc\n", b"a\nB\nc\n");
        assert!(!cut);
        assert!(diff.contains("-b\n") && diff.contains("+B\n"), "{diff}");
    }

    #[test]
    fn huge_inputs_are_bounded() {
        let big = vec![b'x'; 10 * 1024 * 1024];
        let (diff, cut) = unified_diff(b"", &big);
        assert!(cut && diff.len() <= DIFF_OUTPUT_BYTES);
        let (text, cut) = excerpt(&big);
        assert!(cut && text.len() == REPORT_TEXT_BYTES);
    }
}
