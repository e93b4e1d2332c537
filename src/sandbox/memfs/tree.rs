//! The in-memory file tree: inodes in an arena (numbered in creation order), directories
//! as byte-sorted maps, `..` confined to the directory a path starts from, and quotas on
//! bytes and inodes. Every operation returns a WASI errno on failure.

use std::collections::BTreeMap;

use super::abi::{self, Errno, Filestat};

/// An inode: an index into the arena. The guest sees `ino + 1`.
pub type Ino = usize;

/// The longest name of one path component, and of a whole path (Linux's limits).
pub const NAME_MAX: usize = 255;
pub const PATH_MAX: usize = 4096;

/// How much the guest may store. Exceeding either gives `ENOSPC`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Quotas {
    pub max_bytes: u64,
    pub max_inodes: u64,
}

struct Node {
    kind: Kind,
    atim: u64,
    mtim: u64,
    ctim: u64,
    /// Names pointing at the node (0 once unlinked).
    links: u32,
    /// Open descriptors; an unlinked node lives until the last one closes.
    open: u32,
}

enum Kind {
    File(Vec<u8>),
    Dir {
        entries: BTreeMap<Vec<u8>, Ino>,
        parent: Ino,
    },
}

/// Where a path leads: a name in a directory (which may or may not exist), or a
/// directory named by `.`/`..` itself.
enum Target {
    Entry {
        dir: Ino,
        name: Vec<u8>,
        trailing_slash: bool,
    },
    Itself(Ino),
}

pub struct Tree {
    nodes: Vec<Option<Node>>,
    bytes: u64,
    inodes: u64,
    quotas: Quotas,
    /// Set when a quota refused something; reported with the case.
    pub quota_hit: bool,
}

pub const ROOT: Ino = 0;

impl Tree {
    pub fn new(quotas: Quotas, now: u64) -> Self {
        let root = Node::new(
            Kind::Dir {
                entries: BTreeMap::new(),
                parent: ROOT,
            },
            now,
        );
        Tree {
            nodes: vec![Some(root)],
            bytes: 0,
            inodes: 1,
            quotas,
            quota_hit: false,
        }
    }

    /// Places an initial file (creating folders), outside the quotas' refusals.
    pub fn load_file(&mut self, path: &str, content: Vec<u8>, now: u64) -> Result<(), Errno> {
        let mut dir = ROOT;
        let mut parts = path.split('/').peekable();
        while let Some(part) = parts.next() {
            let name = part.as_bytes().to_vec();
            if parts.peek().is_none() {
                self.bytes += content.len() as u64;
                let ino = self.alloc(Kind::File(content), now);
                self.dir_entries_mut(dir).insert(name, ino);
                return Ok(());
            }
            dir = match self.dir_entries(dir).get(&name) {
                Some(&ino) if self.is_dir(ino) => ino,
                Some(_) => return Err(abi::NOTDIR),
                None => self.add_dir(dir, name, now),
            };
        }
        Ok(())
    }

    /// A new empty folder `name` in `dir`.
    fn add_dir(&mut self, dir: Ino, name: Vec<u8>, now: u64) -> Ino {
        let kind = Kind::Dir {
            entries: BTreeMap::new(),
            parent: dir,
        };
        let ino = self.alloc(kind, now);
        self.dir_entries_mut(dir).insert(name, ino);
        ino
    }

    fn alloc(&mut self, kind: Kind, now: u64) -> Ino {
        self.inodes += 1;
        self.nodes.push(Some(Node::new(kind, now)));
        self.nodes.len() - 1
    }

    fn node(&self, ino: Ino) -> &Node {
        self.nodes[ino].as_ref().expect("live inode")
    }

    fn node_mut(&mut self, ino: Ino) -> &mut Node {
        self.nodes[ino].as_mut().expect("live inode")
    }

    pub fn is_dir(&self, ino: Ino) -> bool {
        matches!(self.node(ino).kind, Kind::Dir { .. })
    }

    fn dir_entries(&self, ino: Ino) -> &BTreeMap<Vec<u8>, Ino> {
        match &self.node(ino).kind {
            Kind::Dir { entries, .. } => entries,
            Kind::File(_) => unreachable!("callers check is_dir"),
        }
    }

    fn dir_entries_mut(&mut self, ino: Ino) -> &mut BTreeMap<Vec<u8>, Ino> {
        match &mut self.node_mut(ino).kind {
            Kind::Dir { entries, .. } => entries,
            Kind::File(_) => unreachable!("callers check is_dir"),
        }
    }

