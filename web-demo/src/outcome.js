// How a browser run's end becomes an Outcome in the CLI's JSON form (the order of
// src/sandbox/wasm.rs `classify`), with V8's trap messages mapped to wasmtime's trap
// kinds and messages so that `crashed` verdicts read the same as the CLI's.

import { GuestExit, InvalidHostCall, OutputLimitExceeded } from './wasi.js';

// [pattern in V8's message, wasmtime trap kind, wasmtime's description]
const TRAPS = [
  [/unreachable/, 'unreachable_code_reached', 'wasm `unreachable` instruction executed'],
  [/memory access out of bounds/, 'memory_out_of_bounds', 'out of bounds memory access'],
  [/(divide|remainder) by zero/, 'integer_division_by_zero', 'integer divide by zero'],
  [/divide result unrepresentable|integer overflow/, 'integer_overflow', 'integer overflow'],
  [/float unrepresentable|invalid conversion/, 'bad_conversion_to_integer', 'invalid conversion to integer'],
  [/table index is out of bounds/, 'table_out_of_bounds', 'undefined element: out of bounds table access'],
  [/null function/, 'indirect_call_to_null', 'uninitialized element'],
  [/signature mismatch/, 'bad_signature', 'indirect call type mismatch'],
  [/unaligned/, 'heap_misaligned', 'unaligned atomic'],
  [/dereferencing a null/, 'null_reference', 'null reference'],
  [/array (element access|index) out of bounds/, 'array_out_of_bounds', 'out of bounds array access'],
];

/** The wasmtime trap kind and message for a V8 `WebAssembly.RuntimeError`. */
export function trapOf(error) {
  for (const [pattern, kind, description] of TRAPS) {
    if (pattern.test(error.message)) return { kind, message: `wasm trap: ${description}` };
  }
  return { kind: 'unknown', message: `wasm trap: ${error.message}` };
}

/**
 * `error` is what `_start` threw (null when it returned). Unlike wasmtime's limiter, the
 * page cannot see that a `memory.grow` was refused (it returns -1 all the same: the
 * memory's maximum is the limit), so a run that then traps is `crashed`, not
 * `memory_limit` (docs/web-demo.md).
 */
export function classify(error, run, limits) {
  for (const captured of [run.stdout, run.stderr]) {
    if (captured.exceeded) {
      return { output_limit: { stream: captured.stream, limit_bytes: limits.output_bytes } };
    }
  }
  if (error === null) return { exited: 0 };
  if (error instanceof GuestExit) return { exited: error.code };
  if (error instanceof OutputLimitExceeded) {
    return { output_limit: { stream: error.stream, limit_bytes: limits.output_bytes } };
  }
  if (error instanceof RangeError && /call stack/i.test(error.message)) return 'stack_overflow';
  if (error instanceof InvalidHostCall) return { trap: { kind: 'invalid_host_call', message: error.message } };
  if (error instanceof WebAssembly.RuntimeError) return { trap: trapOf(error) };
  return { host_error: { message: String(error && error.message ? error.message : error) } };
}
