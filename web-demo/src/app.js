// The page: loads an exported task bundle (cleanroom export-web), runs each case of the
// chosen program in a Web Worker (worker.js) under the case's wall-clock limit, judges
// the run with the CLI's comparison code (judge.wasm), and shows a table and a summary.

import { loadJudge } from './judge.js';
import { capMemory } from './memory-limit.js';
import { fromBase64, toBase64 as toB64 } from './base64.js';

const params = new URLSearchParams(location.search);
const BUNDLE = params.get('bundle') || 'tasks/';
const JUDGE_URL = params.get('judge') || 'judge.wasm';
const WORKERS = Math.max(1, Math.min(Number(params.get('workers')) || navigator.hardwareConcurrency || 2, 4));
const WASI_MODULE = 'wasi_snapshot_preview1';
const WASI_FUNCTIONS = new Set([
  'args_get', 'args_sizes_get', 'environ_get', 'environ_sizes_get', 'clock_res_get', 'clock_time_get',
  'fd_advise', 'fd_allocate', 'fd_close', 'fd_datasync', 'fd_fdstat_get', 'fd_fdstat_set_flags',
  'fd_fdstat_set_rights', 'fd_filestat_get', 'fd_filestat_set_size', 'fd_filestat_set_times', 'fd_pread',
  'fd_prestat_get', 'fd_prestat_dir_name', 'fd_pwrite', 'fd_read', 'fd_readdir', 'fd_renumber', 'fd_seek',
  'fd_sync', 'fd_tell', 'fd_write', 'path_create_directory', 'path_filestat_get', 'path_filestat_set_times',
  'path_link', 'path_open', 'path_readlink', 'path_remove_directory', 'path_rename', 'path_symlink',
  'path_unlink_file', 'poll_oneoff', 'proc_exit', 'proc_raise', 'sched_yield', 'random_get', 'sock_accept',
  'sock_recv', 'sock_send', 'sock_shutdown',
]);

// Status → [symbol, words]: never colour alone.
const STATUS_LABEL = {
  passed: ['✓', 'passed'],
  failed: ['✗', 'failed'],
  timeout: ['⏱', 'timeout'],
  cpu_limit: ['⏱', 'CPU limit'],
  memory_limit: ['⚠', 'memory limit'],
  output_limit: ['⚠', 'output limit'],
  crashed: ['‼', 'crashed'],
  invalid_program: ['⊘', 'invalid program'],
  not_run: ['–', 'not run'],
  error: ['⚠', 'error'],
};

const $ = (id) => document.getElementById(id);
const state = { judge: null, index: null, task: null, taskBase: '', upload: null, stop: false, running: false };

// What tests (and curious users) can read: the last evaluation, as the CLI reports it.
window.cleanroom = { lastRun: null, runs: 0 };

class WorkerSlot {
  constructor() { this.spawn(); }
  spawn() {
    this.worker = new Worker(new URL('./worker.js', import.meta.url), { type: 'module' });
  }
  /**
   * Runs one case; resolves with a `Run`. The limit is counted from the Worker's
   * "started" message; at the limit the Worker is terminated (and replaced): `timeout`.
   */
  run(message, timeoutMs) {
    return new Promise((resolve) => {
      let started = performance.now();
      let timer = null;
      const fail = (outcome) => {
        const files = message.files.map(([path, content]) => ({ path, content: toB64(content) }));
        resolve({
          outcome, stdout: '', stderr: '', files_before: files, files_after: files,
          resources: { wall_time_ms: round3(performance.now() - started), fuel_consumed: null, peak_memory_bytes: 0, disk_quota_hit: false },
        });
      };
      this.worker.onmessage = ({ data }) => {
        if (data.started) {
          started = performance.now();
          timer = setTimeout(() => {
            this.worker.terminate();
            this.spawn();
            fail({ timeout: { limit_ms: timeoutMs } });
          }, timeoutMs);
          return;
        }
        clearTimeout(timer);
        resolve(data.run);
      };
      this.worker.onerror = (event) => {
        clearTimeout(timer);
        event.preventDefault();
        this.worker.terminate();
        this.spawn();
        fail({ host_error: { message: `the worker failed: ${event.message}` } });
      };
      this.worker.postMessage(message);
    });
  }
}

