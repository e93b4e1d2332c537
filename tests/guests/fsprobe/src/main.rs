//! Filesystem conformance probe: exercises every WASI preview 1 filesystem call Cleanroom
//! implements and prints what it observed, one line per step (`ok VALUE` or `err ERRNO`).
//! The tests run it under the in-memory filesystem and under wasmtime-wasi's host
//! directories and require the `== conformance` section to be identical. The
//! `== raw listing` section shows directory order as the filesystem gives it.

use std::fs::{self, File, OpenOptions};
use std::io::{Read, Seek, SeekFrom, Write};
use std::os::fd::AsRawFd;
use std::time::{Duration, UNIX_EPOCH};

#[link(wasm_import_module = "wasi_snapshot_preview1")]
extern "C" {
    fn fd_readdir(fd: u32, buf: *mut u8, len: u32, cookie: u64, used: *mut u32) -> u16;
    fn fd_fdstat_get(fd: u32, out: *mut u8) -> u16;
    fn fd_close(fd: u32) -> u16;
    fn fd_prestat_get(fd: u32, out: *mut u8) -> u16;
    fn random_get(buf: *mut u8, len: u32) -> u16;
    fn fd_pread(fd: u32, iovs: *const [u32; 2], count: u32, offset: u64, read: *mut u32) -> u16;
    fn fd_seek(fd: u32, delta: i64, whence: u8, position: *mut u64) -> u16;
    fn fd_pwrite(fd: u32, iovs: *const [u32; 2], count: u32, offset: u64, written: *mut u32) -> u16;
    fn fd_advise(fd: u32, offset: u64, len: u64, advice: u8) -> u16;
    fn fd_allocate(fd: u32, offset: u64, len: u64) -> u16;
    fn fd_fdstat_set_flags(fd: u32, flags: u16) -> u16;
    fn fd_fdstat_set_rights(fd: u32, base: u64, inheriting: u64) -> u16;
    fn fd_renumber(from: u32, to: u32) -> u16;
    fn fd_tell(fd: u32, position: *mut u64) -> u16;
    fn path_filestat_get(fd: u32, flags: u32, path: *const u8, len: u32, out: *mut u8) -> u16;
    fn path_filestat_set_times(fd: u32, flags: u32, path: *const u8, len: u32, atim: u64, mtim: u64, fst: u16) -> u16;
    fn path_readlink(fd: u32, path: *const u8, len: u32, buf: *mut u8, buf_len: u32, used: *mut u32) -> u16;
    fn path_link(old_fd: u32, old_flags: u32, old: *const u8, old_len: u32, new_fd: u32, new: *const u8, new_len: u32) -> u16;
    fn path_symlink(old: *const u8, old_len: u32, fd: u32, new: *const u8, new_len: u32) -> u16;
}

/// `path_filestat_get` of `path` in the preopen: (filetype, size, mtime).
fn stat_at(path: &str) -> Result<(u8, u64, u64), u16> {
    let mut out = [0u8; 64];
    let code = unsafe { path_filestat_get(3, 0, path.as_ptr(), path.len() as u32, out.as_mut_ptr()) };
    if code != 0 {
        return Err(code);
    }
    let size = u64::from_le_bytes(out[32..40].try_into().unwrap());
    let mtime = u64::from_le_bytes(out[48..56].try_into().unwrap());
    Ok((out[16], size, mtime))
}

fn show<T: std::fmt::Debug>(label: &str, result: std::io::Result<T>) {
    match result {
        Ok(value) => println!("{label}: ok {value:?}"),
        Err(err) => match err.raw_os_error() {
            Some(errno) => println!("{label}: err {errno}"),
            None => println!("{label}: err {:?}", err.kind()),
        },
    }
}

fn errno(label: &str, code: u16) {
    println!("{label}: errno {code}");
}

