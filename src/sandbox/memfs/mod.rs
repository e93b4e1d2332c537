//! A deterministic, OS-independent filesystem for one run: the guest's working directory
//! lives in memory behind our own WASI `fd_*`/`path_*` calls. Listing order, inode
//! numbers, timestamps (virtual clock) and case sensitivity are ours, not the host's, and
//! quotas bound what a guest can store. Semantics are documented in `docs/sandbox.md`.

mod abi;
mod calls;
mod fds;
mod tree;

pub use calls::{HasMemFs, install};
pub use tree::Quotas;

use abi::Memory;
use calls::{Failure, emit};
use fds::{Descriptor, FdTable};
use tree::{Ino, ROOT, Tree};

use super::changes::{self, Digests, Found};
use super::clock::VirtualClock;
use super::output::CapturedOutput;
use crate::observation::ObservedFile;

type Outcome<T = ()> = Result<T, Failure>;

/// Rights of the preopened directory, and what it passes on, exactly as wasmtime-wasi
/// reports them (programs read these through `fcntl(F_GETFL)`).
const PREOPEN_RIGHTS: u64 = bits(&[
    9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 20, 21, 23, 24, 25, 26,
]);
const PREOPEN_INHERITING: u64 = PREOPEN_RIGHTS | bits(&[0, 1, 2, 3, 4, 5, 6, 7, 8, 21, 22, 23, 27]);
const ALL_RIGHTS: u64 = (1 << 30) - 1;
const DIR_RIGHTS: u64 = ALL_RIGHTS & !bits(&[2, 6, 19, 22]);

const fn bits(positions: &[u32]) -> u64 {
    let mut value = 0;
    let mut i = 0;
    while i < positions.len() {
        value |= 1 << positions[i];
        i += 1;
    }
    value
}

pub struct MemFs {
    tree: Tree,
    fds: FdTable,
    stdin: Vec<u8>,
    stdin_position: usize,
    stdout: CapturedOutput,
    stderr: CapturedOutput,
    clock: VirtualClock,
    initial: Digests,
}

impl MemFs {
    pub fn new(
        files: &[(String, Vec<u8>)],
        stdin: &[u8],
        stdout: CapturedOutput,
        stderr: CapturedOutput,
        clock: VirtualClock,
        quotas: Quotas,
    ) -> Result<Self, String> {
        let now = clock.wall_nanos();
        let mut tree = Tree::new(quotas, now);
        for (path, content) in files {
            tree.load_file(path, content.clone(), now)
                .map_err(|errno| {
                    format!("cannot place {path} in the working directory (errno {errno})")
                })?;
        }
        let fds = FdTable::new(ROOT);
        tree.retain(ROOT);
        Ok(MemFs {
            tree,
            fds,
            stdin: stdin.to_vec(),
            stdin_position: 0,
            stdout,
            stderr,
            clock,
            initial: changes::digests(files),
        })
    }

    /// True when a quota refused a write or a new file.
    pub fn quota_hit(&self) -> bool {
        self.tree.quota_hit
    }

    /// Files created, changed or deleted by the run, sorted by path.
    pub fn changes(&self) -> Vec<ObservedFile> {
        let found = self
            .tree
            .files()
            .into_iter()
            .map(|(path, content)| Found::from_bytes(path, content));
        changes::changes(&self.initial, found)
    }

    fn now(&self) -> u64 {
        self.clock.wall_nanos()
    }

    fn file(&self, fd: u32) -> Outcome<Ino> {
        match self.fds.get(fd)? {
            Descriptor::File { ino, .. } => Ok(*ino),
            _ => Err(abi::BADF.into()),
        }
    }

    fn close(&mut self, fd: u32) -> Outcome {
        if let Some(ino) = self.fds.remove(fd)?.ino() {
            self.tree.release(ino);
        }
        Ok(())
    }

