// The in-memory working directory of one run: a port of Cleanroom's Rust memfs
// (src/sandbox/memfs/tree.rs and fds.rs) with the same rules: byte-sorted listings,
// inodes numbered in creation order, virtual-clock timestamps, `..` confined to the
// starting directory, no links, quotas giving ENOSPC, lowest free descriptor reused.
// Names are kept as "binary strings" (one char per byte), so `<` compares them byte-wise.

export const E = {
  SUCCESS: 0, BADF: 8, EXIST: 20, FAULT: 21, FBIG: 22, ILSEQ: 25, INVAL: 28, ISDIR: 31,
  MFILE: 33, NAMETOOLONG: 37, NOENT: 44, NOSPC: 51, NOSYS: 52, NOTDIR: 54, NOTEMPTY: 55,
  NOTSUP: 58, PERM: 63, SPIPE: 70,
};
export const FILETYPE = { UNKNOWN: 0, DIRECTORY: 3, REGULAR_FILE: 4 };
export const OFLAGS = { CREAT: 1, DIRECTORY: 2, EXCL: 4, TRUNC: 8 };
export const FDFLAGS = { APPEND: 1, SYNC_ANY: 2 | 8 | 16 };
export const RIGHTS = { FD_READ: 1n << 1n, FD_WRITE: 1n << 6n };
const FST = { ATIM: 1, ATIM_NOW: 2, MTIM: 4, MTIM_NOW: 8 };
const NAME_MAX = 255;
const PATH_MAX = 4096;
export const MAX_OPEN = 1024;
export const ROOT = 0;

/** A WASI errno raised by a filesystem operation. */
export class Errno extends Error {
  constructor(code) { super(`errno ${code}`); this.code = code; }
}
const fail = (code) => { throw new Errno(code); };

export const bytesToName = (bytes) => {
  let s = '';
  for (let i = 0; i < bytes.length; i++) s += String.fromCharCode(bytes[i]);
  return s;
};
export const nameToBytes = (name) => Uint8Array.from(name, (c) => c.charCodeAt(0));
const sortedNames = (map) => [...map.keys()].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));

function newNode(kind, now, parent) {
  return {
    kind, // 'file' | 'dir'
    data: new Uint8Array(0), // file content (first `size` bytes)
    size: 0,
    entries: kind === 'dir' ? new Map() : null,
    parent,
    atim: now, mtim: now, ctim: now,
    links: 1,
    open: 0,
  };
}

export class Tree {
  constructor(quotas, now) {
    this.nodes = [newNode('dir', now, ROOT)];
    this.bytes = 0;
    this.inodes = 1;
    this.quotas = quotas; // { maxBytes, maxInodes } (numbers)
    this.quotaHit = false;
  }

  /** Places an initial file (creating folders), outside the quotas' refusals. */
  loadFile(path, content, now) {
    const parts = path.split('/');
    let dir = ROOT;
    for (let i = 0; i < parts.length; i++) {
      const name = bytesToName(new TextEncoder().encode(parts[i]));
      if (i === parts.length - 1) {
        this.bytes += content.length;
        const ino = this.alloc('file', now, null);
        const node = this.node(ino);
        node.data = content.slice();
        node.size = content.length;
        this.entries(dir).set(name, ino);
        return;
      }
      const existing = this.entries(dir).get(name);
      if (existing !== undefined) {
        if (!this.isDir(existing)) fail(E.NOTDIR);
        dir = existing;
      } else {
        dir = this.addDir(dir, name, now);
      }
    }
  }

  addDir(dir, name, now) {
    const ino = this.alloc('dir', now, dir);
    this.entries(dir).set(name, ino);
    return ino;
  }

  alloc(kind, now, parent) {
    this.inodes += 1;
    this.nodes.push(newNode(kind, now, parent));
    return this.nodes.length - 1;
  }

  node(ino) { return this.nodes[ino]; }
  isDir(ino) { return this.nodes[ino].kind === 'dir'; }
  entries(ino) { return this.nodes[ino].entries; }
  parent(ino) { return this.nodes[ino].parent; }

