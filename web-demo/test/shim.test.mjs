// The WASI shim's deterministic parts, without a browser: the random byte rule, the
// seed rule, the virtual clock and the filesystem's listing and inode rules.
import { test } from 'node:test';
import assert from 'node:assert/strict';

import { SplitMix64, WasiRun, seedForCase } from '../src/wasi.js';
import { Tree, ROOT, OFLAGS, E, Errno } from '../src/memfs.js';

test('SplitMix64 gives the published sequence (the Rust unit test values)', () => {
  const rng = new SplitMix64(1234567n);
  assert.equal(rng.next(), 6457827717110365317n);
  assert.equal(rng.next(), 3203168211198807973n);
});

test('random bytes come 8 per output, little-endian, a partial output is dropped', () => {
  const a = new SplitMix64(7n);
  const first = a.next();
  const second = a.next();
  const b = new SplitMix64(7n);
  const five = new Uint8Array(5);
  b.fill(five);
  const word = new DataView(new ArrayBuffer(8));
  word.setBigUint64(0, first, true);
  assert.deepEqual([...five], [...new Uint8Array(word.buffer).slice(0, 5)]);
  const next = new Uint8Array(8);
  b.fill(next);
  word.setBigUint64(0, second, true);
  assert.deepEqual([...next], [...new Uint8Array(word.buffer)], 'the next call starts on a fresh output');
});

test('the seed is the first 8 bytes of SHA-256 of the case id, little-endian', async () => {
  // sha256("basic/a") starts with these bytes (computed with `sha256sum`).
  const { createHash } = await import('node:crypto');
  const digest = createHash('sha256').update('basic/a').digest();
  assert.equal(await seedForCase('basic/a'), digest.readBigUInt64LE(0));
  assert.notEqual(await seedForCase('basic/a'), await seedForCase('basic/b'));
});

test('every clock read advances 1 ms from 2024-01-01T00:00:00Z', () => {
  const run = new WasiRun({ argv: ['p'], env: [], stdin: new Uint8Array(), files: [], seed: 1n,
    limits: { output_bytes: 10, disk_bytes: 1000, max_files: 10 } });
  const memory = new WebAssembly.Memory({ initial: 1 });
  run.memory = memory;
  const wasi = run.imports().wasi_snapshot_preview1;
  assert.equal(wasi.clock_time_get(0, 0n, 0), 0);
  assert.equal(new DataView(memory.buffer).getBigUint64(0, true), 1_704_067_200_001_000_000n);
  assert.equal(wasi.clock_time_get(1, 0n, 8), 0);
  assert.equal(new DataView(memory.buffer).getBigUint64(8, true), 2_000_000n);
  assert.equal(wasi.clock_time_get(2, 0n, 8), E.BADF, 'CPU-time clocks are not available');
});

test('listings are byte-sorted, inodes follow creation order, .. stays inside', () => {
  const tree = new Tree({ maxBytes: 1000, maxInodes: 10 }, 0n);
  for (const name of ['b', 'B', 'a', '_']) tree.open(ROOT, new TextEncoder().encode(name), OFLAGS.CREAT, true, 0n);
  const names = tree.list(ROOT).map(([name]) => new TextDecoder().decode(name));
  assert.deepEqual(names, ['.', '..', 'B', '_', 'a', 'b']);
  assert.deepEqual(tree.list(ROOT).map(([, ino]) => ino), [1, 1, 3, 5, 4, 2]);
  assert.throws(() => tree.lookup(ROOT, new TextEncoder().encode('..')), (e) => e instanceof Errno && e.code === E.PERM);
  const f = tree.open(ROOT, new TextEncoder().encode('big'), OFLAGS.CREAT, true, 0n);
  assert.throws(() => tree.write(f, 0, new Uint8Array(1001), 0n), (e) => e.code === E.NOSPC);
  assert.equal(tree.quotaHit, true);
});

test('the memory limit becomes the module memory\'s maximum; a larger initial memory cannot start', async () => {
  const { capMemory } = await import('../src/memory-limit.js');
  // (module (memory (export "memory") 1))
  const module = Uint8Array.of(0, 0x61, 0x73, 0x6d, 1, 0, 0, 0, 5, 3, 1, 0, 1,
    7, 10, 1, 6, ...new TextEncoder().encode('memory'), 2, 0);
  const { bytes, tooLarge } = capMemory(module, 2 * 65536 + 100);
  assert.equal(tooLarge, false);
  const { memory } = new WebAssembly.Instance(new WebAssembly.Module(bytes)).exports;
  assert.equal(memory.grow(1), 1);
  assert.throws(() => memory.grow(1), RangeError, 'a third page is over the limit');
  assert.equal(capMemory(module, 65535).tooLarge, true);
});
