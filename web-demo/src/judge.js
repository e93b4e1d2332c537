// The CLI's comparison code (crates/judge, compiled to wasm32-unknown-unknown by
// web-demo/build.sh): JSON in, JSON out through a four-function C ABI.

export async function loadJudge(url) {
  const { instance } = await WebAssembly.instantiateStreaming(fetch(url), {});
  const e = instance.exports;
  const call = (fn, value) => {
    const input = new TextEncoder().encode(JSON.stringify(value));
    const ptr = e.cleanroom_alloc(input.length);
    new Uint8Array(e.memory.buffer, ptr, input.length).set(input);
    const code = fn(ptr, input.length);
    e.cleanroom_free(ptr, input.length);
    const text = new TextDecoder().decode(
      new Uint8Array(e.memory.buffer, e.cleanroom_output_ptr(), e.cleanroom_output_len()),
    );
    if (code !== 0) throw new Error(`judge: ${text}`);
    return JSON.parse(text);
  };
  return {
    /** { expect, rules, run } → { observation, verdict: { status, details } } */
    judge: (request) => call(e.cleanroom_judge, request),
    /** [{status, ignored}] → the CLI's Summary (total, passed, pass_rate, resolved, …) */
    summary: (cases) => call(e.cleanroom_summary, { cases }),
  };
}
