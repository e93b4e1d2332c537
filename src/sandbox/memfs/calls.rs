//! The WASI preview 1 `fd_*` and `path_*` calls over the in-memory tree, installed on a
//! linker in place of wasmtime-wasi's. Errnos follow wasmtime-wasi on ordinary files.

use wasmtime::{Caller, Extern, Linker};

use super::MemFs;
use super::abi::{self, Errno, Memory};
use super::fds::Descriptor;
use crate::sandbox::output::CapturedOutput;

/// Why a call did not succeed: an errno for the guest, or a trap that ends the run.
pub enum Failure {
    Errno(Errno),
    Trap(wasmtime::Error),
}

impl From<Errno> for Failure {
    fn from(errno: Errno) -> Self {
        Failure::Errno(errno)
    }
}

type Outcome = Result<(), Failure>;

/// Something that owns the run's in-memory filesystem (the store's data).
pub trait HasMemFs: Send + 'static {
    fn memfs(&mut self) -> &mut MemFs;
}

const WASI: &str = "wasi_snapshot_preview1";

/// Runs one call with the guest's memory and the filesystem; the errno is the result.
fn call<T: HasMemFs>(
    caller: &mut Caller<'_, T>,
    body: impl FnOnce(&mut MemFs, &mut Memory<'_>) -> Outcome,
) -> wasmtime::Result<i32> {
    let Some(Extern::Memory(memory)) = caller.get_export("memory") else {
        return Ok(i32::from(abi::FAULT));
    };
    let (bytes, state) = memory.data_and_store_mut(caller);
    match body(state.memfs(), &mut Memory(bytes)) {
        Ok(()) => Ok(i32::from(abi::SUCCESS)),
        Err(Failure::Errno(errno)) => Ok(i32::from(errno)),
        Err(Failure::Trap(error)) => Err(error),
    }
}

macro_rules! wrap {
    ($linker:expr, $name:literal, |$fs:ident, $mem:ident $(, $arg:ident : $ty:ty)*| $body:expr) => {
        $linker.func_wrap(WASI, $name, |mut caller: Caller<'_, T> $(, $arg: $ty)*| {
            call(&mut caller, |$fs, $mem| $body)
        })?;
    };
}

