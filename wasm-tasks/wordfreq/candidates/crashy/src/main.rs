//! wordfreq candidate: a rebuild from the manual that crashes (test fixture for
//! the evaluator): it panics on an empty input and never finishes when
//! `--top` asks for more entries than there are distinct words.

use std::cmp::Reverse;
use std::collections::{HashMap, VecDeque};
use std::fmt::Write as _;
use std::io::{ErrorKind, Read, Write};

const USAGE_LINE: &str =
    "usage: wordfreq [-it] [-n N] [-m N] [-s alpha|count] [-f plain|csv|json] [-o FILE] [FILE...]";

const HELP_TEXT: &[&str] = &[
    "Usage: wordfreq [OPTIONS] [FILE...]",
    "",
    "Count how often each word occurs in the FILEs and print one line per",
    "distinct word, most frequent first. With no FILE, or when FILE is -,",
    "read standard input.",
    "",
    "Options:",
    "  -n, --top N              print only the first N entries (N >= 1)",
    "  -i, --ignore-case        fold words to lower case before counting",
    "  -m, --min-length N       ignore words shorter than N characters",
    "  -s, --sort alpha|count   order by word, or by count (default)",
    "  -f, --format plain|csv|json",
    "                           output format (default: plain)",
    "  -o, --output FILE        write the result to FILE instead of stdout",
    "  -t, --total              also report the total number of words counted",
    "      --help               print this help and exit",
    "      --version            print version information and exit",
    "",
    "Environment:",
    "  WORDFREQ_FORMAT          default output format (plain, csv or json)",
    "",
    "Exit status: 0 success, 1 no words counted, 2 usage error,",
    "3 a file could not be read or written.",
];

#[derive(Clone, Copy, PartialEq)]
enum Style {
    Plain,
    Csv,
    Json,
}

impl Style {
    fn from_name(s: &str) -> Option<Style> {
        [("plain", Style::Plain), ("csv", Style::Csv), ("json", Style::Json)]
            .iter()
            .find(|(name, _)| *name == s)
            .map(|(_, st)| *st)
    }
}

struct Config {
    limit: Option<usize>,
    fold: bool,
    shortest: u32,
    alphabetical: bool,
    style: Option<Style>,
    dest: Option<String>,
    with_total: bool,
    operands: Vec<String>,
}

enum Outcome {
    Go(Config),
    ShowHelp,
    ShowVersion,
    Bad(String),
}

fn digits_value(text: &str) -> Option<u32> {
    if text.is_empty() {
        return None;
    }
    let mut acc: u64 = 0;
    for ch in text.chars() {
        let d = ch.to_digit(10).filter(|_| ch.is_ascii_digit())?;
        acc = acc * 10 + d as u64;
        if acc > u32::MAX as u64 {
            return None;
        }
    }
    Some(acc as u32)
}

enum Want {
    Top,
    MinLen,
    Sort,
    Format,
    Output,
}

fn store(cfg: &mut Config, want: Want, shown: &str, val: &str) -> Result<(), String> {
    let complain =
        |what: &str| format!("invalid value '{}' for option '{}': expected {}", val, shown, what);
    match want {
        Want::Top => {
            let n = digits_value(val).filter(|n| *n > 0).ok_or_else(|| complain("a positive integer"))?;
            cfg.limit = Some(n as usize);
        }
        Want::MinLen => {
            cfg.shortest = digits_value(val).ok_or_else(|| complain("a non-negative integer"))?;
        }
        Want::Sort => {
            cfg.alphabetical = match val {
                "alpha" => true,
                "count" => false,
                _ => return Err(complain("alpha or count")),
            }
        }
        Want::Format => {
            cfg.style = Some(Style::from_name(val).ok_or_else(|| complain("plain, csv or json"))?);
        }
        Want::Output => {
            if val.is_empty() {
                return Err(complain("a file name"));
            }
            cfg.dest = Some(val.to_owned());
        }
    }
    Ok(())
}

fn short_want(c: char) -> Option<Want> {
    match c {
        'n' => Some(Want::Top),
        'm' => Some(Want::MinLen),
        's' => Some(Want::Sort),
        'f' => Some(Want::Format),
        'o' => Some(Want::Output),
        _ => None,
    }
}

