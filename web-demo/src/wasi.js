// WASI preview 1 for one run, written to match Cleanroom's native sandbox: the
// in-memory filesystem (memfs.js), the virtual clock (2024-01-01Z, +1 ms per read,
// sleeps jump), SplitMix64 random bytes seeded from the case id, captured stdout/stderr
// with the output limit, and proc_exit with any code. See docs/sandbox.md.

import { E, Errno, FdTable, FDFLAGS, FILETYPE, RIGHTS, ROOT, Tree } from './memfs.js';

export const START_WALL_CLOCK_NANOS = 1_704_067_200n * 1_000_000_000n;
export const TICK_NANOS = 1_000_000n;
const MASK64 = (1n << 64n) - 1n;

/** SplitMix64 (Steele, Lea, Flood 2014), as src/sandbox/random.rs. */
export class SplitMix64 {
  constructor(seed) { this.state = BigInt.asUintN(64, seed); }
  next() {
    this.state = (this.state + 0x9e3779b97f4a7c15n) & MASK64;
    let z = this.state;
    z = ((z ^ (z >> 30n)) * 0xbf58476d1ce4e5b9n) & MASK64;
    z = ((z ^ (z >> 27n)) * 0x94d049bb133111ebn) & MASK64;
    return z ^ (z >> 31n);
  }
  /** Fills `bytes` 8 per output, little-endian; a partial last output is cut. */
  fill(bytes) {
    const word = new DataView(new ArrayBuffer(8));
    for (let i = 0; i < bytes.length; i += 8) {
      word.setBigUint64(0, this.next(), true);
      const n = Math.min(8, bytes.length - i);
      for (let j = 0; j < n; j++) bytes[i + j] = word.getUint8(j);
    }
  }
}

/** The seed of a case: the first 8 bytes (little-endian) of SHA-256 of its id. */
export async function seedForCase(caseId) {
  const digest = await crypto.subtle.digest('SHA-256', new TextEncoder().encode(caseId));
  return new DataView(digest).getBigUint64(0, true);
}

/** Thrown through the guest by proc_exit. */
export class GuestExit extends Error {
  constructor(code) { super(`the program exited with code ${code}`); this.code = code; }
}
/**
 * A call served by wasmtime-wasi in the CLI (args, environment, clocks) given a pointer
 * outside memory: wasmtime stops the run (`crashed`, `invalid_host_call`) with wiggle's
 * message, where the CLI's own calls (files, random, poll) answer errno FAULT.
 */
export class InvalidHostCall extends Error {}

/** Thrown through the guest by the write that crosses the output limit. */
export class OutputLimitExceeded extends Error {
  constructor(stream) { super(`${stream} exceeded the output limit`); this.stream = stream; }
}

/** Captured output: the first `limit` bytes; the crossing write stores what fits and traps. */
class CapturedOutput {
  constructor(stream, limit) {
    this.stream = stream;
    this.limit = limit;
    this.chunks = [];
    this.length = 0;
    this.exceeded = false;
  }
  append(data) {
    const room = Math.max(0, this.limit - this.length);
    if (data.length > room || this.exceeded) {
      this.push(data.subarray(0, Math.min(room, data.length)));
      this.exceeded = true;
      return false;
    }
    this.push(data);
    return true;
  }
  push(data) {
    if (data.length === 0) return;
    this.chunks.push(data.slice());
    this.length += data.length;
  }
  bytes() {
    const out = new Uint8Array(this.length);
    let at = 0;
    for (const chunk of this.chunks) { out.set(chunk, at); at += chunk.length; }
    return out;
  }
}

const PREOPEN_RIGHTS = bits([9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 20, 21, 23, 24, 25, 26]);
const PREOPEN_INHERITING = PREOPEN_RIGHTS | bits([0, 1, 2, 3, 4, 5, 6, 7, 8, 21, 22, 23, 27]);
const ALL_RIGHTS = (1n << 30n) - 1n;
const DIR_RIGHTS = ALL_RIGHTS & ~bits([2, 6, 19, 22]);
function bits(positions) {
  return positions.reduce((value, p) => value | (1n << BigInt(p)), 0n);
}