  /** Resolves `path` (bytes) from directory `start` into an entry or a directory itself. */
  walk(start, path) {
    if (path.length === 0) fail(E.NOENT);
    if (path[0] === 0x2f) fail(E.PERM);
    if (path.length > PATH_MAX) fail(E.NAMETOOLONG);
    const trailingSlash = path[path.length - 1] === 0x2f;
    const parts = bytesToName(path).split('/').filter((p) => p.length > 0);
    let dir = start;
    let depth = 0;
    for (let i = 0; i < parts.length; i++) {
      const part = parts[i];
      if (part.length > NAME_MAX) fail(E.NAMETOOLONG);
      const last = i + 1 === parts.length;
      if (part === '.') {
        if (last) return { itself: dir };
      } else if (part === '..') {
        if (depth === 0) fail(E.PERM);
        depth -= 1;
        dir = this.parent(dir);
        if (last) return { itself: dir };
      } else if (last) {
        return { dir, name: part, trailingSlash };
      } else {
        const next = this.entries(dir).get(part);
        if (next === undefined) fail(E.NOENT);
        if (!this.isDir(next)) fail(E.NOTDIR);
        dir = next;
        depth += 1;
      }
    }
    return { itself: dir };
  }

  lookup(start, path) {
    const target = this.walk(start, path);
    if (target.itself !== undefined) return target.itself;
    const ino = this.entries(target.dir).get(target.name);
    if (ino === undefined) fail(E.NOENT);
    if (target.trailingSlash && !this.isDir(ino)) fail(E.NOTDIR);
    return ino;
  }

  open(start, path, oflags, write, now) {
    const create = (oflags & OFLAGS.CREAT) !== 0;
    const excl = (oflags & OFLAGS.EXCL) !== 0;
    const wantDir = (oflags & OFLAGS.DIRECTORY) !== 0;
    const target = this.walk(start, path);
    let ino;
    if (target.itself !== undefined) {
      if (create && excl) fail(E.EXIST);
      ino = target.itself;
    } else {
      const found = this.entries(target.dir).get(target.name);
      if (found !== undefined) {
        if (create && excl) fail(E.EXIST);
        if (target.trailingSlash && !this.isDir(found)) fail(E.NOTDIR);
        ino = found;
      } else if (create) {
        if (target.trailingSlash || wantDir) fail(E.ISDIR);
        this.reserveInode();
        const created = this.alloc('file', now, null);
        this.entries(target.dir).set(target.name, created);
        this.touchDir(target.dir, now);
        return created;
      } else {
        fail(E.NOENT);
      }
    }
    if (this.isDir(ino)) {
      if (write) fail(E.ISDIR);
    } else {
      if (wantDir) fail(E.NOTDIR);
      if ((oflags & OFLAGS.TRUNC) !== 0) this.setSize(ino, 0, now);
    }
    return ino;
  }

  mkdir(start, path, now) {
    const target = this.walk(start, path);
    if (target.itself !== undefined) fail(E.EXIST);
    if (this.entries(target.dir).has(target.name)) fail(E.EXIST);
    this.reserveInode();
    this.addDir(target.dir, target.name, now);
    this.touchDir(target.dir, now);
  }

  rmdir(start, path, now) {
    const target = this.walk(start, path);
    if (target.itself !== undefined) fail(E.INVAL);
    const ino = this.entries(target.dir).get(target.name);
    if (ino === undefined) fail(E.NOENT);
    if (!this.isDir(ino)) fail(E.NOTDIR);
    if (this.entries(ino).size > 0) fail(E.NOTEMPTY);
    this.entries(target.dir).delete(target.name);
    this.touchDir(target.dir, now);
    this.unlinked(ino);
  }