/// Every entry of directory fd `fd`, read with a tiny buffer so that entries are split
/// across calls and cookies are exercised.
fn readdir_all(fd: u32, buf_len: usize) -> Result<Vec<(String, u8)>, u16> {
    let mut entries = Vec::new();
    let mut cookie = 0u64;
    let mut buf = vec![0u8; buf_len];
    loop {
        let mut used = 0u32;
        let code = unsafe { fd_readdir(fd, buf.as_mut_ptr(), buf.len() as u32, cookie, &mut used) };
        if code != 0 {
            return Err(code);
        }
        let used = used as usize;
        let mut at = 0;
        let mut progressed = false;
        while at + 24 <= used {
            let next = u64::from_le_bytes(buf[at..at + 8].try_into().unwrap());
            let namlen = u32::from_le_bytes(buf[at + 16..at + 20].try_into().unwrap()) as usize;
            let kind = buf[at + 20];
            if at + 24 + namlen > used {
                break;
            }
            let name = String::from_utf8_lossy(&buf[at + 24..at + 24 + namlen]).into_owned();
            entries.push((name, kind));
            cookie = next;
            at += 24 + namlen;
            progressed = true;
        }
        if used < buf.len() {
            return Ok(entries);
        }
        if !progressed {
            buf.resize(buf.len() * 2, 0);
        }
    }
}

fn fdstat(fd: u32) -> Result<(u8, u16, bool, bool), u16> {
    let mut out = [0u8; 24];
    let code = unsafe { fd_fdstat_get(fd, out.as_mut_ptr()) };
    if code != 0 {
        return Err(code);
    }
    let flags = u16::from_le_bytes([out[2], out[3]]);
    let rights = u64::from_le_bytes(out[8..16].try_into().unwrap());
    Ok((out[0], flags, rights & 2 != 0, rights & 64 != 0))
}

