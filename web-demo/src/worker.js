// Runs one case of one program per message, synchronously, in this Worker; the page
// terminates the Worker when the case's wall-clock limit passes. Input: the compiled
// module and the case; output: the run in the judge's `Run` JSON form (base64 bytes).

import { WasiRun, seedForCase } from './wasi.js';
import { classify } from './outcome.js';
import { toBase64 } from './base64.js';

self.onmessage = async ({ data }) => {
  const { id, module, argv, env, stdin, files, limits, caseId } = data;
  const spec = { argv, env, stdin, files, limits, seed: await seedForCase(caseId) };
  const started = performance.now();
  let outcome;
  let run = null;
  try {
    run = new WasiRun(spec);
  } catch (error) {
    outcome = { host_error: { message: `cannot place the case's files: ${error.message}` } };
  }
  let memoryBytes = 0;
  if (run) {
    // The wall-clock limit starts now, as the CLI's deadline does (before instantiation);
    // starting the Worker and reading the message do not count.
    self.postMessage({ id, started: true });
    let instance = null;
    try {
      instance = await WebAssembly.instantiate(module, run.imports());
    } catch (error) {
      outcome = { invalid_program: { message: String(error.message || error) } };
    }
    if (instance) {
      run.memory = instance.exports.memory;
      let thrown = null;
      try {
        instance.exports._start();
      } catch (error) {
        thrown = error;
      }
      if (run.memory instanceof WebAssembly.Memory) memoryBytes = run.memory.buffer.byteLength;
      outcome = classify(thrown, run, limits);
    }
  }
  const wallMs = performance.now() - started;
  const encodeFiles = (list) => list.map(([path, content]) => ({ path, content: toBase64(content) }));
  self.postMessage({
    id,
    run: {
      outcome,
      stdout: toBase64(run ? run.stdout.bytes() : new Uint8Array(0)),
      stderr: toBase64(run ? run.stderr.bytes() : new Uint8Array(0)),
      files_before: encodeFiles(files),
      files_after: encodeFiles(run ? run.filesAfter() : []),
      resources: {
        wall_time_ms: Math.round(wallMs * 1000) / 1000,
        fuel_consumed: null,
        peak_memory_bytes: memoryBytes,
        disk_quota_hit: run ? run.tree.quotaHit : false,
      },
    },
  });
};