const round3 = (ms) => Math.round(ms * 1000) / 1000;

let pool = [];

async function main() {
  if (!globalThis.crypto?.subtle) {
    $('progress').textContent = 'This page needs a secure context for SHA-256 (case seeds): open it over https, or from http://127.0.0.1 or http://localhost.';
    return;
  }
  try {
    const [judge, index] = await Promise.all([
      loadJudge(JUDGE_URL),
      fetch(new URL('index.json', new URL(BUNDLE, location.href))).then((r) => {
        if (!r.ok) throw new Error(`${r.status} ${r.statusText} for ${r.url}`);
        return r.json();
      }),
    ]);
    state.judge = judge;
    state.index = index;
  } catch (error) {
    $('progress').textContent = `Cannot load the bundle or the judge: ${error.message}. Run web-demo/build.sh (see web-demo/README.md).`;
    return;
  }
  pool = Array.from({ length: WORKERS }, () => new WorkerSlot());
  const taskSelect = $('task');
  taskSelect.replaceChildren(...state.index.tasks.map((t) => new Option(`${t.id} — ${t.summary} (${t.cases} cases)`, t.id)));
  taskSelect.disabled = false;
  taskSelect.addEventListener('change', () => selectTask(taskSelect.value));
  $('upload').addEventListener('change', onUpload);
  $('controls').addEventListener('submit', (event) => { event.preventDefault(); runAll(); });
  $('stop').addEventListener('click', () => { state.stop = true; });
  const wanted = params.get('task');
  if (wanted && state.index.tasks.some((t) => t.id === wanted)) taskSelect.value = wanted;
  await selectTask(taskSelect.value);
}

async function selectTask(id) {
  const entry = state.index.tasks.find((t) => t.id === id);
  const base = new URL(entry.path, new URL(BUNDLE, location.href));
  state.taskBase = new URL('./', base);
  state.task = await (await fetch(base)).json();
  const select = $('candidate');
  const options = state.task.candidates.map((c) => new Option(`${c.name} (bundled candidate)`, `candidate:${c.name}`));
  if (state.task.reference) options.push(new Option('reference (run live; should pass every case)', 'reference'));
  if (state.upload) options.push(new Option(`${state.upload.name} (your file)`, 'upload'));
  select.replaceChildren(...options);
  select.disabled = false;
  const wanted = params.get('candidate');
  if (wanted && [...select.options].some((o) => o.value === wanted)) select.value = wanted;
  $('task-summary').textContent = `${state.task.summary} The program is called “${state.task.program}”; ${state.task.cases.length} cases.`;
  const docs = $('task-docs-body');
  docs.replaceChildren(...state.task.docs.map((doc) => {
    const section = document.createElement('section');
    const title = document.createElement('h3');
    title.textContent = doc.path;
    const pre = document.createElement('pre');
    pre.textContent = doc.text;
    section.append(title, pre);
    return section;
  }));
  $('task-info').hidden = false;
  $('run').disabled = false;
  $('progress').textContent = `Ready: ${state.task.id}, ${state.task.cases.length} cases.`;
}

function onUpload(event) {
  const file = event.target.files[0];
  if (!file) return;
  state.upload = file;
  const select = $('candidate');
  [...select.options].filter((o) => o.value === 'upload').forEach((o) => o.remove());
  select.add(new Option(`${file.name} (your file)`, 'upload'));
  select.value = 'upload';
  $('progress').textContent = `Chosen: ${file.name}. Press “Run all cases”.`;
}

async function programBytes(choice) {
  if (choice === 'upload') return { name: state.upload.name.replace(/\.wasm$/, ''), bytes: await state.upload.arrayBuffer() };
  const module = choice === 'reference'
    ? state.task.reference
    : state.task.candidates.find((c) => `candidate:${c.name}` === choice);
  const response = await fetch(new URL(module.file, state.taskBase));
  return { name: module.name, bytes: await response.arrayBuffer() };
}

