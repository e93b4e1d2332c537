//! dice (a rebuild from the docs and public cases): rolls dice written as NdM, NdM+K or NdM-K with the system's random numbers.
//!
//! Usage: dice [--time] [--log FILE] SPEC...
//! Each die takes 4 bytes of one `random_get` call per SPEC (little-endian u32), and
//! rolls 1 + (value % M). `--time` prints when the roll happened (UTC, milliseconds) and
//! how long it took; `--log FILE` appends the result lines to FILE.

use std::io::Write;
use std::process::ExitCode;
use std::time::{Instant, SystemTime, UNIX_EPOCH};

#[link(wasm_import_module = "wasi_snapshot_preview1")]
extern "C" {
    fn random_get(buf: *mut u8, len: usize) -> u16;
}

struct Spec {
    text: String,
    count: u32,
    sides: u32,
    modifier: i64,
}

fn parse(text: &str) -> Result<Spec, String> {
    let bad = || format!("dice: invalid spec '{text}': expected NdM, NdM+K or NdM-K");
    let (count, rest) = text.split_once('d').ok_or_else(bad)?;
    let (sides, modifier) = match rest.find(['+', '-']) {
        Some(at) => (&rest[..at], rest[at..].parse::<i64>().map_err(|_| bad())?),
        None => (rest, 0),
    };
    let count: u32 = if count.is_empty() { 1 } else { count.parse().map_err(|_| bad())? };
    let sides: u32 = sides.parse().map_err(|_| bad())?;
    if count == 0 || count > 1000 {
        return Err(format!("dice: '{text}': between 1 and 1000 dice, please"));
    }
    if sides == 0 {
        return Err(format!("dice: '{text}': a die has at least one side"));
    }
    Ok(Spec { text: text.to_string(), count, sides, modifier })
}

fn random_bytes(len: usize) -> Vec<u8> {
    let mut buf = vec![0u8; len];
    // SAFETY: the buffer is valid for `len` bytes.
    let errno = unsafe { random_get(buf.as_mut_ptr(), len) };
    assert_eq!(errno, 0, "random_get failed");
    buf
}

fn roll(spec: &Spec) -> String {
    let bytes = random_bytes(4 * spec.count as usize);
    let rolls: Vec<u32> = bytes
        .chunks_exact(4)
        .map(|b| 1 + u32::from_le_bytes([b[0], b[1], b[2], b[3]]) % spec.sides)
        .collect();
    let total: i64 = rolls.iter().map(|&r| i64::from(r)).sum::<i64>() + spec.modifier;
    let shown: Vec<String> = rolls.iter().map(u32::to_string).collect();
    let modifier = match spec.modifier {
        0 => String::new(),
        m if m > 0 => format!(" +{m}"),
        m => format!(" {m}"),
    };
    format!("{}: {}{} = {}", spec.text, shown.join(" "), modifier, total)
}

/// `2024-01-01T00:00:00.001Z` from milliseconds since the epoch.
fn iso8601(ms: u128) -> String {
    let secs = (ms / 1000) as i64;
    let (days, rem) = (secs.div_euclid(86_400), secs.rem_euclid(86_400));
    // Civil date from days since 1970-01-01 (Howard Hinnant's algorithm).
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    format!(
        "{year:04}-{month:02}-{day:02}T{:02}:{:02}:{:02}.{:03}Z",
        rem / 3600,
        rem % 3600 / 60,
        rem % 60,
        ms % 1000
    )
}

fn main() -> ExitCode {
    let mut args = std::env::args().skip(1);
    let (mut time, mut log, mut specs) = (false, None, Vec::new());
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--time" => time = true,
            "--log" => match args.next() {
                Some(file) => log = Some(file),
                None => {
                    eprintln!("dice: --log needs a file name");
                    return ExitCode::from(2);
                }
            },
            _ => match parse(&arg) {
                Ok(spec) => specs.push(spec),
                Err(message) => {
                    eprintln!("{message}");
                    return ExitCode::from(2);
                }
            },
        }
    }
    if specs.is_empty() {
        eprintln!("usage: dice [--time] [--log FILE] SPEC...   (SPEC: NdM, NdM+K, NdM-K)");
        return ExitCode::from(2);
    }
    let mut lines = Vec::new();
    if time {
        let now = SystemTime::now().duration_since(UNIX_EPOCH).expect("after 1970");
        lines.push(format!("rolled at {}", iso8601(now.as_millis())));
    }
    let started = Instant::now();
    for spec in &specs {
        lines.push(roll(spec));
    }
    if time {
        lines.push(format!("took {} ms", started.elapsed().as_millis()));
    }
    let mut out = std::io::stdout().lock();
    for line in &lines {
        let _ = writeln!(out, "{line}");
    }
    if let Some(path) = log {
        let file = std::fs::OpenOptions::new().create(true).append(true).open(&path);
        match file {
            Ok(mut file) => {
                for line in &lines {
                    let _ = writeln!(file, "{line}");
                }
            }
            Err(err) => {
                eprintln!("dice: cannot open {path}: {err}");
                return ExitCode::from(1);
            }
        }
    }
    ExitCode::SUCCESS
}