// The calls the CLI leaves to wasmtime-wasi (the rest are Cleanroom's own).
const WASMTIME_WASI_CALLS = new Set([
  'args_get', 'args_sizes_get', 'environ_get', 'environ_sizes_get', 'clock_res_get', 'clock_time_get',
]);

const CLOCK_REALTIME = 0;
const CLOCK_MONOTONIC = 1;

/**
 * One run's WASI world. `spec`: { argv, env: [[k, v]], stdin: Uint8Array,
 * files: [[path, Uint8Array]], seed: BigInt, limits: { output_bytes, disk_bytes, max_files } }.
 */
export class WasiRun {
  constructor(spec) {
    this.argv = spec.argv.map((arg) => new TextEncoder().encode(arg));
    this.env = spec.env.map(([k, v]) => new TextEncoder().encode(`${k}=${v}`));
    this.stdin = spec.stdin;
    this.stdinPosition = 0;
    this.stdout = new CapturedOutput('stdout', spec.limits.output_bytes);
    this.stderr = new CapturedOutput('stderr', spec.limits.output_bytes);
    this.nanos = 0n; // virtual monotonic time
    this.random = new SplitMix64(spec.seed);
    const now = this.wallNanos();
    this.tree = new Tree({ maxBytes: spec.limits.disk_bytes, maxInodes: spec.limits.max_files }, now);
    for (const [path, content] of spec.files) this.tree.loadFile(path, content, now);
    this.fds = new FdTable(ROOT);
    this.tree.retain(ROOT);
    this.memory = null;
  }

  wallNanos() { return START_WALL_CLOCK_NANOS + this.nanos; }
  readClock() { this.nanos += TICK_NANOS; return this.nanos; }

  /** The import object: every wasi_snapshot_preview1 function. */
  imports() {
    const calls = {};
    for (const [name, body] of Object.entries(this.calls())) {
      const wasmtimeWasi = WASMTIME_WASI_CALLS.has(name);
      calls[name] = (...args) => {
        try {
          const result = body(...args);
          return result === undefined ? E.SUCCESS : result;
        } catch (error) {
          if (wasmtimeWasi && error.region) throw new InvalidHostCall(`Pointer out of bounds: ${error.region}`);
          if (error instanceof Errno) return error.code;
          throw error;
        }
      };
    }
    return { wasi_snapshot_preview1: calls };
  }

  // --- guest memory, bounds-checked: a bad pointer is FAULT ---
  bytes() { return new Uint8Array(this.memory.buffer); }
  view() { return new DataView(this.memory.buffer); }
  slice(ptr, len) {
    ptr >>>= 0; len >>>= 0;
    const memory = this.bytes();
    if (ptr + len > memory.length) {
      throw Object.assign(new Errno(E.FAULT), { region: `Region { start: ${ptr}, len: ${len} }` });
    }
    return memory.subarray(ptr, ptr + len);
  }
  write(ptr, data) { this.slice(ptr, data.length).set(data); }
  writeU32(ptr, value) { this.slice(ptr, 4); this.view().setUint32(ptr >>> 0, value, true); }
  writeU64(ptr, value) { this.slice(ptr, 8); this.view().setBigUint64(ptr >>> 0, BigInt.asUintN(64, value), true); }
  path(ptr, len) {
    const bytes = this.slice(ptr, len).slice();
    try {
      new TextDecoder('utf-8', { fatal: true }).decode(bytes);
    } catch {
      throw new Errno(E.ILSEQ);
    }
    return bytes;
  }
  iovecs(ptr, count) {
    count >>>= 0;
    if (count * 8 > 0xffffffff) throw new Errno(E.FAULT);
    const raw = this.slice(ptr, count * 8);
    const view = new DataView(raw.buffer, raw.byteOffset, raw.byteLength);
    const out = [];
    for (let i = 0; i < count; i++) out.push([view.getUint32(i * 8, true), view.getUint32(i * 8 + 4, true)]);
    return out;
  }
  /** Writes (argv or environ) strings NUL-terminated into `buf`, pointers into `ptrs`. */
  writeStrings(strings, ptrs, buf) {
    let at = buf >>> 0;
    strings.forEach((s, i) => {
      this.writeU32((ptrs >>> 0) + i * 4, at);
      this.write(at, s);
      this.write(at + s.length, [0]);
      at += s.length + 1;
    });
  }

