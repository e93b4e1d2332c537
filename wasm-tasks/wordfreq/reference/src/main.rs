//! wordfreq — count word frequencies in text files or standard input.
//!
//! Reference implementation. The behaviour is specified in ../docs/README.md;
//! everything here is deterministic: counts live in a BTreeMap and the final
//! order is produced by an explicit sort.

use std::collections::BTreeMap;
use std::env;
use std::fs::{self, File};
use std::io::{self, ErrorKind, Read, Write};
use std::process::ExitCode;

const VERSION: &str = "wordfreq 1.0.0\n";

const USAGE: &str =
    "usage: wordfreq [-it] [-n N] [-m N] [-s alpha|count] [-f plain|csv|json] [-o FILE] [FILE...]\n";

const HELP: &str = "\
Usage: wordfreq [OPTIONS] [FILE...]

Count how often each word occurs in the FILEs and print one line per
distinct word, most frequent first. With no FILE, or when FILE is -,
read standard input.

Options:
  -n, --top N              print only the first N entries (N >= 1)
  -i, --ignore-case        fold words to lower case before counting
  -m, --min-length N       ignore words shorter than N characters
  -s, --sort alpha|count   order by word, or by count (default)
  -f, --format plain|csv|json
                           output format (default: plain)
  -o, --output FILE        write the result to FILE instead of stdout
  -t, --total              also report the total number of words counted
      --help               print this help and exit
      --version            print version information and exit

Environment:
  WORDFREQ_FORMAT          default output format (plain, csv or json)

Exit status: 0 success, 1 no words counted, 2 usage error,
3 a file could not be read or written.
";

/// Largest value accepted by `--top` and `--min-length`.
const MAX_NUMBER: u64 = 4_294_967_295;

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Format {
    Plain,
    Csv,
    Json,
}

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum SortKey {
    Count,
    Alpha,
}

#[derive(Debug)]
struct Options {
    top: Option<u64>,
    ignore_case: bool,
    min_length: u64,
    sort: SortKey,
    format: Option<Format>,
    output: Option<String>,
    total: bool,
    files: Vec<String>,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            top: None,
            ignore_case: false,
            min_length: 0,
            sort: SortKey::Count,
            format: None,
            output: None,
            total: false,
            files: Vec::new(),
        }
    }
}

enum Command {
    Run(Options),
    Help,
    Version,
}

/// A command-line usage error; the message is printed after "wordfreq: ".
struct UsageError(String);

fn parse_format(value: &str) -> Option<Format> {
    match value {
        "plain" => Some(Format::Plain),
        "csv" => Some(Format::Csv),
        "json" => Some(Format::Json),
        _ => None,
    }
}

/// Parses a decimal number made only of ASCII digits, at most MAX_NUMBER.
fn parse_number(value: &str) -> Option<u64> {
    if value.is_empty() || !value.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    value.parse::<u64>().ok().filter(|&n| n <= MAX_NUMBER)
}

/// Stores the value of a value-taking option. `key` is the short letter of
/// the option, `spelled` is the option as the user wrote it ("-n", "--top").
fn apply_value(
    opts: &mut Options,
    key: char,
    spelled: &str,
    value: &str,
) -> Result<(), UsageError> {
    let invalid = |expected: &str| {
        UsageError(format!(
            "invalid value '{value}' for option '{spelled}': expected {expected}"
        ))
    };
    match key {
        'n' => match parse_number(value) {
            Some(n) if n >= 1 => opts.top = Some(n),
            _ => return Err(invalid("a positive integer")),
        },
        'm' => match parse_number(value) {
            Some(n) => opts.min_length = n,
            None => return Err(invalid("a non-negative integer")),
        },
        's' => match value {
            "count" => opts.sort = SortKey::Count,
            "alpha" => opts.sort = SortKey::Alpha,
            _ => return Err(invalid("alpha or count")),
        },
        'f' => match parse_format(value) {
            Some(f) => opts.format = Some(f),
            None => return Err(invalid("plain, csv or json")),
        },
        'o' => {
            if value.is_empty() {
                return Err(invalid("a file name"));
            }
            opts.output = Some(value.to_string());
        }
        _ => unreachable!("not a value option: {key}"),
    }
    Ok(())
}

fn long_to_short(name: &str) -> Option<char> {
    Some(match name {
        "top" => 'n',
        "ignore-case" => 'i',
        "min-length" => 'm',
        "sort" => 's',
        "format" => 'f',
        "output" => 'o',
        "total" => 't',
        _ => return None,
    })
}

fn takes_value(key: char) -> bool {
    matches!(key, 'n' | 'm' | 's' | 'f' | 'o')
}