/** What the CLI's loader refuses, with its words: no `_start`, or an import it does not provide. */
function loadError(module) {
  const start = WebAssembly.Module.exports(module).find((e) => e.name === '_start');
  if (!start) return 'the module has no `_start` export: it is not a WASI command';
  if (start.kind !== 'function') return 'the export `_start` is not a function without parameters and results';
  for (const imp of WebAssembly.Module.imports(module)) {
    if (imp.module !== WASI_MODULE || !WASI_FUNCTIONS.has(imp.name)) {
      return `unknown import: \`${imp.module}::${imp.name}\` has not been defined`;
    }
  }
  return null;
}

async function runAll() {
  if (state.running) return;
  state.running = true;
  state.stop = false;
  $('run').disabled = true;
  $('stop').disabled = false;
  const task = state.task;
  const choice = $('candidate').value;
  const started = performance.now();
  const tbody = $('cases').querySelector('tbody');
  tbody.replaceChildren(...task.cases.map((c) => pendingRow(c.id)));
  $('cases').hidden = false;
  $('summary').replaceChildren();
  const results = new Array(task.cases.length);
  let program;
  let invalid = null;
  try {
    program = await programBytes(choice);
    try {
      invalid = loadError(await WebAssembly.compile(program.bytes));
    } catch (error) {
      invalid = String(error.message || error);
    }
  } catch (error) {
    $('progress').textContent = `Cannot read the program: ${error.message}`;
    finish();
    return;
  }
  $('progress').textContent = `Running ${task.cases.length} cases of ${task.id} against ${program.name}…`;
  let done = 0;
  let next = 0;
  const record = (index, result) => {
    const ignored = task.cases[index].ignored;
    if (ignored && ignored.length) result.ignored = ignored; // left out of scoring, as in the CLI
    results[index] = result;
    done += 1;
    tbody.children[index].replaceWith(resultRow(result));
    $('progress').textContent = `${done} of ${task.cases.length} cases done…`;
  };
  if (invalid !== null) {
    task.cases.forEach((c, i) => record(i, { id: c.id, status: 'invalid_program', duration_ms: 0, details: { message: invalid }, observation: null }));
  } else {
    // One compiled module per memory limit, with its memory capped at that limit.
    const capped = new Map();
    const moduleFor = (limitBytes) => {
      if (!capped.has(limitBytes)) {
        const { bytes, tooLarge } = capMemory(program.bytes, limitBytes);
        capped.set(limitBytes, tooLarge ? Promise.resolve(null) : WebAssembly.compile(bytes));
      }
      return capped.get(limitBytes);
    };
    const runCase = async (slot, index) => {
      const c = task.cases[index];
      const module = await moduleFor(c.limits.memory_bytes);
      const files = c.files.map((f) => ({ path: f.path, content: f.content }));
      const run = module === null
        ? { // The initial memory is over the limit: the CLI's limiter refuses to instantiate.
          outcome: { memory_limit: { limit_bytes: c.limits.memory_bytes } },
          stdout: '', stderr: '', files_before: files, files_after: files,
          resources: { wall_time_ms: 0, fuel_consumed: null, peak_memory_bytes: 0, disk_quota_hit: false },
        }
        : await slot.run(caseMessage(index, module, c), c.limits.timeout_ms);
      const { observation, verdict } = state.judge.judge({ expect: c.expect, rules: c.rules, run });
      record(index, { id: c.id, status: verdict.status, duration_ms: run.resources.wall_time_ms, details: verdict.details, observation });
    };
    const caseMessage = (index, module, c) => ({
      id: index,
      module,
      caseId: c.id,
      argv: [task.program, ...c.args],
      env: c.env,
      stdin: fromBase64(c.stdin),
      files: c.files.map((f) => [f.path, fromBase64(f.content)]),
      limits: c.limits,
    });
    await Promise.all(pool.map(async (slot) => {
      while (next < task.cases.length && !state.stop) {
        const index = next++;
        await runCase(slot, index);
      }
    }));
  }
  const elapsed = performance.now() - started;
  // Cases left by Stop are `not_run`, never dropped.
  task.cases.forEach((c, i) => {
    if (!results[i]) record(i, { id: c.id, status: 'not_run', duration_ms: 0, details: { message: 'stopped before this case ran' }, observation: null });
  });
  const summary = state.judge.summary(results.map((r) => ({ status: r.status, ignored: r.ignored || [] })));
  window.cleanroom.lastRun = {
    task: task.id,
    candidate: program.name,
    choice,
    summary,
    cases: results,
    elapsed_ms: round3(elapsed),
  };
  window.cleanroom.runs += 1;
  renderSummary(summary, program.name, elapsed);
  $('progress').textContent = `Done: ${summary.passed} of ${summary.total} cases passed (${program.name}, ${task.id}).`;
  finish();
}