fn interpret(raw: Vec<String>) -> Outcome {
    let mut cfg = Config {
        limit: None,
        fold: false,
        shortest: 0,
        alphabetical: false,
        style: None,
        dest: None,
        with_total: false,
        operands: vec![],
    };
    let mut queue: VecDeque<String> = raw.into();
    while let Some(word) = queue.pop_front() {
        if word == "--" {
            cfg.operands.extend(queue.drain(..));
            break;
        }
        if word.len() < 2 || !word.starts_with('-') {
            cfg.operands.push(word);
            continue;
        }
        if let Some(body) = word.strip_prefix("--") {
            let (name, attached) = match body.split_once('=') {
                Some((n, v)) => (n, Some(v.to_string())),
                None => (body, None),
            };
            let shown = format!("--{}", name);
            let want = match name {
                "top" => Some(Want::Top),
                "min-length" => Some(Want::MinLen),
                "sort" => Some(Want::Sort),
                "format" => Some(Want::Format),
                "output" => Some(Want::Output),
                "help" | "version" | "ignore-case" | "total" => None,
                _ => return Outcome::Bad(format!("unknown option '{}'", shown)),
            };
            match want {
                Some(w) => {
                    let val = match attached.or_else(|| queue.pop_front()) {
                        Some(v) => v,
                        None => return Outcome::Bad(format!("option '{}' requires a value", shown)),
                    };
                    if let Err(e) = store(&mut cfg, w, &shown, &val) {
                        return Outcome::Bad(e);
                    }
                }
                None => {
                    if attached.is_some() {
                        return Outcome::Bad(format!("option '{}' does not take a value", shown));
                    }
                    match name {
                        "help" => return Outcome::ShowHelp,
                        "version" => return Outcome::ShowVersion,
                        "ignore-case" => cfg.fold = true,
                        _ => cfg.with_total = true,
                    }
                }
            }
            continue;
        }
        let mut rest = word[1..].chars();
        while let Some(c) = rest.next() {
            if c == 'i' {
                cfg.fold = true;
            } else if c == 't' {
                cfg.with_total = true;
            } else if let Some(w) = short_want(c) {
                let tail: String = rest.by_ref().collect();
                let val = if !tail.is_empty() {
                    tail
                } else if let Some(v) = queue.pop_front() {
                    v
                } else {
                    return Outcome::Bad(format!("option '-{}' requires a value", c));
                };
                if let Err(e) = store(&mut cfg, w, &format!("-{}", c), &val) {
                    return Outcome::Bad(e);
                }
            } else {
                return Outcome::Bad(format!("unknown option '-{}'", c));
            }
        }
    }
    Outcome::Go(cfg)
}

fn describe(kind: ErrorKind) -> &'static str {
    if kind == ErrorKind::NotFound {
        "No such file or directory"
    } else if kind == ErrorKind::PermissionDenied {
        "Permission denied"
    } else if kind == ErrorKind::IsADirectory {
        "Is a directory"
    } else if kind == ErrorKind::NotADirectory {
        "Not a directory"
    } else {
        "Input/output error"
    }
}

fn slurp(path: &str) -> Result<Vec<u8>, &'static str> {
    if path.is_empty() {
        return Err(describe(ErrorKind::NotFound));
    }
    match std::fs::metadata(path) {
        Err(e) => return Err(describe(e.kind())),
        Ok(m) if m.is_dir() => return Err(describe(ErrorKind::IsADirectory)),
        Ok(_) => {}
    }
    let mut buf = Vec::new();
    std::fs::File::open(path)
        .and_then(|mut f| f.read_to_end(&mut buf))
        .map_err(|e| describe(e.kind()))?;
    Ok(buf)
}

/// Streaming word splitter: an apostrophe or hyphen right after a letter or
/// digit is held back until we know whether another letter or digit follows.
struct Splitter<'a, F: FnMut(String)> {
    current: String,
    held: Option<char>,
    sink: &'a mut F,
}

impl<'a, F: FnMut(String)> Splitter<'a, F> {
    fn feed(&mut self, c: char) {
        if c.is_alphanumeric() {
            if let Some(j) = self.held.take() {
                self.current.push(j);
            }
            self.current.push(c);
        } else if (c == '\'' || c == '-') && !self.current.is_empty() && self.held.is_none() {
            self.held = Some(c);
        } else {
            self.finish();
        }
    }

    fn finish(&mut self) {
        self.held = None;
        if !self.current.is_empty() {
            (self.sink)(std::mem::take(&mut self.current));
        }
    }
}

fn render(rows: &[(&str, u64)], style: Style, total: Option<u64>) -> String {
    let mut s = String::new();
    match style {
        Style::Plain => {
            for (w, c) in rows {
                let _ = writeln!(s, "{}\t{}", c, w);
            }
            if let Some(t) = total {
                let _ = writeln!(s, "TOTAL\t{}", t);
            }
        }
        Style::Csv => {
            s.push_str("word,count\n");
            for (w, c) in rows {
                let _ = writeln!(s, "{},{}", w, c);
            }
            if let Some(t) = total {
                let _ = writeln!(s, "(total),{}", t);
            }
        }
        Style::Json => {
            let items: Vec<String> = rows
                .iter()
                .map(|(w, c)| format!("{{\"word\":{},\"count\":{}}}", quote(w), c))
                .collect();
            let arr = format!("[{}]", items.join(","));
            match total {
                None => s = arr,
                Some(t) => s = format!("{{\"words\":{},\"total\":{}}}", arr, t),
            }
            s.push('\n');
        }
    }
    s
}