  file(fd) {
    const d = this.fds.get(fd >>> 0);
    if (d.kind !== 'file') throw new Errno(E.BADF);
    return d.ino;
  }

  close(fd) {
    const d = this.fds.remove(fd >>> 0);
    if (d.ino !== undefined) this.tree.release(d.ino);
  }

  emit(stream, data) {
    if (!stream.append(data)) throw new OutputLimitExceeded(stream.stream);
  }

  calls() {
    const fs = this;
    const now = () => this.wallNanos();
    return {
      args_get: (ptrs, buf) => fs.writeStrings(fs.argv, ptrs, buf),
      args_sizes_get: (count, size) => {
        fs.writeU32(count, fs.argv.length);
        fs.writeU32(size, fs.argv.reduce((n, s) => n + s.length + 1, 0));
      },
      environ_get: (ptrs, buf) => fs.writeStrings(fs.env, ptrs, buf),
      environ_sizes_get: (count, size) => {
        fs.writeU32(count, fs.env.length);
        fs.writeU32(size, fs.env.reduce((n, s) => n + s.length + 1, 0));
      },
      clock_res_get: (id, out) => {
        if (id !== CLOCK_REALTIME && id !== CLOCK_MONOTONIC) return E.BADF;
        fs.writeU64(out, TICK_NANOS);
      },
      clock_time_get: (id, _precision, out) => {
        if (id !== CLOCK_REALTIME && id !== CLOCK_MONOTONIC) return E.BADF;
        const nanos = fs.readClock();
        fs.writeU64(out, id === CLOCK_REALTIME ? START_WALL_CLOCK_NANOS + nanos : nanos);
      },
      poll_oneoff: (subs, events, count, written) => fs.pollOneoff(subs, events, count, written),
      proc_exit: (code) => { throw new GuestExit(code | 0); },
      proc_raise: () => E.NOSYS,
      sched_yield: () => E.SUCCESS,
      random_get: (buf, len) => { fs.random.fill(fs.slice(buf, len)); },
      sock_accept: () => E.NOTSUP,
      sock_recv: () => E.NOTSUP,
      sock_send: () => E.NOTSUP,
      sock_shutdown: () => E.NOTSUP,

      fd_advise: (fd) => { fs.file(fd); },
      fd_allocate: (fd) => { fs.file(fd); return E.NOTSUP; },
      fd_close: (fd) => fs.close(fd),
      fd_datasync: (fd) => { fs.file(fd); },
      fd_sync: (fd) => { fs.file(fd); },
      fd_fdstat_get: (fd, out) => fs.fdstat(fd >>> 0, out),
      fd_fdstat_set_flags: (fd, flags) => {
        const d = fs.fds.get(fd >>> 0);
        if (d.kind !== 'file') return E.BADF;
        if (flags & FDFLAGS.SYNC_ANY) return E.INVAL;
        d.append = (flags & FDFLAGS.APPEND) !== 0;
      },
      fd_fdstat_set_rights: (fd) => { fs.fds.get(fd >>> 0); return E.NOTSUP; },
      fd_filestat_get: (fd, out) => {
        const d = fs.fds.get(fd >>> 0);
        fs.write(out, d.ino === undefined ? new Uint8Array(64) : fs.tree.stat(d.ino));
      },
      fd_filestat_set_size: (fd, size) => {
        const d = fs.fds.get(fd >>> 0);
        if (d.kind !== 'file') return E.BADF;
        if (!d.write) return E.INVAL;
        fs.tree.setSize(d.ino, safeSize(size), now());
      },
      fd_filestat_set_times: (fd, atim, mtim, flags) => {
        const d = fs.fds.get(fd >>> 0);
        if (d.ino === undefined) return E.BADF;
        fs.tree.setTimes(d.ino, BigInt.asUintN(64, atim), BigInt.asUintN(64, mtim), flags, now());
      },
      fd_pread: (fd, iovs, n, offset, out) => fs.read(fd >>> 0, iovs, n, BigInt.asUintN(64, offset), out),
      fd_read: (fd, iovs, n, out) => fs.read(fd >>> 0, iovs, n, null, out),
      fd_pwrite: (fd, iovs, n, offset, out) => fs.writeFd(fd >>> 0, iovs, n, BigInt.asUintN(64, offset), out),
      fd_write: (fd, iovs, n, out) => fs.writeFd(fd >>> 0, iovs, n, null, out),
      fd_prestat_get: (fd, out) => {
        const d = fs.fds.get(fd >>> 0);
        if (d.kind !== 'dir' || !d.preopen) return E.BADF;
        const prestat = new Uint8Array(8);
        new DataView(prestat.buffer).setUint32(4, d.preopen.length, true);
        fs.write(out, prestat);
      },
      fd_prestat_dir_name: (fd, out, len) => {
        const d = fs.fds.get(fd >>> 0);
        if (d.kind !== 'dir' || !d.preopen) return E.NOTDIR;
        if (d.preopen.length > (len >>> 0)) return E.NAMETOOLONG;
        fs.write(out, new TextEncoder().encode(d.preopen));
      },
      fd_readdir: (fd, buf, len, cookie, out) => fs.readdir(fd >>> 0, buf, len >>> 0, BigInt.asUintN(64, cookie), out),
      fd_renumber: (from, to) => {
        const old = fs.fds.renumber(from >>> 0, to >>> 0);
        if (old && old.ino !== undefined) fs.tree.release(old.ino);
      },
      fd_seek: (fd, offset, whence, out) => fs.seek(fd >>> 0, offset, whence & 0xff, out),
      fd_tell: (fd, out) => fs.seek(fd >>> 0, 0n, 1, out),

      path_create_directory: (fd, path, len) => {
        const dir = fs.fds.dir(fd >>> 0);
        fs.tree.mkdir(dir, fs.path(path, len), now());
      },
      path_filestat_get: (fd, _flags, path, len, out) => {
        const ino = fs.tree.lookup(fs.fds.dir(fd >>> 0), fs.path(path, len));
        fs.write(out, fs.tree.stat(ino));
      },
      path_filestat_set_times: (fd, _flags, path, len, atim, mtim, flags) => {
        const ino = fs.tree.lookup(fs.fds.dir(fd >>> 0), fs.path(path, len));
        fs.tree.setTimes(ino, BigInt.asUintN(64, atim), BigInt.asUintN(64, mtim), flags & 0xffff, now());
      },
      path_link: (fromFd, _flags, from, fromLen, toFd, to, toLen) => {
        fs.tree.lookup(fs.fds.dir(fromFd >>> 0), fs.path(from, fromLen));
        fs.fds.dir(toFd >>> 0);
        fs.path(to, toLen);
        return E.NOTSUP;
      },
      path_open: (fd, _dirflags, path, len, oflags, rights, _inheriting, fdflags, out) =>
        fs.open(fd >>> 0, path, len, oflags & 0xffff, BigInt.asUintN(64, rights), fdflags & 0xffff, out),
      path_readlink: (fd, path, len) => {
        fs.tree.lookup(fs.fds.dir(fd >>> 0), fs.path(path, len));
        return E.INVAL;
      },
      path_remove_directory: (fd, path, len) => {
        const dir = fs.fds.dir(fd >>> 0);
        fs.tree.rmdir(dir, fs.path(path, len), now());
      },
      path_rename: (fromFd, from, fromLen, toFd, to, toLen) => {
        const fromDir = fs.fds.dir(fromFd >>> 0);
        const toDir = fs.fds.dir(toFd >>> 0);
        const fromPath = fs.path(from, fromLen);
        const toPath = fs.path(to, toLen);
        fs.tree.rename(fromDir, fromPath, toDir, toPath, now());
      },
      path_symlink: (from, fromLen, fd, to, toLen) => {
        fs.path(from, fromLen);
        fs.fds.dir(fd >>> 0);
        fs.path(to, toLen);
        return E.NOTSUP;
      },
      path_unlink_file: (fd, path, len) => {
        const dir = fs.fds.dir(fd >>> 0);
        fs.tree.unlink(dir, fs.path(path, len), now());
      },
    };
  }

