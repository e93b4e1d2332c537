//! The descriptor table: stdio at 0–2, the working directory preopened at 3, and the
//! lowest free number reused first, as wasmtime-wasi does.

use super::abi::{self, Errno};
use super::tree::Ino;

/// The most descriptors open at once (`EMFILE` beyond).
pub const MAX_OPEN: usize = 1024;
const MFILE: Errno = 33;

pub enum Descriptor {
    Stdin,
    Stdout,
    Stderr,
    Dir {
        ino: Ino,
        preopen: Option<&'static str>,
    },
    File {
        ino: Ino,
        position: u64,
        read: bool,
        write: bool,
        append: bool,
    },
}

impl Descriptor {
    /// The inode this descriptor keeps alive, if any.
    pub fn ino(&self) -> Option<Ino> {
        match self {
            Descriptor::Dir { ino, .. } | Descriptor::File { ino, .. } => Some(*ino),
            _ => None,
        }
    }
}

pub struct FdTable {
    slots: Vec<Option<Descriptor>>,
}

impl FdTable {
    pub fn new(root: Ino) -> Self {
        let slots = vec![
            Some(Descriptor::Stdin),
            Some(Descriptor::Stdout),
            Some(Descriptor::Stderr),
            Some(Descriptor::Dir {
                ino: root,
                preopen: Some("."),
            }),
        ];
        FdTable { slots }
    }

    pub fn get(&self, fd: u32) -> Result<&Descriptor, Errno> {
        self.slots
            .get(fd as usize)
            .and_then(Option::as_ref)
            .ok_or(abi::BADF)
    }

    pub fn get_mut(&mut self, fd: u32) -> Result<&mut Descriptor, Errno> {
        self.slots
            .get_mut(fd as usize)
            .and_then(Option::as_mut)
            .ok_or(abi::BADF)
    }

    /// The directory inode behind `fd` (`EBADF` for anything else).
    pub fn dir(&self, fd: u32) -> Result<Ino, Errno> {
        match self.get(fd)? {
            Descriptor::Dir { ino, .. } => Ok(*ino),
            _ => Err(abi::BADF),
        }
    }

    pub fn insert(&mut self, descriptor: Descriptor) -> Result<u32, Errno> {
        if let Some(free) = self.slots.iter().position(Option::is_none) {
            self.slots[free] = Some(descriptor);
            return Ok(free as u32);
        }
        if self.slots.len() >= MAX_OPEN {
            return Err(MFILE);
        }
        self.slots.push(Some(descriptor));
        Ok(self.slots.len() as u32 - 1)
    }

    pub fn remove(&mut self, fd: u32) -> Result<Descriptor, Errno> {
        self.slots
            .get_mut(fd as usize)
            .and_then(Option::take)
            .ok_or(abi::BADF)
    }

    /// Moves `from` onto `to` (which must be open); returns what `to` held.
    pub fn renumber(&mut self, from: u32, to: u32) -> Result<Option<Descriptor>, Errno> {
        self.get(from)?;
        self.get(to)?;
        if from == to {
            return Ok(None);
        }
        let moved = self.remove(from)?;
        Ok(self.slots[to as usize].replace(moved))
    }
}