    fn fdstat(&self, memory: &mut Memory<'_>, fd: u32, out: u32) -> Outcome {
        let (filetype, flags, base, inheriting) = match self.fds.get(fd)? {
            Descriptor::Stdin => (
                abi::FILETYPE_UNKNOWN,
                0,
                abi::RIGHTS_FD_READ,
                abi::RIGHTS_FD_READ,
            ),
            Descriptor::Stdout | Descriptor::Stderr => (
                abi::FILETYPE_UNKNOWN,
                0,
                abi::RIGHTS_FD_WRITE,
                abi::RIGHTS_FD_WRITE,
            ),
            Descriptor::Dir {
                preopen: Some(_), ..
            } => (
                abi::FILETYPE_DIRECTORY,
                0,
                PREOPEN_RIGHTS,
                PREOPEN_INHERITING,
            ),
            Descriptor::Dir { preopen: None, .. } => {
                (abi::FILETYPE_DIRECTORY, 0, DIR_RIGHTS, DIR_RIGHTS)
            }
            Descriptor::File {
                read,
                write,
                append,
                ..
            } => {
                let mut rights = ALL_RIGHTS;
                if !read {
                    rights &= !(abi::RIGHTS_FD_READ | bits(&[14]));
                }
                if !write {
                    rights &= !abi::RIGHTS_FD_WRITE;
                }
                let flags = if *append { abi::FDFLAGS_APPEND } else { 0 };
                (abi::FILETYPE_REGULAR_FILE, flags, rights, rights)
            }
        };
        let mut fdstat = [0u8; 24];
        fdstat[0] = filetype;
        fdstat[2..4].copy_from_slice(&flags.to_le_bytes());
        fdstat[8..16].copy_from_slice(&base.to_le_bytes());
        fdstat[16..24].copy_from_slice(&inheriting.to_le_bytes());
        Ok(memory.write(out, &fdstat)?)
    }

    fn set_flags(&mut self, fd: u32, flags: u16) -> Outcome {
        match self.fds.get_mut(fd)? {
            Descriptor::File { append, .. } => {
                if flags & abi::FDFLAGS_SYNC_ANY != 0 {
                    return Err(abi::INVAL.into());
                }
                *append = flags & abi::FDFLAGS_APPEND != 0;
                Ok(())
            }
            _ => Err(abi::BADF.into()),
        }
    }

    fn fd_filestat(&self, memory: &mut Memory<'_>, fd: u32, out: u32) -> Outcome {
        let stat = match self.fds.get(fd)? {
            Descriptor::Stdin | Descriptor::Stdout | Descriptor::Stderr => [0u8; 64],
            other => self
                .tree
                .stat(other.ino().expect("files and dirs have inodes"))
                .encode(),
        };
        Ok(memory.write(out, &stat)?)
    }

    fn set_size(&mut self, fd: u32, size: u64) -> Outcome {
        // ftruncate on a descriptor opened without write access is EINVAL, as on Linux.
        let ino = match self.fds.get(fd)? {
            Descriptor::File {
                ino, write: true, ..
            } => *ino,
            Descriptor::File { .. } => return Err(abi::INVAL.into()),
            _ => return Err(abi::BADF.into()),
        };
        let now = self.now();
        Ok(self.tree.set_size(ino, size, now)?)
    }

    fn read(
        &mut self,
        memory: &mut Memory<'_>,
        fd: u32,
        iovs: u32,
        count: u32,
        at: Option<u64>,
        out: u32,
    ) -> Outcome {
        let iovecs = memory.iovecs(iovs, count)?;
        let (source, start): (&[u8], u64) = match (self.fds.get(fd)?, at) {
            (Descriptor::Stdin, None) => (&self.stdin, self.stdin_position as u64),
            (Descriptor::Stdin | Descriptor::Stdout | Descriptor::Stderr, Some(_)) => {
                return Err(abi::SPIPE.into());
            }
            (
                Descriptor::File {
                    ino,
                    position,
                    read: true,
                    ..
                },
                at,
            ) => (self.tree.content(*ino), at.unwrap_or(*position)),
            _ => return Err(abi::BADF.into()),
        };
        let mut offset = start.min(source.len() as u64) as usize;
        let mut total = 0usize;
        for (ptr, len) in iovecs {
            let available = &source[offset..];
            let n = available.len().min(len as usize);
            memory.write(ptr, &available[..n])?;
            offset += n;
            total += n;
            if n < len as usize {
                break;
            }
        }
        match self.fds.get_mut(fd)? {
            Descriptor::Stdin => self.stdin_position += total,
            Descriptor::File { position, .. } if at.is_none() => *position = start + total as u64,
            _ => {}
        }
        Ok(memory.write_u32(out, total as u32)?)
    }