    fn parent(&self, ino: Ino) -> Ino {
        match self.node(ino).kind {
            Kind::Dir { parent, .. } => parent,
            Kind::File(_) => unreachable!("only directories have parents"),
        }
    }

    /// Resolves `path` from directory `start`. `..` may not climb above `start` (the
    /// capability the guest holds), and absolute paths are refused: both `EPERM`, as in
    /// wasmtime-wasi.
    fn walk(&self, start: Ino, path: &[u8]) -> Result<Target, Errno> {
        if path.is_empty() {
            return Err(abi::NOENT);
        }
        if path[0] == b'/' {
            return Err(abi::PERM);
        }
        if path.len() > PATH_MAX {
            return Err(abi::NAMETOOLONG);
        }
        let trailing_slash = path.ends_with(b"/");
        let parts: Vec<&[u8]> = path
            .split(|&b| b == b'/')
            .filter(|p| !p.is_empty())
            .collect();
        let mut dir = start;
        let mut depth = 0usize;
        for (i, part) in parts.iter().enumerate() {
            if part.len() > NAME_MAX {
                return Err(abi::NAMETOOLONG);
            }
            let last = i + 1 == parts.len();
            match *part {
                b"." => {
                    if last {
                        return Ok(Target::Itself(dir));
                    }
                }
                b".." => {
                    if depth == 0 {
                        return Err(abi::PERM);
                    }
                    depth -= 1;
                    dir = self.parent(dir);
                    if last {
                        return Ok(Target::Itself(dir));
                    }
                }
                name if last => {
                    return Ok(Target::Entry {
                        dir,
                        name: name.to_vec(),
                        trailing_slash,
                    });
                }
                name => {
                    let &next = self.dir_entries(dir).get(name).ok_or(abi::NOENT)?;
                    if !self.is_dir(next) {
                        return Err(abi::NOTDIR);
                    }
                    dir = next;
                    depth += 1;
                }
            }
        }
        Ok(Target::Itself(dir))
    }

    /// The inode a path names.
    pub fn lookup(&self, start: Ino, path: &[u8]) -> Result<Ino, Errno> {
        match self.walk(start, path)? {
            Target::Itself(ino) => Ok(ino),
            Target::Entry {
                dir,
                name,
                trailing_slash,
            } => {
                let &ino = self.dir_entries(dir).get(&name).ok_or(abi::NOENT)?;
                if trailing_slash && !self.is_dir(ino) {
                    return Err(abi::NOTDIR);
                }
                Ok(ino)
            }
        }
    }

    /// `path_open`: finds or creates the node.
    pub fn open(
        &mut self,
        start: Ino,
        path: &[u8],
        oflags: u16,
        write: bool,
        now: u64,
    ) -> Result<Ino, Errno> {
        let create = oflags & abi::OFLAGS_CREAT != 0;
        let want_dir = oflags & abi::OFLAGS_DIRECTORY != 0;
        let ino = match self.walk(start, path)? {
            Target::Itself(ino) => {
                if create && oflags & abi::OFLAGS_EXCL != 0 {
                    return Err(abi::EXIST);
                }
                ino
            }
            Target::Entry {
                dir,
                name,
                trailing_slash,
            } => match self.dir_entries(dir).get(&name).copied() {
                Some(ino) => {
                    if create && oflags & abi::OFLAGS_EXCL != 0 {
                        return Err(abi::EXIST);
                    }
                    if trailing_slash && !self.is_dir(ino) {
                        return Err(abi::NOTDIR);
                    }
                    ino
                }
                None if create => {
                    if trailing_slash || want_dir {
                        return Err(abi::ISDIR);
                    }
                    self.reserve_inode()?;
                    let ino = self.alloc(Kind::File(Vec::new()), now);
                    self.dir_entries_mut(dir).insert(name, ino);
                    self.touch_dir(dir, now);
                    return Ok(ino);
                }
                None => return Err(abi::NOENT),
            },
        };
        if self.is_dir(ino) {
            if write {
                return Err(abi::ISDIR);
            }
        } else {
            if want_dir {
                return Err(abi::NOTDIR);
            }
            if oflags & abi::OFLAGS_TRUNC != 0 {
                self.set_size(ino, 0, now)?;
            }
        }
        Ok(ino)
    }