fn main() {
    println!("== conformance");
    show("initial file", fs::read_to_string("input.txt"));
    show("initial nested", fs::read_to_string("sub/nested.txt"));
    show("write new", fs::write("a.txt", b"hello"));
    show("read", fs::read_to_string("a.txt"));
    show("read missing", fs::read("missing.txt"));
    show("create_new on existing", OpenOptions::new().write(true).create_new(true).open("a.txt").map(|_| ()));
    {
        let mut f = OpenOptions::new().append(true).open("a.txt").unwrap();
        show("append", f.write_all(b" world"));
        println!("fdstat append: {:?}", fdstat(f.as_raw_fd() as u32));
    }
    show("after append", fs::read_to_string("a.txt"));
    {
        let mut f = OpenOptions::new().read(true).write(true).open("a.txt").unwrap();
        println!("fdstat read-write: {:?}", fdstat(f.as_raw_fd() as u32));
        show("seek set", f.seek(SeekFrom::Start(6)));
        show("overwrite", f.write_all(b"WORLD"));
        show("seek cur back", f.seek(SeekFrom::Current(-5)));
        let mut buf = [0u8; 3];
        show("read 3", f.read(&mut buf).map(|n| (n, buf)));
        show("seek end", f.seek(SeekFrom::End(-1)));
        show("seek before start", f.seek(SeekFrom::Current(-100)));
        show("position kept", f.stream_position());
        show("seek past end", f.seek(SeekFrom::End(3)));
        show("write past end", f.write_all(b"!"));
        let mut b = [0u8; 4];
        let iov = [b.as_mut_ptr() as u32, 4];
        let mut n = 0u32;
        errno("pread at 1", unsafe { fd_pread(f.as_raw_fd() as u32, &iov, 1, 1, &mut n) });
        println!("pread got: {n} {b:?}");
        show("position after pread", f.stream_position());
        let patch = *b"PW";
        let iov = [patch.as_ptr() as u32, 2];
        errno("pwrite at 0", unsafe { fd_pwrite(f.as_raw_fd() as u32, &iov, 1, 0, &mut n) });
        println!("pwrite wrote: {n}");
        show("position after pwrite", f.stream_position());
    }
    show("after hole", fs::read("a.txt"));
    {
        let f = OpenOptions::new().write(true).open("a.txt").unwrap();
        show("set_len shrink", f.set_len(3));
        show("set_len grow", f.set_len(5));
    }
    show("after set_len", fs::read("a.txt"));
    show("open with O_TRUNC", OpenOptions::new().write(true).truncate(true).open("a.txt").map(|_| ()));
    show("size after O_TRUNC", fs::metadata("a.txt").map(|m| m.len()));
    fs::write("a.txt", "restored").unwrap();
    {
        let mut f = File::open("a.txt").unwrap();
        println!("fdstat read-only: {:?}", fdstat(f.as_raw_fd() as u32));
        show("write to read-only", f.write(b"x"));
        show("set_len on read-only", f.set_len(0));
    }
    {
        let mut f = OpenOptions::new().write(true).open("a.txt").unwrap();
        let mut b = [0u8; 1];
        show("read from write-only", f.read(&mut b));
    }
    show("mkdir", fs::create_dir("d"));
    show("mkdir again", fs::create_dir("d"));
    show("mkdir missing parent", fs::create_dir("x/y"));
    show("create_dir_all", fs::create_dir_all("d/e/f"));
    show("write deep", fs::write("d/e/f/g.txt", "g"));
    show("rmdir non-empty", fs::remove_dir("d/e/f"));
    show("rmdir a file", fs::remove_dir("d/e/f/g.txt"));
    show("unlink a dir", fs::remove_file("d/e"));
    show("open dir for writing", OpenOptions::new().write(true).open("d").map(|_| ()));
    show("read a dir as file", fs::read("d"));
    show("file as a folder", fs::read("a.txt/x"));
    show("mkdir under a file", fs::create_dir("a.txt/sub"));
    show("trailing slash on file", fs::metadata("a.txt/").map(|m| m.len()));
    show("trailing slash on dir", fs::metadata("d/").map(|m| m.is_dir()));
    show("create with trailing slash", fs::write("newfile/", "x"));
    show("stat file", fs::metadata("a.txt").map(|m| (m.is_file(), m.is_dir(), m.len())));
    show("stat dir", fs::metadata("d").map(|m| (m.is_file(), m.is_dir())));
    show("stat missing", fs::metadata("nope"));
    show("stat dot", fs::metadata(".").map(|m| m.is_dir()));
    show("rename file", fs::rename("a.txt", "b.txt"));
    show("rename missing", fs::rename("a.txt", "c.txt"));
    show("rename file over dir", fs::rename("b.txt", "d"));
    show("rename dir over file", fs::rename("d", "b.txt"));
    show("rename dir into itself", fs::rename("d", "d/e/inside"));
    show("mkdir empty", fs::create_dir("empty"));
    show("rename dir over non-empty dir", fs::rename("empty", "d"));
    show("rename dir over empty dir", fs::rename("d/e/f", "empty"));
    show("moved dir content", fs::read_to_string("empty/g.txt"));
    show("rename file into dir", fs::rename("b.txt", "empty/b.txt"));
    show("rename over existing file", fs::rename("empty/g.txt", "empty/b.txt"));
    show("read renamed", fs::read_to_string("empty/b.txt"));
    show("unlink", fs::remove_file("empty/b.txt"));
    show("unlink again", fs::remove_file("empty/b.txt"));
    show("remove_dir_all", fs::remove_dir_all("d"));
    show("escape with ..", fs::read("../outside"));
    show("escape from a subdir", fs::read("empty/../../outside"));
    show("inner ..", fs::write("empty/../inner.txt", "i"));
    show("read inner", fs::read_to_string("inner.txt"));
    show("absolute path", fs::read("/etc/passwd"));
    show("name too long", fs::write("n".repeat(300), "x"));
    show("upper case", fs::write("Case.txt", "upper"));
    show("lower case", fs::write("case.txt", "lower"));
    show("case kept", fs::read_to_string("Case.txt"));
    {
        let mut f = File::create("temp.txt").unwrap();
        f.write_all(b"still here").unwrap();
        let mut r = File::open("temp.txt").unwrap();
        show("unlink an open file", fs::remove_file("temp.txt"));
        let mut text = String::new();
        show("read it through the fd", r.read_to_string(&mut text).map(|_| text.clone()));
        show("gone by name", fs::metadata("temp.txt"));
    }
    {
        let f = File::create("times.txt").unwrap();
        show("set mtime", f.set_modified(UNIX_EPOCH + Duration::from_secs(1_000_000_000)));
        show("read mtime", fs::metadata("times.txt").map(|m| m.modified().unwrap().duration_since(UNIX_EPOCH).unwrap().as_secs()));
    }
    show("listing (sorted by the probe)", fs::read_dir(".").map(|entries| {
        let mut names: Vec<(String, bool)> = entries
            .map(|e| {
                let e = e.unwrap();
                (e.file_name().into_string().unwrap(), e.file_type().unwrap().is_dir())
            })
            .collect();
        names.sort();
        names
    }));
    let mut small = readdir_all(3, 40).unwrap();
    small.sort();
    println!("readdir with a 40-byte buffer: {small:?}");
    {
        let f = OpenOptions::new().read(true).write(true).open("times.txt").unwrap();
        let fd = f.as_raw_fd() as u32;
        errno("fd_advise", unsafe { fd_advise(fd, 0, 10, 1) });
        errno("fd_allocate", unsafe { fd_allocate(fd, 0, 10) });
        show("sync_all", f.sync_all());
        show("sync_data", f.sync_data());
        errno("set flags to append", unsafe { fd_fdstat_set_flags(fd, 1) });
        println!("fdstat after set flags: {:?}", fdstat(fd));
        errno("set flags to sync", unsafe { fd_fdstat_set_flags(fd, 16) });
        errno("set rights", unsafe { fd_fdstat_set_rights(fd, 0, 0) });
        errno("fd_advise on the preopen", unsafe { fd_advise(3, 0, 10, 1) });
    }
    {
        fs::write("ren-a.txt", "content of a").unwrap();
        fs::write("ren-b.txt", "content of b").unwrap();
        let a = File::open("ren-a.txt").unwrap();
        let b = File::open("ren-b.txt").unwrap();
        let (a_fd, b_fd) = (a.as_raw_fd() as u32, b.as_raw_fd() as u32);
        std::mem::forget(a);
        errno("renumber a onto b", unsafe { fd_renumber(a_fd, b_fd) });
        let mut text = String::new();
        let mut b = b;
        show("read through b", b.read_to_string(&mut text).map(|_| text.clone()));
        errno("close the old a", unsafe { fd_close(a_fd) });
        errno("renumber onto a closed fd", unsafe { fd_renumber(b_fd, a_fd) });
        let mut position = 0u64;
        errno("fd_tell", unsafe { fd_tell(b_fd, &mut position) });
        println!("told position: {position}");
        errno("fd_tell on a dir", unsafe { fd_tell(3, &mut position) });
    }
    let name = "times.txt";
    errno("path set times", unsafe { path_filestat_set_times(3, 0, name.as_ptr(), name.len() as u32, 0, 2_000_000_000_000_000_000, 4) });
    println!("path stat: {:?}", stat_at(name));
    println!("path stat missing: {:?}", stat_at("nope"));
    errno("set both mtime and now", unsafe { path_filestat_set_times(3, 0, name.as_ptr(), name.len() as u32, 0, 0, 4 | 8) });
    let mut link_buf = [0u8; 64];
    let mut used = 0u32;
    errno("readlink of a file", unsafe { path_readlink(3, name.as_ptr(), name.len() as u32, link_buf.as_mut_ptr(), 64, &mut used) });
    errno("readlink of nothing", unsafe { path_readlink(3, "nope".as_ptr(), 4, link_buf.as_mut_ptr(), 64, &mut used) });
    let mut prestat = [0u8; 8];
    errno("prestat of the preopen", unsafe { fd_prestat_get(3, prestat.as_mut_ptr()) });
    println!("prestat name length: {}", u32::from_le_bytes(prestat[4..].try_into().unwrap()));
    errno("prestat of stdout", unsafe { fd_prestat_get(1, prestat.as_mut_ptr()) });
    println!("fdstat stdin: {:?}", fdstat(0));
    println!("fdstat stdout: {:?}", fdstat(1));
    println!("fdstat preopen: {:?}", fdstat(3).map(|(kind, flags, _, _)| (kind, flags)));
    errno("close a bad fd", unsafe { fd_close(999) });
    {
        let a = File::create("fd-a.txt").unwrap();
        let a_fd = a.as_raw_fd();
        drop(a);
        let b = File::create("fd-b.txt").unwrap();
        println!("lowest free fd reused: {}", b.as_raw_fd() == a_fd);
    }
    let mut position = 0u64;
    errno("seek on stdout", unsafe { fd_seek(1, 0, 0, &mut position) });

    println!("== raw listing");
    let (from, to) = ("times.txt", "alias.txt");
    errno("hard link", unsafe { path_link(3, 0, from.as_ptr(), from.len() as u32, 3, to.as_ptr(), to.len() as u32) });
    errno("symlink", unsafe { path_symlink(from.as_ptr(), from.len() as u32, 3, "sym".as_ptr(), 3) });
    println!("files:");
    fs::create_dir("many").unwrap();
    let mut order: Vec<u32> = (0..40).collect();
    for i in (1..order.len()).rev() {
        let mut bytes = [0u8; 4];
        unsafe { random_get(bytes.as_mut_ptr(), 4) };
        order.swap(i, (u32::from_le_bytes(bytes) as usize) % (i + 1));
    }
    for i in &order {
        fs::write(format!("many/f{i:02}"), "x").unwrap();
    }
    let raw: Vec<String> = fs::read_dir("many").unwrap().map(|e| e.unwrap().file_name().into_string().unwrap()).collect();
    println!("{}", raw.join(" "));
}