  fdstat(fd, out) {
    const d = this.fds.get(fd);
    let filetype; let flags = 0; let base; let inheriting;
    if (d.kind === 'stdin') {
      [filetype, base, inheriting] = [FILETYPE.UNKNOWN, RIGHTS.FD_READ, RIGHTS.FD_READ];
    } else if (d.kind === 'stdout' || d.kind === 'stderr') {
      [filetype, base, inheriting] = [FILETYPE.UNKNOWN, RIGHTS.FD_WRITE, RIGHTS.FD_WRITE];
    } else if (d.kind === 'dir') {
      filetype = FILETYPE.DIRECTORY;
      [base, inheriting] = d.preopen ? [PREOPEN_RIGHTS, PREOPEN_INHERITING] : [DIR_RIGHTS, DIR_RIGHTS];
    } else {
      let rights = ALL_RIGHTS;
      if (!d.read) rights &= ~(RIGHTS.FD_READ | bits([14]));
      if (!d.write) rights &= ~RIGHTS.FD_WRITE;
      filetype = FILETYPE.REGULAR_FILE;
      flags = d.append ? FDFLAGS.APPEND : 0;
      [base, inheriting] = [rights, rights];
    }
    const stat = new Uint8Array(24);
    const view = new DataView(stat.buffer);
    stat[0] = filetype;
    view.setUint16(2, flags, true);
    view.setBigUint64(8, base, true);
    view.setBigUint64(16, inheriting, true);
    this.write(out, stat);
  }