    pub fn mkdir(&mut self, start: Ino, path: &[u8], now: u64) -> Result<(), Errno> {
        let Target::Entry { dir, name, .. } = self.walk(start, path)? else {
            return Err(abi::EXIST);
        };
        if self.dir_entries(dir).contains_key(&name) {
            return Err(abi::EXIST);
        }
        self.reserve_inode()?;
        self.add_dir(dir, name, now);
        self.touch_dir(dir, now);
        Ok(())
    }

    pub fn rmdir(&mut self, start: Ino, path: &[u8], now: u64) -> Result<(), Errno> {
        let Target::Entry { dir, name, .. } = self.walk(start, path)? else {
            return Err(abi::INVAL);
        };
        let &ino = self.dir_entries(dir).get(&name).ok_or(abi::NOENT)?;
        if !self.is_dir(ino) {
            return Err(abi::NOTDIR);
        }
        if !self.dir_entries(ino).is_empty() {
            return Err(abi::NOTEMPTY);
        }
        self.dir_entries_mut(dir).remove(&name);
        self.touch_dir(dir, now);
        self.unlinked(ino);
        Ok(())
    }

    pub fn unlink(&mut self, start: Ino, path: &[u8], now: u64) -> Result<(), Errno> {
        let Target::Entry {
            dir,
            name,
            trailing_slash,
        } = self.walk(start, path)?
        else {
            return Err(abi::ISDIR);
        };
        let &ino = self.dir_entries(dir).get(&name).ok_or(abi::NOENT)?;
        if self.is_dir(ino) {
            return Err(abi::ISDIR);
        }
        if trailing_slash {
            return Err(abi::NOTDIR);
        }
        self.dir_entries_mut(dir).remove(&name);
        self.touch_dir(dir, now);
        self.unlinked(ino);
        Ok(())
    }

    pub fn rename(
        &mut self,
        from_start: Ino,
        from: &[u8],
        to_start: Ino,
        to: &[u8],
        now: u64,
    ) -> Result<(), Errno> {
        let Target::Entry {
            dir: from_dir,
            name: from_name,
            trailing_slash: from_slash,
        } = self.walk(from_start, from)?
        else {
            return Err(abi::INVAL);
        };
        let &ino = self
            .dir_entries(from_dir)
            .get(&from_name)
            .ok_or(abi::NOENT)?;
        let moving_dir = self.is_dir(ino);
        let Target::Entry {
            dir: to_dir,
            name: to_name,
            trailing_slash: to_slash,
        } = self.walk(to_start, to)?
        else {
            return Err(abi::INVAL);
        };
        if !moving_dir && (from_slash || to_slash) {
            return Err(abi::NOTDIR);
        }
        if moving_dir && (to_dir == ino || self.is_below(to_dir, ino)) {
            return Err(abi::INVAL);
        }
        if let Some(&existing) = self.dir_entries(to_dir).get(&to_name) {
            if existing == ino {
                return Ok(());
            }
            match (moving_dir, self.is_dir(existing)) {
                (true, false) => return Err(abi::NOTDIR),
                (false, true) => return Err(abi::ISDIR),
                (true, true) if !self.dir_entries(existing).is_empty() => {
                    return Err(abi::NOTEMPTY);
                }
                _ => {}
            }
            self.dir_entries_mut(to_dir).remove(&to_name);
            self.unlinked(existing);
        }
        self.dir_entries_mut(from_dir).remove(&from_name);
        self.dir_entries_mut(to_dir).insert(to_name, ino);
        if let Kind::Dir { parent, .. } = &mut self.node_mut(ino).kind {
            *parent = to_dir;
        }
        self.node_mut(ino).ctim = now;
        self.touch_dir(from_dir, now);
        self.touch_dir(to_dir, now);
        Ok(())
    }

    /// True when `ino` lies strictly below directory `ancestor`.
    fn is_below(&self, mut ino: Ino, ancestor: Ino) -> bool {
        while ino != ROOT {
            ino = self.parent(ino);
            if ino == ancestor {
                return true;
            }
        }
        false
    }

    fn touch_dir(&mut self, dir: Ino, now: u64) {
        let node = self.node_mut(dir);
        node.mtim = now;
        node.ctim = now;
    }

    pub fn stat(&self, ino: Ino) -> Filestat {
        let node = self.node(ino);
        let (filetype, size) = match &node.kind {
            Kind::File(content) => (abi::FILETYPE_REGULAR_FILE, content.len() as u64),
            Kind::Dir { .. } => (abi::FILETYPE_DIRECTORY, 0),
        };
        Filestat {
            ino: ino as u64 + 1,
            filetype,
            nlink: u64::from(node.links),
            size,
            atim: node.atim,
            mtim: node.mtim,
            ctim: node.ctim,
        }
    }

