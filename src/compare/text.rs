//! Bounded text for reports: excerpts and unified diffs that stay small whatever a
//! candidate writes, and are the same on every run (no time-based diff deadlines).

use similar::TextDiff;

/// The most bytes of expected/actual text kept in a report field.
pub const REPORT_TEXT_BYTES: usize = 4 * 1024;
/// The most bytes of each side fed to the diff, and the most bytes of diff kept.
pub const DIFF_INPUT_BYTES: usize = 32 * 1024;
const DIFF_OUTPUT_BYTES: usize = 8 * 1024;

/// Bytes as text for people: UTF-8 as it is, every byte that is not UTF-8 as `\xNN`, so
/// that two outputs differing only in such bytes look different (a lossy conversion would
/// show both as U+FFFD).
pub fn readable(bytes: &[u8]) -> std::borrow::Cow<'_, str> {
    if let Ok(text) = std::str::from_utf8(bytes) {
        return std::borrow::Cow::Borrowed(text);
    }
    let mut text = String::with_capacity(bytes.len() + 16);
    for chunk in bytes.utf8_chunks() {
        text.push_str(chunk.valid());
        for byte in chunk.invalid() {
            text.push_str(&format!("\\x{byte:02x}"));
        }
    }
    std::borrow::Cow::Owned(text)
}

/// [`readable`] text of at most [`REPORT_TEXT_BYTES`] bytes of input; true when cut.
pub fn excerpt(bytes: &[u8]) -> (String, bool) {
    let cut = bytes.len() > REPORT_TEXT_BYTES;
    (
        readable(&bytes[..bytes.len().min(REPORT_TEXT_BYTES)]).into_owned(),
        cut,
    )
}

/// A unified line diff, expected → actual; true when inputs or output were cut.
pub fn unified_diff(expected: &[u8], actual: &[u8]) -> (String, bool) {
    let mut cut = expected.len() > DIFF_INPUT_BYTES || actual.len() > DIFF_INPUT_BYTES;
    let expected = readable(&expected[..expected.len().min(DIFF_INPUT_BYTES)]);
    let actual = readable(&actual[..actual.len().min(DIFF_INPUT_BYTES)]);
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
    fn bytes_that_are_not_utf8_stay_distinguishable() {
        let (expected, _) = excerpt(b"caf\xe9\n");
        let (actual, _) = excerpt(b"caf\xc3\xa9\n");
        assert_eq!(expected, "caf\\xe9\n");
        assert_eq!(actual, "café\n");
        let (diff, _) = unified_diff(b"a\xff\n", b"a\xfe\n");
        assert!(
            diff.contains("-a\\xff\n") && diff.contains("+a\\xfe\n"),
            "{diff}"
        );
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