    fn write(
        &mut self,
        memory: &mut Memory<'_>,
        fd: u32,
        iovs: u32,
        count: u32,
        at: Option<u64>,
        out: u32,
    ) -> Outcome {
        let mut data = Vec::new();
        for (ptr, len) in memory.iovecs(iovs, count)? {
            data.extend_from_slice(memory.slice(ptr, len)?);
        }
        let now = self.now();
        match (self.fds.get_mut(fd)?, at) {
            (Descriptor::Stdout, None) => emit(&self.stdout, &data)?,
            (Descriptor::Stderr, None) => emit(&self.stderr, &data)?,
            (Descriptor::Stdin | Descriptor::Stdout | Descriptor::Stderr, Some(_)) => {
                return Err(abi::SPIPE.into());
            }
            (
                Descriptor::File {
                    ino,
                    position,
                    append,
                    write: true,
                    ..
                },
                at,
            ) => {
                let ino = *ino;
                let offset = match at {
                    Some(offset) => offset,
                    None if *append => self.tree.content(ino).len() as u64,
                    None => *position,
                };
                self.tree.write(ino, offset, &data, now)?;
                if at.is_none()
                    && let Descriptor::File { position, .. } = self.fds.get_mut(fd)?
                {
                    *position = offset + data.len() as u64;
                }
            }
            _ => return Err(abi::BADF.into()),
        }
        Ok(memory.write_u32(out, data.len() as u32)?)
    }

    fn seek(
        &mut self,
        memory: &mut Memory<'_>,
        fd: u32,
        delta: i64,
        whence: u8,
        out: u32,
    ) -> Outcome {
        let size = match self.fds.get(fd)? {
            Descriptor::File { ino, .. } => self.tree.content(*ino).len() as u64,
            Descriptor::Stdin | Descriptor::Stdout | Descriptor::Stderr => {
                return Err(abi::SPIPE.into());
            }
            Descriptor::Dir { .. } => return Err(abi::BADF.into()),
        };
        let Descriptor::File { position, .. } = self.fds.get_mut(fd)? else {
            unreachable!("checked above")
        };
        let target = match whence {
            abi::WHENCE_SET if delta >= 0 => Some(delta as u64),
            abi::WHENCE_CUR => position.checked_add_signed(delta),
            abi::WHENCE_END => size.checked_add_signed(delta),
            _ => None,
        };
        *position = target.ok_or(abi::INVAL)?;
        let position = *position;
        Ok(memory.write_u64(out, position)?)
    }

    fn readdir(
        &self,
        memory: &mut Memory<'_>,
        fd: u32,
        buf: u32,
        len: u32,
        cookie: u64,
        out: u32,
    ) -> Outcome {
        let dir = self.fds.dir(fd)?;
        let mut bytes = Vec::new();
        for (index, (name, ino, filetype)) in self
            .tree
            .list(dir)
            .into_iter()
            .enumerate()
            .skip(cookie as usize)
        {
            let mut dirent = [0u8; 24];
            dirent[0..8].copy_from_slice(&(index as u64 + 1).to_le_bytes());
            dirent[8..16].copy_from_slice(&ino.to_le_bytes());
            dirent[16..20].copy_from_slice(&(name.len() as u32).to_le_bytes());
            dirent[20] = filetype;
            bytes.extend_from_slice(&dirent);
            bytes.extend_from_slice(&name);
            if bytes.len() >= len as usize {
                break;
            }
        }
        bytes.truncate(len as usize);
        memory.write(buf, &bytes)?;
        Ok(memory.write_u32(out, bytes.len() as u32)?)
    }

    #[allow(clippy::too_many_arguments)]
    fn open(
        &mut self,
        memory: &mut Memory<'_>,
        fd: u32,
        path: u32,
        len: u32,
        oflags: u16,
        rights: u64,
        fdflags: u16,
        out: u32,
    ) -> Outcome {
        let dir = match self.fds.get(fd)? {
            Descriptor::Dir { ino, .. } => *ino,
            Descriptor::File { .. } => return Err(abi::NOTDIR.into()),
            _ => return Err(abi::BADF.into()),
        };
        let path = memory.path(path, len)?;
        let (read, write) = (
            rights & abi::RIGHTS_FD_READ != 0,
            rights & abi::RIGHTS_FD_WRITE != 0,
        );
        let now = self.now();
        let ino = self.tree.open(dir, &path, oflags, write, now)?;
        let descriptor = if self.tree.is_dir(ino) {
            Descriptor::Dir { ino, preopen: None }
        } else {
            Descriptor::File {
                ino,
                position: 0,
                read,
                write,
                append: fdflags & abi::FDFLAGS_APPEND != 0,
            }
        };
        let new_fd = self.fds.insert(descriptor)?;
        self.tree.retain(ino);
        Ok(memory.write_u32(out, new_fd)?)
    }
}