  read(fd, iovs, count, at, out) {
    const iovecs = this.iovecs(iovs, count);
    const d = this.fds.get(fd);
    let source; let start;
    if (d.kind === 'stdin' && at === null) {
      [source, start] = [this.stdin, this.stdinPosition];
    } else if ((d.kind === 'stdin' || d.kind === 'stdout' || d.kind === 'stderr') && at !== null) {
      return E.SPIPE;
    } else if (d.kind === 'file' && d.read) {
      source = this.tree.content(d.ino);
      start = at === null ? d.position : clampOffset(at);
    } else {
      return E.BADF;
    }
    let offset = Math.min(start, source.length);
    let total = 0;
    for (const [ptr, len] of iovecs) {
      const n = Math.min(source.length - offset, len);
      this.write(ptr, source.subarray(offset, offset + n));
      offset += n;
      total += n;
      if (n < len) break;
    }
    if (d.kind === 'stdin') this.stdinPosition += total;
    else if (d.kind === 'file' && at === null) d.position = start + total;
    this.writeU32(out, total);
  }

  writeFd(fd, iovs, count, at, out) {
    const parts = this.iovecs(iovs, count).map(([ptr, len]) => this.slice(ptr, len));
    const data = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
    let at2 = 0;
    for (const part of parts) { data.set(part, at2); at2 += part.length; }
    const now = this.wallNanos();
    const d = this.fds.get(fd);
    if (d.kind === 'stdout' && at === null) this.emit(this.stdout, data);
    else if (d.kind === 'stderr' && at === null) this.emit(this.stderr, data);
    else if ((d.kind === 'stdin' || d.kind === 'stdout' || d.kind === 'stderr') && at !== null) return E.SPIPE;
    else if (d.kind === 'file' && d.write) {
      let offset;
      if (at !== null) offset = clampOffset(at);
      else if (d.append) offset = this.tree.content(d.ino).length;
      else offset = d.position;
      this.tree.write(d.ino, offset, data, now);
      if (at === null) d.position = offset + data.length;
    } else {
      return E.BADF;
    }
    this.writeU32(out, data.length);
  }

  seek(fd, delta, whence, out) {
    const d = this.fds.get(fd);
    if (d.kind === 'stdin' || d.kind === 'stdout' || d.kind === 'stderr') return E.SPIPE;
    if (d.kind === 'dir') return E.BADF;
    const size = BigInt(this.tree.content(d.ino).length);
    delta = BigInt.asIntN(64, BigInt(delta));
    let target = null;
    if (whence === 0 && delta >= 0n) target = delta;
    else if (whence === 1) target = BigInt(d.position) + delta;
    else if (whence === 2) target = size + delta;
    if (target === null || target < 0n || target > MASK64) return E.INVAL;
    d.position = Number(target);
    this.writeU64(out, target);
  }

