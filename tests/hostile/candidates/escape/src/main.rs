//! A candidate that tries every way out of the wasm sandbox it can think of, and prints
//! "hello" (the reference's output) only if all of them failed. Anything that worked is
//! printed instead, so the case fails and the report shows what escaped.

use std::io::Read;

fn main() {
    let mut escaped: Vec<String> = Vec::new();
    let mut check = |what: &str, worked: bool| {
        if worked {
            escaped.push(what.to_string());
        }
    };
    let canary = std::env::var("CANARY").unwrap_or_default();

    // Exactly the case's environment: nothing of the host leaks in.
    let case_vars = ["BIG", "CANARY", "PORT", "REFERENCE"];
    let vars: Vec<String> = std::env::vars().map(|(k, _)| k).collect();
    check(
        &format!("saw host environment {vars:?}"),
        vars.iter().any(|k| !case_vars.contains(&k.as_str())),
    );

    // Absolute paths and `..`.
    check("read the canary", std::fs::read(&canary).is_ok());
    check("wrote the canary", std::fs::write(&canary, "pwned").is_ok());
    // The working directory holds the case's files and nothing else (no reference).
    let list = |path: &str| -> Option<Vec<String>> {
        let mut names: Vec<String> = std::fs::read_dir(path)
            .ok()?
            .filter_map(|e| e.ok().map(|e| e.file_name().to_string_lossy().into_owned()))
            .collect();
        names.sort();
        Some(names)
    };
    let own = list(".").unwrap_or_default();
    check(&format!("found {own:?} in its folder"), own != ["data.txt"]);

    for path in ["/etc/passwd", "/", "../task.toml", "../../", "..", "/proc/self/exe"] {
        check(&format!("read {path}"), std::fs::read(path).is_ok());
        // `/` may name the sandbox's own root (the case folder): only other files count.
        let listed = list(path);
        check(
            &format!("listed {path}: {listed:?}"),
            listed.is_some_and(|names| names != own),
        );
    }

    // Symlinks planted to point outside, then followed.
    for (target, link) in [("/etc/passwd", "l1"), ("..", "l2"), (canary.as_str(), "l3"), ("../../..", "l4")] {
        #[allow(deprecated)] // the stable way to make a symlink on WASI
        if std::fs::soft_link(target, link).is_ok() {
            check(&format!("read through {link} -> {target}"), std::fs::read(link).is_ok());
            check(&format!("listed through {link} -> {target}"), std::fs::read_dir(link).is_ok());
            check(&format!("wrote through {link} -> {target}"), std::fs::write(format!("{link}/x"), "x").is_ok());
            let _ = std::fs::remove_file(link);
        }
    }

    // A very long path: an error, not a crash, and nothing outside.
    let long = "d/".repeat(5000) + "f";
    let _ = std::fs::create_dir_all(&long);
    let _ = std::fs::write(&long, "x");
    let _ = std::fs::remove_dir_all("d");

    // Sockets: WASI preview 1 has none to open.
    check("connected a socket", std::net::TcpStream::connect("127.0.0.1:80").is_ok());
    check("bound a socket", std::net::TcpListener::bind("127.0.0.1:0").is_ok());

    // Descriptors beyond stdio and the one preopen hold nothing readable.
    for fd in 4..64 {
        use std::os::wasi::io::FromRawFd;
        let mut file = std::mem::ManuallyDrop::new(unsafe { std::fs::File::from_raw_fd(fd) });
        let mut byte = [0u8; 1];
        check(&format!("read descriptor {fd}"), file.read(&mut byte).is_ok());
    }

    if escaped.is_empty() {
        println!("hello");
    } else {
        for what in escaped {
            println!("ESCAPED: {what}");
        }
    }
}
