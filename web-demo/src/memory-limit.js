// The case's memory limit, the way the CLI applies it: the module's memory gets a
// maximum of `memory_bytes` (rounded down to 64 KiB pages), so a `memory.grow` past the
// limit returns -1 as under wasmtime's resource limiter, and a module whose initial
// memory is already larger cannot start. Done by rewriting the memory section of the
// binary (memory32, not shared; other memories are left alone).

const PAGE = 65536;

function readLeb(bytes, at) {
  let value = 0;
  let shift = 0;
  for (;;) {
    const byte = bytes[at++];
    value += (byte & 0x7f) * 2 ** shift;
    shift += 7;
    if ((byte & 0x80) === 0) return [value, at];
  }
}

function leb(value) {
  const out = [];
  do {
    let byte = value % 128;
    value = Math.floor(value / 128);
    if (value > 0) byte |= 0x80;
    out.push(byte);
  } while (value > 0);
  return out;
}

/**
 * `bytes` with every defined memory capped at `limitBytes`. Returns { bytes, tooLarge }:
 * `tooLarge` when a memory's initial size is over the limit (the CLI: `memory_limit`).
 */
export function capMemory(bytes, limitBytes) {
  const input = new Uint8Array(bytes);
  if (input.length < 8) return { bytes: input, tooLarge: false };
  const limitPages = Math.floor(limitBytes / PAGE);
  const parts = [input.subarray(0, 8)];
  let tooLarge = false;
  let at = 8;
  while (at < input.length) {
    const id = input[at];
    const [size, payloadStart] = readLeb(input, at + 1);
    const end = payloadStart + size;
    if (id !== 5 || end > input.length) {
      parts.push(input.subarray(at, end));
      at = end;
      continue;
    }
    let [count, p] = readLeb(input, payloadStart);
    const payload = [...leb(count)];
    for (let i = 0; i < count; i++) {
      const flags = input[p++];
      let min;
      let max = null;
      [min, p] = readLeb(input, p);
      if (flags & 1) [max, p] = readLeb(input, p);
      if (flags > 1) {
        // Shared or 64-bit memories: copied unchanged.
        payload.push(flags, ...leb(min), ...(max === null ? [] : leb(max)));
        continue;
      }
      if (min > limitPages) tooLarge = true;
      const capped = max === null ? limitPages : Math.min(max, limitPages);
      payload.push(1, ...leb(min), ...leb(Math.max(capped, Math.min(min, limitPages))));
    }
    payload.push(...input.subarray(p, end));
    parts.push(Uint8Array.of(5, ...leb(payload.length), ...payload));
    at = end;
  }
  const total = parts.reduce((n, part) => n + part.length, 0);
  const out = new Uint8Array(total);
  let offset = 0;
  for (const part of parts) { out.set(part, offset); offset += part.length; }
  return { bytes: out, tooLarge };
}