fn parse_args(args: &[String]) -> Result<Command, UsageError> {
    let mut opts = Options::default();
    let mut only_operands = false;
    let mut i = 0;
    while i < args.len() {
        let arg = &args[i];
        i += 1;
        if only_operands || arg == "-" || !arg.starts_with('-') {
            opts.files.push(arg.clone());
            continue;
        }
        if arg == "--" {
            only_operands = true;
            continue;
        }
        if let Some(long) = arg.strip_prefix("--") {
            let (name, inline) = match long.find('=') {
                Some(pos) => (&long[..pos], Some(&long[pos + 1..])),
                None => (long, None),
            };
            let spelled = format!("--{name}");
            let key = match name {
                "help" | "version" => None,
                _ => match long_to_short(name) {
                    Some(k) => Some(k),
                    None => return Err(UsageError(format!("unknown option '{spelled}'"))),
                },
            };
            match key {
                Some(k) if takes_value(k) => {
                    let value = match inline {
                        Some(v) => v.to_string(),
                        None if i < args.len() => {
                            i += 1;
                            args[i - 1].clone()
                        }
                        None => {
                            return Err(UsageError(format!(
                                "option '{spelled}' requires a value"
                            )))
                        }
                    };
                    apply_value(&mut opts, k, &spelled, &value)?;
                }
                _ => {
                    if inline.is_some() {
                        return Err(UsageError(format!(
                            "option '{spelled}' does not take a value"
                        )));
                    }
                    match (name, key) {
                        ("help", _) => return Ok(Command::Help),
                        ("version", _) => return Ok(Command::Version),
                        (_, Some('i')) => opts.ignore_case = true,
                        (_, Some('t')) => opts.total = true,
                        _ => unreachable!(),
                    }
                }
            }
            continue;
        }
        // A cluster of short options such as "-it" or "-in5".
        let letters: Vec<char> = arg[1..].chars().collect();
        let mut j = 0;
        while j < letters.len() {
            let c = letters[j];
            j += 1;
            let spelled = format!("-{c}");
            match c {
                'i' => opts.ignore_case = true,
                't' => opts.total = true,
                'n' | 'm' | 's' | 'f' | 'o' => {
                    let value = if j < letters.len() {
                        let rest: String = letters[j..].iter().collect();
                        j = letters.len();
                        rest
                    } else if i < args.len() {
                        i += 1;
                        args[i - 1].clone()
                    } else {
                        return Err(UsageError(format!("option '{spelled}' requires a value")));
                    };
                    apply_value(&mut opts, c, &spelled, &value)?;
                }
                _ => return Err(UsageError(format!("unknown option '{spelled}'"))),
            }
        }
    }
    Ok(Command::Run(opts))
}

/// Fixed, platform-independent texts for I/O failures.
fn reason(err: &io::Error) -> &'static str {
    match err.kind() {
        ErrorKind::NotFound => "No such file or directory",
        ErrorKind::PermissionDenied => "Permission denied",
        ErrorKind::IsADirectory => "Is a directory",
        ErrorKind::NotADirectory => "Not a directory",
        _ => "Input/output error",
    }
}

fn read_file(name: &str) -> Result<Vec<u8>, &'static str> {
    if name.is_empty() {
        return Err("No such file or directory");
    }
    let meta = fs::metadata(name).map_err(|e| reason(&e))?;
    if meta.is_dir() {
        return Err("Is a directory");
    }
    let mut file = File::open(name).map_err(|e| reason(&e))?;
    let mut data = Vec::new();
    file.read_to_end(&mut data).map_err(|e| reason(&e))?;
    Ok(data)
}

fn is_joiner(c: char) -> bool {
    c == '\'' || c == '-'
}

/// Calls `emit` for every word of `text`, in order of appearance.
///
/// A word is a maximal run of characters that are either alphanumeric
/// (`char::is_alphanumeric`) or an apostrophe / hyphen-minus that has an
/// alphanumeric character immediately on both sides.
fn for_each_word(text: &str, mut emit: impl FnMut(&str)) {
    let chars: Vec<(usize, char)> = text.char_indices().collect();
    let alnum_at = |k: usize| chars.get(k).is_some_and(|&(_, c)| c.is_alphanumeric());
    let mut start: Option<usize> = None;
    for (k, &(pos, c)) in chars.iter().enumerate() {
        let in_word = c.is_alphanumeric()
            || (is_joiner(c) && k > 0 && alnum_at(k - 1) && alnum_at(k + 1));
        match (in_word, start) {
            (true, None) => start = Some(pos),
            (false, Some(s)) => {
                emit(&text[s..pos]);
                start = None;
            }
            _ => {}
        }
    }
    if let Some(s) = start {
        emit(&text[s..]);
    }
}

fn json_string(out: &mut String, s: &str) {
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '\u{8}' => out.push_str("\\b"),
            '\u{c}' => out.push_str("\\f"),
            c if (c as u32) < 0x20 => out.push_str(&format!("\\u{:04x}", c as u32)),
            c => out.push(c),
        }
    }
    out.push('"');
}