  readdir(fd, buf, len, cookie, out) {
    const dir = this.fds.dir(fd);
    const listing = this.tree.list(dir);
    const chunks = [];
    let size = 0;
    for (let index = Number(cookie > BigInt(listing.length) ? BigInt(listing.length) : cookie); index < listing.length; index++) {
      const [name, ino, filetype] = listing[index];
      const dirent = new Uint8Array(24 + name.length);
      const view = new DataView(dirent.buffer);
      view.setBigUint64(0, BigInt(index + 1), true);
      view.setBigUint64(8, BigInt(ino), true);
      view.setUint32(16, name.length, true);
      dirent[20] = filetype;
      dirent.set(name, 24);
      chunks.push(dirent);
      size += dirent.length;
      if (size >= len) break;
    }
    const bytes = new Uint8Array(size);
    let at = 0;
    for (const chunk of chunks) { bytes.set(chunk, at); at += chunk.length; }
    const kept = bytes.subarray(0, Math.min(len, size));
    this.write(buf, kept);
    this.writeU32(out, kept.length);
  }

  open(fd, path, len, oflags, rights, fdflags, out) {
    const d = this.fds.get(fd);
    if (d.kind === 'file') return E.NOTDIR;
    if (d.kind !== 'dir') return E.BADF;
    const bytes = this.path(path, len);
    const read = (rights & RIGHTS.FD_READ) !== 0n;
    const write = (rights & RIGHTS.FD_WRITE) !== 0n;
    const ino = this.tree.open(d.ino, bytes, oflags, write, this.wallNanos());
    const descriptor = this.tree.isDir(ino)
      ? { kind: 'dir', ino, preopen: null }
      : { kind: 'file', ino, position: 0, read, write, append: (fdflags & FDFLAGS.APPEND) !== 0 };
    const newFd = this.fds.insert(descriptor);
    this.tree.retain(ino);
    this.writeU32(out, newFd);
  }

  /** poll_oneoff over virtual time, as src/sandbox/clock.rs: never blocks. */
  pollOneoff(subs, events, count, written) {
    count >>>= 0;
    if (count === 0) return E.INVAL;
    const raw = this.slice(subs, count * 48).slice();
    const view = new DataView(raw.buffer);
    const now = this.nanos;
    const readyFds = [];
    const clocks = [];
    for (let i = 0; i < count; i++) {
      const base = i * 48;
      const userdata = view.getBigUint64(base, true);
      const tag = raw[base + 8];
      if (tag === 0) {
        const id = view.getUint32(base + 16, true);
        const timeout = view.getBigUint64(base + 24, true);
        const absolute = (view.getUint16(base + 40, true) & 1) !== 0;
        let deadline;
        if ((id === CLOCK_MONOTONIC || id === CLOCK_REALTIME) && !absolute) {
          deadline = now + timeout > MASK64 ? MASK64 : now + timeout;
        } else if (id === CLOCK_MONOTONIC) {
          deadline = timeout;
        } else if (id === CLOCK_REALTIME) {
          deadline = timeout > START_WALL_CLOCK_NANOS ? timeout - START_WALL_CLOCK_NANOS : 0n;
        } else {
          return E.INVAL;
        }
        clocks.push([userdata, deadline]);
      } else if (tag === 1 || tag === 2) {
        readyFds.push([userdata, tag]);
      } else {
        return E.INVAL;
      }
    }
    let fired;
    if (readyFds.length > 0) {
      fired = readyFds;
    } else {
      const earliest = clocks.reduce((min, [, d]) => (d < min ? d : min), clocks.length ? clocks[0][1] : now);
      if (earliest > this.nanos) this.nanos = earliest;
      const until = earliest > now ? earliest : now;
      fired = clocks.filter(([, d]) => d <= until).map(([userdata]) => [userdata, 0]);
    }
    const out = this.slice(events, fired.length * 32);
    out.fill(0);
    const outView = new DataView(out.buffer, out.byteOffset, out.byteLength);
    fired.forEach(([userdata, kind], i) => {
      outView.setBigUint64(i * 32, userdata, true);
      out[i * 32 + 10] = kind;
    });
    this.writeU32(written, fired.length);
  }

  /** Every regular file after the run, as the judge wants them. */
  filesAfter() { return this.tree.files(); }
}

/** A u64 size as a number; a size past 2^53 is far over any quota, which refuses it. */
function safeSize(size) {
  return Number(BigInt.asUintN(64, size));
}

function clampOffset(offset) {
  return offset > BigInt(Number.MAX_SAFE_INTEGER) ? Number.MAX_SAFE_INTEGER : Number(offset);
}