  unlink(start, path, now) {
    const target = this.walk(start, path);
    if (target.itself !== undefined) fail(E.ISDIR);
    const ino = this.entries(target.dir).get(target.name);
    if (ino === undefined) fail(E.NOENT);
    if (this.isDir(ino)) fail(E.ISDIR);
    if (target.trailingSlash) fail(E.NOTDIR);
    this.entries(target.dir).delete(target.name);
    this.touchDir(target.dir, now);
    this.unlinked(ino);
  }

  rename(fromStart, from, toStart, to, now) {
    const source = this.walk(fromStart, from);
    if (source.itself !== undefined) fail(E.INVAL);
    const ino = this.entries(source.dir).get(source.name);
    if (ino === undefined) fail(E.NOENT);
    const movingDir = this.isDir(ino);
    const dest = this.walk(toStart, to);
    if (dest.itself !== undefined) fail(E.INVAL);
    if (!movingDir && (source.trailingSlash || dest.trailingSlash)) fail(E.NOTDIR);
    if (movingDir && (dest.dir === ino || this.isBelow(dest.dir, ino))) fail(E.INVAL);
    const existing = this.entries(dest.dir).get(dest.name);
    if (existing !== undefined) {
      if (existing === ino) return;
      const existingDir = this.isDir(existing);
      if (movingDir && !existingDir) fail(E.NOTDIR);
      if (!movingDir && existingDir) fail(E.ISDIR);
      if (movingDir && existingDir && this.entries(existing).size > 0) fail(E.NOTEMPTY);
      this.entries(dest.dir).delete(dest.name);
      this.unlinked(existing);
    }
    this.entries(source.dir).delete(source.name);
    this.entries(dest.dir).set(dest.name, ino);
    if (movingDir) this.node(ino).parent = dest.dir;
    this.node(ino).ctim = now;
    this.touchDir(source.dir, now);
    this.touchDir(dest.dir, now);
  }

  isBelow(ino, ancestor) {
    while (ino !== ROOT) {
      ino = this.parent(ino);
      if (ino === ancestor) return true;
    }
    return false;
  }

  touchDir(dir, now) {
    const node = this.node(dir);
    node.mtim = now;
    node.ctim = now;
  }

  /** The 64-byte WASI filestat of an inode. */
  stat(ino) {
    const node = this.node(ino);
    const out = new Uint8Array(64);
    const view = new DataView(out.buffer);
    view.setBigUint64(8, BigInt(ino + 1), true);
    out[16] = node.kind === 'dir' ? FILETYPE.DIRECTORY : FILETYPE.REGULAR_FILE;
    view.setBigUint64(24, BigInt(node.links), true);
    view.setBigUint64(32, BigInt(node.kind === 'dir' ? 0 : node.size), true);
    view.setBigUint64(40, node.atim, true);
    view.setBigUint64(48, node.mtim, true);
    view.setBigUint64(56, node.ctim, true);
    return out;
  }

  setTimes(ino, atim, mtim, flags, now) {
    if (((flags & FST.ATIM) && (flags & FST.ATIM_NOW)) || ((flags & FST.MTIM) && (flags & FST.MTIM_NOW))) {
      fail(E.INVAL);
    }
    const node = this.node(ino);
    if (flags & FST.ATIM) node.atim = atim;
    else if (flags & FST.ATIM_NOW) node.atim = now;
    if (flags & FST.MTIM) node.mtim = mtim;
    else if (flags & FST.MTIM_NOW) node.mtim = now;
    node.ctim = now;
  }

  /** `fd_readdir`'s entries: `.`, `..`, then names in byte order; [nameBytes, ino, type]. */
  list(dir) {
    const listing = [
      [nameToBytes('.'), dir + 1, FILETYPE.DIRECTORY],
      [nameToBytes('..'), this.parent(dir) + 1, FILETYPE.DIRECTORY],
    ];
    const entries = this.entries(dir);
    for (const name of sortedNames(entries)) {
      const ino = entries.get(name);
      listing.push([nameToBytes(name), ino + 1, this.isDir(ino) ? FILETYPE.DIRECTORY : FILETYPE.REGULAR_FILE]);
    }
    return listing;
  }