fn render(entries: &[(String, u64)], format: Format, total: Option<u64>) -> String {
    let mut out = String::new();
    match format {
        Format::Plain => {
            for (word, count) in entries {
                out.push_str(&format!("{count}\t{word}\n"));
            }
            if let Some(t) = total {
                out.push_str(&format!("TOTAL\t{t}\n"));
            }
        }
        Format::Csv => {
            out.push_str("word,count\n");
            for (word, count) in entries {
                out.push_str(&format!("{word},{count}\n"));
            }
            if let Some(t) = total {
                out.push_str(&format!("(total),{t}\n"));
            }
        }
        Format::Json => {
            let mut array = String::from("[");
            for (k, (word, count)) in entries.iter().enumerate() {
                if k > 0 {
                    array.push(',');
                }
                array.push_str("{\"word\":");
                json_string(&mut array, word);
                array.push_str(&format!(",\"count\":{count}}}"));
            }
            array.push(']');
            match total {
                Some(t) => out.push_str(&format!("{{\"words\":{array},\"total\":{t}}}\n")),
                None => {
                    out.push_str(&array);
                    out.push('\n');
                }
            }
        }
    }
    out
}

fn write_output(path: &str, text: &str) -> Result<(), String> {
    if fs::metadata(path).map(|m| m.is_dir()).unwrap_or(false) {
        return Err(format!("cannot create '{path}': Is a directory"));
    }
    let mut file =
        File::create(path).map_err(|e| format!("cannot create '{path}': {}", reason(&e)))?;
    file.write_all(text.as_bytes())
        .and_then(|_| file.flush())
        .map_err(|e| format!("cannot write '{path}': {}", reason(&e)))
}

fn main() -> ExitCode {
    let args: Vec<String> = env::args_os()
        .skip(1)
        .map(|a| a.to_string_lossy().into_owned())
        .collect();

    let opts = match parse_args(&args) {
        Ok(Command::Run(opts)) => opts,
        Ok(Command::Help) => {
            print!("{HELP}");
            return ExitCode::SUCCESS;
        }
        Ok(Command::Version) => {
            print!("{VERSION}");
            return ExitCode::SUCCESS;
        }
        Err(UsageError(msg)) => {
            eprint!("wordfreq: {msg}\n{USAGE}");
            return ExitCode::from(2);
        }
    };

    let format = match opts.format {
        Some(f) => f,
        None => match env::var_os("WORDFREQ_FORMAT") {
            Some(v) if !v.is_empty() => {
                let v = v.to_string_lossy();
                match parse_format(&v) {
                    Some(f) => f,
                    None => {
                        eprintln!(
                            "wordfreq: invalid value '{v}' for WORDFREQ_FORMAT: expected plain, csv or json"
                        );
                        return ExitCode::from(2);
                    }
                }
            }
            _ => Format::Plain,
        },
    };

    let inputs: Vec<String> = if opts.files.is_empty() {
        vec!["-".to_string()]
    } else {
        opts.files.clone()
    };

    let mut counts: BTreeMap<String, u64> = BTreeMap::new();
    let mut io_failed = false;
    let mut stdin_consumed = false;
    for name in &inputs {
        let data = if name == "-" {
            if stdin_consumed {
                continue;
            }
            stdin_consumed = true;
            let mut data = Vec::new();
            if let Err(e) = io::stdin().lock().read_to_end(&mut data) {
                eprintln!("wordfreq: cannot read standard input: {}", reason(&e));
                io_failed = true;
                continue;
            }
            data
        } else {
            match read_file(name) {
                Ok(data) => data,
                Err(why) => {
                    eprintln!("wordfreq: cannot open '{name}': {why}");
                    io_failed = true;
                    continue;
                }
            }
        };
        let text = String::from_utf8_lossy(&data);
        for_each_word(&text, |word| {
            let word = if opts.ignore_case {
                word.to_lowercase()
            } else {
                word.to_string()
            };
            if word.chars().count() as u64 >= opts.min_length {
                *counts.entry(word).or_insert(0) += 1;
            }
        });
    }

    let total: u64 = counts.values().sum();
    // BTreeMap iteration is already ascending by word (byte order).
    let mut entries: Vec<(String, u64)> = counts.into_iter().collect();
    if opts.sort == SortKey::Count {
        entries.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
    }
    if let Some(n) = opts.top {
        entries.truncate(usize::try_from(n).unwrap_or(usize::MAX));
    }
    let text = render(&entries, format, opts.total.then_some(total));

    match opts.output.as_deref() {
        None | Some("-") => {
            let stdout = io::stdout();
            let mut lock = stdout.lock();
            let _ = lock.write_all(text.as_bytes()).and_then(|_| lock.flush());
        }
        Some(path) => {
            if let Err(msg) = write_output(path, &text) {
                eprintln!("wordfreq: {msg}");
                io_failed = true;
            }
        }
    }

    if io_failed {
        ExitCode::from(3)
    } else if total == 0 {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    }
}