    pub fn set_times(
        &mut self,
        ino: Ino,
        atim: u64,
        mtim: u64,
        flags: u16,
        now: u64,
    ) -> Result<(), Errno> {
        let both = |set, now_flag| flags & set != 0 && flags & now_flag != 0;
        if both(abi::FSTFLAGS_ATIM, abi::FSTFLAGS_ATIM_NOW)
            || both(abi::FSTFLAGS_MTIM, abi::FSTFLAGS_MTIM_NOW)
        {
            return Err(abi::INVAL);
        }
        let node = self.node_mut(ino);
        if flags & abi::FSTFLAGS_ATIM != 0 {
            node.atim = atim;
        } else if flags & abi::FSTFLAGS_ATIM_NOW != 0 {
            node.atim = now;
        }
        if flags & abi::FSTFLAGS_MTIM != 0 {
            node.mtim = mtim;
        } else if flags & abi::FSTFLAGS_MTIM_NOW != 0 {
            node.mtim = now;
        }
        node.ctim = now;
        Ok(())
    }

    /// A directory's entries as `fd_readdir` lists them: `.`, `..`, then names in byte order.
    pub fn list(&self, dir: Ino) -> Vec<(Vec<u8>, u64, u8)> {
        let mut listing = vec![
            (b".".to_vec(), dir as u64 + 1, abi::FILETYPE_DIRECTORY),
            (
                b"..".to_vec(),
                self.parent(dir) as u64 + 1,
                abi::FILETYPE_DIRECTORY,
            ),
        ];
        for (name, &ino) in self.dir_entries(dir) {
            listing.push((name.clone(), ino as u64 + 1, self.stat(ino).filetype));
        }
        listing
    }

    pub fn content(&self, ino: Ino) -> &[u8] {
        match &self.node(ino).kind {
            Kind::File(content) => content,
            Kind::Dir { .. } => &[],
        }
    }

    /// Writes at `offset`, growing the file; all or nothing under the byte quota.
    pub fn write(&mut self, ino: Ino, offset: u64, data: &[u8], now: u64) -> Result<(), Errno> {
        let end = offset.checked_add(data.len() as u64).ok_or(abi::FBIG)?;
        let old = self.content(ino).len() as u64;
        if end > old {
            self.reserve_bytes(end - old)?;
        }
        let node = self.node_mut(ino);
        if let Kind::File(content) = &mut node.kind {
            if end as usize > content.len() {
                content.resize(end as usize, 0);
            }
            content[offset as usize..end as usize].copy_from_slice(data);
        }
        node.mtim = now;
        node.ctim = now;
        Ok(())
    }

    pub fn set_size(&mut self, ino: Ino, size: u64, now: u64) -> Result<(), Errno> {
        let old = self.content(ino).len() as u64;
        if size > old {
            self.reserve_bytes(size - old)?;
        } else {
            self.bytes -= old - size;
        }
        let node = self.node_mut(ino);
        if let Kind::File(content) = &mut node.kind {
            content.resize(size as usize, 0);
        }
        node.mtim = now;
        node.ctim = now;
        Ok(())
    }

    fn reserve_bytes(&mut self, more: u64) -> Result<(), Errno> {
        if self.bytes + more > self.quotas.max_bytes {
            self.quota_hit = true;
            return Err(abi::NOSPC);
        }
        self.bytes += more;
        Ok(())
    }

    fn reserve_inode(&mut self) -> Result<(), Errno> {
        if self.inodes >= self.quotas.max_inodes {
            self.quota_hit = true;
            return Err(abi::NOSPC);
        }
        Ok(())
    }

    pub fn retain(&mut self, ino: Ino) {
        self.node_mut(ino).open += 1;
    }

    pub fn release(&mut self, ino: Ino) {
        let node = self.node_mut(ino);
        node.open -= 1;
        if node.links == 0 && node.open == 0 {
            self.free(ino);
        }
    }

    fn unlinked(&mut self, ino: Ino) {
        let node = self.node_mut(ino);
        node.links -= 1;
        if node.links == 0 && node.open == 0 {
            self.free(ino);
        }
    }

    fn free(&mut self, ino: Ino) {
        if let Some(node) = self.nodes[ino].take() {
            if let Kind::File(content) = node.kind {
                self.bytes -= content.len() as u64;
            }
            self.inodes -= 1;
        }
    }