function finish() {
  state.running = false;
  $('run').disabled = false;
  $('stop').disabled = true;
}

function pendingRow(id) {
  const tr = document.createElement('tr');
  tr.append(cell('Case', id, 'case'), cell('Status', '… pending', 'status'), cell('Time', ''), cell('Details', ''));
  return tr;
}

function cell(label, text, className) {
  const td = document.createElement('td');
  td.dataset.label = label;
  if (className) td.className = className;
  if (text instanceof Node) td.append(text); else td.textContent = text;
  return td;
}

function statusNode(status) {
  const [symbol, words] = STATUS_LABEL[status] || ['?', status];
  const span = document.createElement('span');
  span.className = `status status-${status}`;
  const mark = document.createElement('span');
  mark.setAttribute('aria-hidden', 'true');
  mark.textContent = `${symbol} `;
  span.append(mark, words);
  return span;
}

function resultRow(result) {
  const tr = document.createElement('tr');
  tr.dataset.case = result.id;
  tr.dataset.status = result.status;
  tr.append(
    cell('Case', result.id, 'case'),
    cell('Status', statusNode(result.status)),
    cell('Time', `${result.duration_ms.toFixed(1)} ms`, 'time'),
    cell('Details', detailsNode(result)),
  );
  return tr;
}

function detailsNode({ status, details, ignored }) {
  const box = document.createElement('div');
  const line = (text) => { const p = document.createElement('p'); p.textContent = text; p.style.margin = '0'; box.append(p); };
  if (ignored) line(`not scored (ignore.toml: ${ignored.join(', ')})`);
  if (details.exit !== undefined && status !== 'passed') line(`exit code ${details.exit}`);
  if (details.crash) line(`crash: ${details.crash}`);
  if (details.limit !== undefined) line(`limit: ${details.limit}${status === 'timeout' ? ' ms' : ''}`);
  if (details.stream) line(`stream: ${details.stream}`);
  if (details.message) line(details.message);
  for (const mismatch of details.mismatches || []) {
    const d = document.createElement('details');
    const s = document.createElement('summary');
    s.textContent = `${mismatch.field} differs${mismatch.truncated ? ' (cut to the report limit)' : ''}`;
    const pre = document.createElement('pre');
    pre.className = 'diff';
    pre.textContent = mismatch.diff ?? `expected: ${mismatch.expected}\nactual:   ${mismatch.actual}`;
    d.append(s, pre);
    box.append(d);
  }
  if (status === 'passed') line(`exit ${details.exit ?? 0}, same output`);
  return box;
}

function renderSummary(summary, name, elapsed) {
  const dl = document.createElement('dl');
  const add = (term, value) => {
    const dt = document.createElement('dt'); dt.textContent = term;
    const dd = document.createElement('dd');
    if (value instanceof Node) dd.append(value); else dd.textContent = value;
    dl.append(dt, dd);
  };
  add('Program', name);
  add('Pass rate', `${(summary.pass_rate * 100).toFixed(1)} % (${summary.passed} of ${summary.total})`);
  add('Resolved', summary.resolved ? '✓ yes: every case passes' : '✗ no');
  add('Almost resolved', summary.almost_resolved ? '✓ yes: at least 95 % pass' : '✗ no');
  const statuses = document.createElement('span');
  statuses.textContent = Object.entries(summary.statuses).map(([s, n]) => `${STATUS_LABEL[s]?.[1] ?? s}: ${n}`).join(', ');
  add('Statuses', statuses);
  if (summary.ignored) add('Not scored', `${summary.ignored} case(s) listed in the task's ignore.toml`);
  add('Time', `${(elapsed / 1000).toFixed(2)} s in this browser`);
  $('summary').replaceChildren(dl);
  $('results').focus();
}

main();