  content(ino) {
    const node = this.node(ino);
    return node.kind === 'file' ? node.data.subarray(0, node.size) : new Uint8Array(0);
  }

  /** Makes room for `size` bytes in a file's buffer (zero-filled), doubling as it grows. */
  resize(node, size) {
    if (size > node.data.length) {
      const grown = new Uint8Array(Math.max(size, node.data.length * 2));
      grown.set(node.data.subarray(0, node.size));
      node.data = grown;
    } else if (size > node.size) {
      node.data.fill(0, node.size, size);
    }
    node.size = size;
  }

  write(ino, offset, data, now) {
    const end = offset + data.length;
    const node = this.node(ino);
    const old = node.size;
    if (end > old) this.reserveBytes(end - old);
    if (node.kind === 'file') {
      if (end > node.size) this.resize(node, end);
      node.data.set(data, offset);
    }
    node.mtim = now;
    node.ctim = now;
  }

  setSize(ino, size, now) {
    const node = this.node(ino);
    const old = node.size;
    if (size > old) this.reserveBytes(size - old);
    else this.bytes -= old - size;
    if (node.kind === 'file') this.resize(node, size);
    node.mtim = now;
    node.ctim = now;
  }

  reserveBytes(more) {
    if (this.bytes + more > this.quotas.maxBytes) {
      this.quotaHit = true;
      fail(E.NOSPC);
    }
    this.bytes += more;
  }

  reserveInode() {
    if (this.inodes >= this.quotas.maxInodes) {
      this.quotaHit = true;
      fail(E.NOSPC);
    }
  }

  retain(ino) { this.node(ino).open += 1; }

  release(ino) {
    const node = this.node(ino);
    node.open -= 1;
    if (node.links === 0 && node.open === 0) this.free(ino);
  }

  unlinked(ino) {
    const node = this.node(ino);
    node.links -= 1;
    if (node.links === 0 && node.open === 0) this.free(ino);
  }

  free(ino) {
    const node = this.nodes[ino];
    if (!node) return;
    if (node.kind === 'file') this.bytes -= node.size;
    this.inodes -= 1;
    this.nodes[ino] = null;
  }

  /** Every regular file reachable from the root: [path, bytes], paths in byte order. */
  files() {
    const found = [];
    const decoder = new TextDecoder();
    const collect = (dir, prefix) => {
      const entries = this.entries(dir);
      for (const name of sortedNames(entries)) {
        const ino = entries.get(name);
        const path = prefix + decoder.decode(nameToBytes(name));
        if (this.isDir(ino)) collect(ino, `${path}/`);
        else found.push([path, this.content(ino).slice()]);
      }
    };
    collect(ROOT, '');
    return found;
  }
}

/** stdio at 0–2, the working directory preopened at 3, lowest free number reused first. */
export class FdTable {
  constructor(root) {
    this.slots = [
      { kind: 'stdin' },
      { kind: 'stdout' },
      { kind: 'stderr' },
      { kind: 'dir', ino: root, preopen: '.' },
    ];
  }

  get(fd) {
    const slot = this.slots[fd];
    if (!slot) fail(E.BADF);
    return slot;
  }

  dir(fd) {
    const slot = this.get(fd);
    if (slot.kind !== 'dir') fail(E.BADF);
    return slot.ino;
  }

  insert(descriptor) {
    const free = this.slots.findIndex((slot) => slot === null);
    if (free !== -1) {
      this.slots[free] = descriptor;
      return free;
    }
    if (this.slots.length >= MAX_OPEN) fail(E.MFILE);
    this.slots.push(descriptor);
    return this.slots.length - 1;
  }

  remove(fd) {
    const slot = this.get(fd);
    this.slots[fd] = null;
    return slot;
  }

  /** Moves `from` onto `to` (which must be open); returns what `to` held. */
  renumber(from, to) {
    this.get(from);
    this.get(to);
    if (from === to) return null;
    const moved = this.remove(from);
    const old = this.slots[to];
    this.slots[to] = moved;
    return old;
  }
}