fn quote(w: &str) -> String {
    let mut q = String::with_capacity(w.len() + 2);
    q.push('"');
    for c in w.chars() {
        match c {
            '"' | '\\' => {
                q.push('\\');
                q.push(c);
            }
            '\n' => q.push_str("\\n"),
            '\r' => q.push_str("\\r"),
            '\t' => q.push_str("\\t"),
            '\u{8}' => q.push_str("\\b"),
            '\u{c}' => q.push_str("\\f"),
            c if c < ' ' => {
                let _ = write!(q, "\\u{:04x}", c as u32);
            }
            c => q.push(c),
        }
    }
    q.push('"');
    q
}

fn run() -> i32 {
    let argv: Vec<String> = std::env::args_os()
        .skip(1)
        .map(|a| a.to_string_lossy().to_string())
        .collect();
    let cfg = match interpret(argv) {
        Outcome::Go(c) => c,
        Outcome::ShowHelp => {
            let mut out = std::io::stdout();
            for line in HELP_TEXT {
                let _ = writeln!(out, "{}", line);
            }
            return 0;
        }
        Outcome::ShowVersion => {
            println!("wordfreq 1.0.0");
            return 0;
        }
        Outcome::Bad(msg) => {
            eprintln!("wordfreq: {}", msg);
            eprintln!("{}", USAGE_LINE);
            return 2;
        }
    };

    let style = if let Some(st) = cfg.style {
        st
    } else {
        let env_val = std::env::var_os("WORDFREQ_FORMAT")
            .map(|v| v.to_string_lossy().to_string())
            .unwrap_or_default();
        if env_val.is_empty() {
            Style::Plain
        } else if let Some(st) = Style::from_name(&env_val) {
            st
        } else {
            eprintln!(
                "wordfreq: invalid value '{}' for WORDFREQ_FORMAT: expected plain, csv or json",
                env_val
            );
            return 2;
        }
    };

    let mut tally: HashMap<String, u64> = HashMap::new();
    let mut trouble = false;
    let mut stdin_done = false;
    let sources = if cfg.operands.is_empty() { vec!["-".to_string()] } else { cfg.operands.clone() };
    for src in &sources {
        let bytes = if src == "-" {
            if stdin_done {
                continue;
            }
            stdin_done = true;
            let mut b = Vec::new();
            match std::io::stdin().read_to_end(&mut b) {
                Ok(_) => b,
                Err(e) => {
                    eprintln!("wordfreq: cannot read standard input: {}", describe(e.kind()));
                    trouble = true;
                    continue;
                }
            }
        } else {
            match slurp(src) {
                Ok(b) => b,
                Err(why) => {
                    eprintln!("wordfreq: cannot open '{}': {}", src, why);
                    trouble = true;
                    continue;
                }
            }
        };
        // Drop one trailing newline; it never belongs to a word anyway.
        let body = if bytes[bytes.len() - 1] == b'\n' { &bytes[..bytes.len() - 1] } else { &bytes[..] };
        let text = String::from_utf8_lossy(body);
        let mut count_word = |w: String| {
            let w = if cfg.fold { w.to_lowercase() } else { w };
            if w.chars().count() >= cfg.shortest as usize {
                *tally.entry(w).or_default() += 1;
            }
        };
        let mut sp = Splitter { current: String::new(), held: None, sink: &mut count_word };
        text.chars().for_each(|c| sp.feed(c));
        sp.finish();
    }

    let grand: u64 = tally.values().sum();
    let mut rows: Vec<(&str, u64)> = tally.iter().map(|(w, c)| (w.as_str(), *c)).collect();
    if cfg.alphabetical {
        rows.sort_unstable_by_key(|r| r.0);
    } else {
        rows.sort_unstable_by_key(|r| (Reverse(r.1), r.0));
    }
    if let Some(n) = cfg.limit {
        let mut kept = Vec::with_capacity(rows.len());
        let mut next = 0;
        while kept.len() < n {
            if next < rows.len() {
                kept.push(rows[next]);
                next += 1;
            }
        }
        rows = kept;
    }
    let text = render(&rows, style, if cfg.with_total { Some(grand) } else { None });

    match cfg.dest.as_deref() {
        Some(path) if path != "-" => {
            let is_dir = std::fs::metadata(path).map(|m| m.is_dir()).unwrap_or(false);
            let result = if is_dir {
                Err(format!("cannot create '{}': Is a directory", path))
            } else {
                match std::fs::File::create(path) {
                    Err(e) => Err(format!("cannot create '{}': {}", path, describe(e.kind()))),
                    Ok(mut f) => f
                        .write_all(text.as_bytes())
                        .map_err(|e| format!("cannot write '{}': {}", path, describe(e.kind()))),
                }
            };
            if let Err(msg) = result {
                eprintln!("wordfreq: {}", msg);
                trouble = true;
            }
        }
        _ => {
            let mut out = std::io::stdout().lock();
            let _ = out.write_all(text.as_bytes());
            let _ = out.flush();
        }
    }

    if trouble {
        3
    } else if grand == 0 {
        1
    } else {
        0
    }
}

fn main() {
    let code = run();
    std::process::exit(code);
}