/// Replaces every WASI preview 1 filesystem and stdio call on `linker`.
pub fn install<T: HasMemFs>(linker: &mut Linker<T>) -> wasmtime::Result<()> {
    wrap!(
        linker,
        "fd_advise",
        |fs, _m, fd: i32, _o: i64, _l: i64, _a: i32| fs.file(fd as u32).map(|_| ())
    );
    wrap!(
        linker,
        "fd_allocate",
        |fs, _m, fd: i32, _o: i64, _l: i64| fs.file(fd as u32).and(Err(abi::NOTSUP.into()))
    );
    wrap!(linker, "fd_close", |fs, _m, fd: i32| fs.close(fd as u32));
    wrap!(linker, "fd_datasync", |fs, _m, fd: i32| fs
        .file(fd as u32)
        .map(|_| ()));
    wrap!(linker, "fd_sync", |fs, _m, fd: i32| fs
        .file(fd as u32)
        .map(|_| ()));
    wrap!(linker, "fd_fdstat_get", |fs, m, fd: i32, out: i32| fs
        .fdstat(m, fd as u32, out as u32));
    wrap!(
        linker,
        "fd_fdstat_set_flags",
        |fs, _m, fd: i32, flags: i32| fs.set_flags(fd as u32, flags as u16)
    );
    wrap!(
        linker,
        "fd_fdstat_set_rights",
        |fs, _m, fd: i32, _b: i64, _i: i64| {
            fs.fds.get(fd as u32)?;
            Err(abi::NOTSUP.into())
        }
    );
    wrap!(linker, "fd_filestat_get", |fs, m, fd: i32, out: i32| fs
        .fd_filestat(m, fd as u32, out as u32));
    wrap!(
        linker,
        "fd_filestat_set_size",
        |fs, _m, fd: i32, size: i64| fs.set_size(fd as u32, size as u64)
    );
    wrap!(
        linker,
        "fd_filestat_set_times",
        |fs, _m, fd: i32, atim: i64, mtim: i64, flags: i32| {
            let ino = fs.fds.get(fd as u32)?.ino().ok_or(abi::BADF)?;
            let now = fs.now();
            Ok(fs
                .tree
                .set_times(ino, atim as u64, mtim as u64, flags as u16, now)?)
        }
    );
    wrap!(
        linker,
        "fd_pread",
        |fs, m, fd: i32, iovs: i32, n: i32, offset: i64, out: i32| {
            fs.read(
                m,
                fd as u32,
                iovs as u32,
                n as u32,
                Some(offset as u64),
                out as u32,
            )
        }
    );
    wrap!(linker, "fd_read", |fs,
                              m,
                              fd: i32,
                              iovs: i32,
                              n: i32,
                              out: i32| {
        fs.read(m, fd as u32, iovs as u32, n as u32, None, out as u32)
    });
    wrap!(
        linker,
        "fd_pwrite",
        |fs, m, fd: i32, iovs: i32, n: i32, offset: i64, out: i32| {
            fs.write(
                m,
                fd as u32,
                iovs as u32,
                n as u32,
                Some(offset as u64),
                out as u32,
            )
        }
    );
    wrap!(
        linker,
        "fd_write",
        |fs, m, fd: i32, iovs: i32, n: i32, out: i32| {
            fs.write(m, fd as u32, iovs as u32, n as u32, None, out as u32)
        }
    );
    wrap!(
        linker,
        "fd_prestat_get",
        |fs, m, fd: i32, out: i32| match fs.fds.get(fd as u32)? {
            Descriptor::Dir {
                preopen: Some(name),
                ..
            } => {
                let mut prestat = [0u8; 8];
                prestat[4..].copy_from_slice(&(name.len() as u32).to_le_bytes());
                Ok(m.write(out as u32, &prestat)?)
            }
            _ => Err(abi::BADF.into()),
        }
    );
    wrap!(
        linker,
        "fd_prestat_dir_name",
        |fs, m, fd: i32, out: i32, len: i32| match fs.fds.get(fd as u32)? {
            Descriptor::Dir {
                preopen: Some(name),
                ..
            } => {
                if name.len() > len as u32 as usize {
                    return Err(abi::NAMETOOLONG.into());
                }
                Ok(m.write(out as u32, name.as_bytes())?)
            }
            _ => Err(abi::NOTDIR.into()),
        }
    );
    wrap!(
        linker,
        "fd_readdir",
        |fs, m, fd: i32, buf: i32, len: i32, cookie: i64, out: i32| {
            fs.readdir(
                m,
                fd as u32,
                buf as u32,
                len as u32,
                cookie as u64,
                out as u32,
            )
        }
    );
    wrap!(linker, "fd_renumber", |fs, _m, from: i32, to: i32| {
        if let Some(ino) = fs
            .fds
            .renumber(from as u32, to as u32)?
            .and_then(|old| old.ino())
        {
            fs.tree.release(ino);
        }
        Ok(())
    });
    wrap!(linker, "fd_seek", |fs,
                              m,
                              fd: i32,
                              offset: i64,
                              whence: i32,
                              out: i32| {
        fs.seek(m, fd as u32, offset, whence as u8, out as u32)
    });
    wrap!(linker, "fd_tell", |fs, m, fd: i32, out: i32| fs.seek(
        m,
        fd as u32,
        0,
        abi::WHENCE_CUR,
        out as u32
    ));
    wrap!(
        linker,
        "path_create_directory",
        |fs, m, fd: i32, path: i32, len: i32| {
            let (dir, path, now) = at_path(fs, m, fd, path, len)?;
            Ok(fs.tree.mkdir(dir, &path, now)?)
        }
    );
    wrap!(
        linker,
        "path_filestat_get",
        |fs, m, fd: i32, _flags: i32, path: i32, len: i32, out: i32| {
            let ino = lookup_at(fs, m, fd, path, len)?;
            Ok(m.write(out as u32, &fs.tree.stat(ino).encode())?)
        }
    );
    wrap!(
        linker,
        "path_filestat_set_times",
        |fs, m, fd: i32, _flags: i32, path: i32, len: i32, atim: i64, mtim: i64, fst: i32| {
            let ino = lookup_at(fs, m, fd, path, len)?;
            let now = fs.now();
            Ok(fs
                .tree
                .set_times(ino, atim as u64, mtim as u64, fst as u16, now)?)
        }
    );
    wrap!(
        linker,
        "path_link",
        |fs,
         m,
         from_fd: i32,
         _flags: i32,
         from: i32,
         from_len: i32,
         to_fd: i32,
         to: i32,
         to_len: i32| {
            fs.tree.lookup(
                fs.fds.dir(from_fd as u32)?,
                &m.path(from as u32, from_len as u32)?,
            )?;
            fs.fds.dir(to_fd as u32)?;
            m.path(to as u32, to_len as u32)?;
            Err(abi::NOTSUP.into())
        }
    );
    wrap!(
        linker,
        "path_open",
        |fs,
         m,
         fd: i32,
         _dirflags: i32,
         path: i32,
         len: i32,
         oflags: i32,
         rights: i64,
         _inherit: i64,
         fdflags: i32,
         out: i32| {
            fs.open(
                m,
                fd as u32,
                path as u32,
                len as u32,
                oflags as u16,
                rights as u64,
                fdflags as u16,
                out as u32,
            )
        }
    );
    wrap!(
        linker,
        "path_readlink",
        |fs, m, fd: i32, path: i32, len: i32, _buf: i32, _buf_len: i32, _out: i32| {
            lookup_at(fs, m, fd, path, len)?;
            Err(abi::INVAL.into())
        }
    );
    wrap!(
        linker,
        "path_remove_directory",
        |fs, m, fd: i32, path: i32, len: i32| {
            let (dir, path, now) = at_path(fs, m, fd, path, len)?;
            Ok(fs.tree.rmdir(dir, &path, now)?)
        }
    );
    wrap!(
        linker,
        "path_rename",
        |fs, m, from_fd: i32, from: i32, from_len: i32, to_fd: i32, to: i32, to_len: i32| {
            let (from_dir, to_dir) = (fs.fds.dir(from_fd as u32)?, fs.fds.dir(to_fd as u32)?);
            let (from, to) = (
                m.path(from as u32, from_len as u32)?,
                m.path(to as u32, to_len as u32)?,
            );
            let now = fs.now();
            Ok(fs.tree.rename(from_dir, &from, to_dir, &to, now)?)
        }
    );
    wrap!(
        linker,
        "path_symlink",
        |fs, m, from: i32, from_len: i32, fd: i32, to: i32, to_len: i32| {
            m.path(from as u32, from_len as u32)?;
            fs.fds.dir(fd as u32)?;
            m.path(to as u32, to_len as u32)?;
            Err(abi::NOTSUP.into())
        }
    );
    wrap!(
        linker,
        "path_unlink_file",
        |fs, m, fd: i32, path: i32, len: i32| {
            let (dir, path, now) = at_path(fs, m, fd, path, len)?;
            Ok(fs.tree.unlink(dir, &path, now)?)
        }
    );
    Ok(())
}

/// The directory, path and current time a `path_*` call works with.
fn at_path(
    fs: &MemFs,
    memory: &Memory<'_>,
    fd: i32,
    path: i32,
    len: i32,
) -> Result<(super::tree::Ino, Vec<u8>, u64), Failure> {
    Ok((
        fs.fds.dir(fd as u32)?,
        memory.path(path as u32, len as u32)?,
        fs.now(),
    ))
}

/// The inode a `path_*` call names under its directory descriptor.
fn lookup_at(
    fs: &MemFs,
    memory: &Memory<'_>,
    fd: i32,
    path: i32,
    len: i32,
) -> Result<super::tree::Ino, Failure> {
    Ok(fs.tree.lookup(
        fs.fds.dir(fd as u32)?,
        &memory.path(path as u32, len as u32)?,
    )?)
}

/// Appends to a captured stream; the write that crosses the limit traps.
pub fn emit(stream: &CapturedOutput, data: &[u8]) -> Outcome {
    if stream.append(data) {
        Ok(())
    } else {
        Err(Failure::Trap(stream.limit_error_value()))
    }
}