    /// Every regular file reachable from the root, `/`-joined paths in byte order.
    pub fn files(&self) -> Vec<(String, &[u8])> {
        let mut found = Vec::new();
        self.collect(ROOT, String::new(), &mut found);
        found
    }

    fn collect<'a>(&'a self, dir: Ino, prefix: String, found: &mut Vec<(String, &'a [u8])>) {
        for (name, &ino) in self.dir_entries(dir) {
            let path = format!("{prefix}{}", String::from_utf8_lossy(name));
            match &self.node(ino).kind {
                Kind::File(content) => found.push((path, content)),
                Kind::Dir { .. } => self.collect(ino, format!("{path}/"), found),
            }
        }
    }
}

impl Node {
    fn new(kind: Kind, now: u64) -> Self {
        Node {
            kind,
            atim: now,
            mtim: now,
            ctim: now,
            links: 1,
            open: 0,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const QUOTAS: Quotas = Quotas {
        max_bytes: 1000,
        max_inodes: 10,
    };

    #[test]
    fn dot_dot_stays_inside_the_starting_directory() {
        let mut tree = Tree::new(QUOTAS, 0);
        tree.mkdir(ROOT, b"a", 0).unwrap();
        assert_eq!(tree.lookup(ROOT, b"a/.."), Ok(ROOT));
        assert_eq!(tree.lookup(ROOT, b".."), Err(abi::PERM));
        assert_eq!(tree.lookup(ROOT, b"a/../.."), Err(abi::PERM));
        assert_eq!(tree.lookup(ROOT, b"/etc"), Err(abi::PERM));
        let a = tree.lookup(ROOT, b"a").unwrap();
        assert_eq!(
            tree.lookup(a, b".."),
            Err(abi::PERM),
            "a directory fd is its own capability"
        );
    }

    #[test]
    fn listings_are_byte_sorted_whatever_the_creation_order() {
        let mut tree = Tree::new(QUOTAS, 0);
        for name in ["b", "B", "a", "_"] {
            tree.open(ROOT, name.as_bytes(), abi::OFLAGS_CREAT, true, 0)
                .unwrap();
        }
        let names: Vec<Vec<u8>> = tree
            .list(ROOT)
            .into_iter()
            .map(|(name, _, _)| name)
            .collect();
        assert_eq!(names, [&b"."[..], b"..", b"B", b"_", b"a", b"b"]);
    }

    #[test]
    fn quotas_refuse_with_enospc_and_are_released_on_unlink() {
        let mut tree = Tree::new(QUOTAS, 0);
        let f = tree.open(ROOT, b"f", abi::OFLAGS_CREAT, true, 0).unwrap();
        assert_eq!(tree.write(f, 0, &[1; 1001], 0), Err(abi::NOSPC));
        assert!(tree.quota_hit);
        tree.write(f, 0, &[1; 1000], 0).unwrap();
        tree.unlink(ROOT, b"f", 0).unwrap();
        let g = tree.open(ROOT, b"g", abi::OFLAGS_CREAT, true, 0).unwrap();
        tree.write(g, 0, &[1; 1000], 0).unwrap();
        for i in 0..8 {
            tree.mkdir(ROOT, format!("d{i}").as_bytes(), 0).unwrap();
        }
        assert_eq!(tree.mkdir(ROOT, b"one-too-many", 0), Err(abi::NOSPC));
    }

    #[test]
    fn rename_follows_posix_rules() {
        let mut tree = Tree::new(QUOTAS, 0);
        tree.mkdir(ROOT, b"d", 0).unwrap();
        tree.mkdir(ROOT, b"d/sub", 0).unwrap();
        tree.open(ROOT, b"f", abi::OFLAGS_CREAT, true, 0).unwrap();
        assert_eq!(
            tree.rename(ROOT, b"d", ROOT, b"d/sub/x", 0),
            Err(abi::INVAL)
        );
        assert_eq!(tree.rename(ROOT, b"f", ROOT, b"d", 0), Err(abi::ISDIR));
        assert_eq!(tree.rename(ROOT, b"d", ROOT, b"f", 0), Err(abi::NOTDIR));
        tree.rename(ROOT, b"f", ROOT, b"d/g", 0).unwrap();
        assert_eq!(tree.lookup(ROOT, b"f"), Err(abi::NOENT));
        assert!(tree.lookup(ROOT, b"d/g").is_ok());
    }
}
