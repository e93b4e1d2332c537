//! WASI preview 1 numbers and guest-memory access: errnos, file types, flags, and
//! bounds-checked little-endian reads and writes. A bad pointer is `FAULT`, never a panic.

/// A WASI errno.
pub type Errno = u16;

pub const SUCCESS: Errno = 0;
pub const BADF: Errno = 8;
pub const EXIST: Errno = 20;
pub const FAULT: Errno = 21;
pub const FBIG: Errno = 22;
pub const ILSEQ: Errno = 25;
pub const INVAL: Errno = 28;
pub const ISDIR: Errno = 31;
pub const NAMETOOLONG: Errno = 37;
pub const NOENT: Errno = 44;
pub const NOSPC: Errno = 51;
pub const NOTDIR: Errno = 54;
pub const NOTEMPTY: Errno = 55;
pub const NOTSUP: Errno = 58;
pub const PERM: Errno = 63;
pub const SPIPE: Errno = 70;

pub const FILETYPE_UNKNOWN: u8 = 0;
pub const FILETYPE_DIRECTORY: u8 = 3;
pub const FILETYPE_REGULAR_FILE: u8 = 4;

pub const OFLAGS_CREAT: u16 = 1;
pub const OFLAGS_DIRECTORY: u16 = 2;
pub const OFLAGS_EXCL: u16 = 4;
pub const OFLAGS_TRUNC: u16 = 8;

pub const FDFLAGS_APPEND: u16 = 1;
pub const FDFLAGS_SYNC_ANY: u16 = 2 | 8 | 16;

pub const RIGHTS_FD_READ: u64 = 1 << 1;
pub const RIGHTS_FD_WRITE: u64 = 1 << 6;

pub const FSTFLAGS_ATIM: u16 = 1;
pub const FSTFLAGS_ATIM_NOW: u16 = 2;
pub const FSTFLAGS_MTIM: u16 = 4;
pub const FSTFLAGS_MTIM_NOW: u16 = 8;

pub const WHENCE_SET: u8 = 0;
pub const WHENCE_CUR: u8 = 1;
pub const WHENCE_END: u8 = 2;

/// The guest's linear memory, with bounds-checked access.
pub struct Memory<'a>(pub &'a mut [u8]);

impl Memory<'_> {
    pub fn slice(&self, ptr: u32, len: u32) -> Result<&[u8], Errno> {
        let start = ptr as usize;
        self.0
            .get(start..start.checked_add(len as usize).ok_or(FAULT)?)
            .ok_or(FAULT)
    }

    pub fn slice_mut(&mut self, ptr: u32, len: u32) -> Result<&mut [u8], Errno> {
        let start = ptr as usize;
        self.0
            .get_mut(start..start.checked_add(len as usize).ok_or(FAULT)?)
            .ok_or(FAULT)
    }

    pub fn write(&mut self, ptr: u32, bytes: &[u8]) -> Result<(), Errno> {
        self.slice_mut(ptr, bytes.len() as u32)?
            .copy_from_slice(bytes);
        Ok(())
    }

    pub fn write_u32(&mut self, ptr: u32, value: u32) -> Result<(), Errno> {
        self.write(ptr, &value.to_le_bytes())
    }

    pub fn write_u64(&mut self, ptr: u32, value: u64) -> Result<(), Errno> {
        self.write(ptr, &value.to_le_bytes())
    }

    /// A path argument: must be UTF-8, as wasmtime-wasi requires.
    pub fn path(&self, ptr: u32, len: u32) -> Result<Vec<u8>, Errno> {
        let bytes = self.slice(ptr, len)?;
        std::str::from_utf8(bytes).map_err(|_| ILSEQ)?;
        Ok(bytes.to_vec())
    }

    /// The (pointer, length) pairs of an iovec array.
    pub fn iovecs(&self, ptr: u32, count: u32) -> Result<Vec<(u32, u32)>, Errno> {
        let raw = self.slice(ptr, count.checked_mul(8).ok_or(FAULT)?)?;
        Ok(raw
            .chunks_exact(8)
            .map(|pair| {
                let ptr = u32::from_le_bytes(pair[..4].try_into().expect("4 bytes"));
                let len = u32::from_le_bytes(pair[4..].try_into().expect("4 bytes"));
                (ptr, len)
            })
            .collect())
    }
}

/// `filestat`: 64 bytes.
pub struct Filestat {
    pub ino: u64,
    pub filetype: u8,
    pub nlink: u64,
    pub size: u64,
    pub atim: u64,
    pub mtim: u64,
    pub ctim: u64,
}

impl Filestat {
    pub fn encode(&self) -> [u8; 64] {
        let mut out = [0u8; 64];
        // dev stays 0: one device.
        out[8..16].copy_from_slice(&self.ino.to_le_bytes());
        out[16] = self.filetype;
        out[24..32].copy_from_slice(&self.nlink.to_le_bytes());
        out[32..40].copy_from_slice(&self.size.to_le_bytes());
        out[40..48].copy_from_slice(&self.atim.to_le_bytes());
        out[48..56].copy_from_slice(&self.mtim.to_le_bytes());
        out[56..64].copy_from_slice(&self.ctim.to_le_bytes());
        out
    }
}
