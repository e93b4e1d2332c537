// The demo in Debian's Chromium, driven by playwright-core: every bundled task with every
// bundled candidate, the live reference and an uploaded file. The browser's verdicts
// must equal the CLI's JSON report case by case, field for field (only durations
// differ); the live reference must reproduce the recorded expectations byte for byte
// (seeded random numbers, the virtual clock and the filesystem probe included).
// Run by test/run.sh, which prepares the bundles and the CLI reports.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { chromium } from 'playwright-core';

import { DEMO_DIR, serve } from './serve.mjs';

const OUTPUT = process.env.CLEANROOM_WEB_OUTPUT || path.join(DEMO_DIR, '..', 'target', 'web-demo-test');
const CHROMIUM = process.env.CHROMIUM || '/usr/lib/chromium/chromium';
const PROBE_BUNDLE = path.join(OUTPUT, 'probe-bundle');
const timings = [];
let browser;
let server;
let base;

before(async () => {
  for (const needed of [path.join(DEMO_DIR, 'judge.wasm'), path.join(DEMO_DIR, 'tasks', 'index.json')]) {
    assert.ok(existsSync(needed), `${needed} is missing: run web-demo/test/run.sh (or build.sh)`);
  }
  ({ server, url: base } = await serve({ mounts: { '/probe/': PROBE_BUNDLE } }));
  browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
      '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
  await mkdir(OUTPUT, { recursive: true });
});

after(async () => {
  await browser?.close();
  server?.close();
  if (timings.length) {
    await writeFile(path.join(OUTPUT, 'browser-times.json'), `${JSON.stringify(timings, null, 2)}\n`);
    console.log(timings.map((t) => `${t.task}/${t.program}: ${t.cases} cases in ${t.elapsed_ms.toFixed(0)} ms`).join('\n'));
  }
});

async function openPage(query, viewport = { width: 1100, height: 900 }) {
  const page = await browser.newPage({ viewport });
  const problems = [];
  page.on('console', (message) => { if (message.type() === 'error') problems.push(message.text()); });
  page.on('pageerror', (error) => problems.push(String(error)));
  await page.goto(`${base}?${new URLSearchParams(query)}`);
  await page.waitForFunction(() => !document.getElementById('run').disabled, null, { timeout: 30_000 });
  return { page, problems };
}

/** Starts "Run all cases" with the keyboard (Tab to the button, Enter) and waits for the result. */
async function runAll(page, { keyboard = false } = {}) {
  const before = await page.evaluate(() => window.cleanroom.runs);
  if (keyboard) {
    await page.focus('#task');
    for (let i = 0; i < 10 && (await page.evaluate(() => document.activeElement.id)) !== 'run'; i++) {
      await page.keyboard.press('Tab');
    }
    assert.equal(await page.evaluate(() => document.activeElement.id), 'run', 'Run is reachable with Tab');
    await page.keyboard.press('Enter');
  } else {
    await page.click('#run');
  }
  await page.waitForFunction((n) => window.cleanroom.runs > n, before, { timeout: 180_000 });
  return page.evaluate(() => window.cleanroom.lastRun);
}

async function cliReport(task) {
  return JSON.parse(await readFile(path.join(OUTPUT, `cli-${task}.json`), 'utf8'));
}

async function bundle(task) {
  return JSON.parse(await readFile(path.join(DEMO_DIR, 'tasks', task, 'task.json'), 'utf8'));
}

/** The table shows every case with the CLI's status, as a symbol and words. */
async function checkTable(page, run) {
  const rows = await page.$$eval('#cases tbody tr', (trs) => trs.map((tr) => ({
    id: tr.dataset.case, status: tr.dataset.status, text: tr.querySelector('.status').textContent.trim(),
  })));
  assert.equal(rows.length, run.cases.length);
  rows.forEach((row, i) => {
    assert.equal(row.id, run.cases[i].id);
    assert.equal(row.status, run.cases[i].status);
    assert.match(row.text, /^\S+ [a-z ]+$/, `status "${row.text}" has a symbol and words`);
  });
  const summary = await page.textContent('#summary');
  assert.match(summary, new RegExp(`\\(${run.summary.passed} of ${run.summary.total}\\)`));
}

/** Browser run == CLI report: every case's status and details, and the metrics. */
function assertSameAsCli(run, cli) {
  const unit = cli.tasks.find((t) => t.candidate === run.candidate);
  assert.ok(unit, `the CLI report has candidate ${run.candidate}`);
  assert.equal(run.cases.length, unit.cases.length);
  for (const [i, mine] of run.cases.entries()) {
    const theirs = unit.cases[i];
    assert.deepEqual(
      { id: mine.id, status: mine.status, details: mine.details, ignored: mine.ignored },
      { id: theirs.id, status: theirs.status, details: theirs.details, ignored: theirs.ignored },
      `case ${theirs.id} of ${run.task}/${run.candidate}`,
    );
  }
  assert.deepEqual(run.summary, unit.summary);
}

/** A live reference run reproduces the recorded expectation of every case exactly. */
function assertReproducesExpectations(run, task) {
  for (const [i, c] of task.cases.entries()) {
    const { observation, status } = run.cases[i];
    assert.equal(status, 'passed', `reference on ${c.id}`);
    assert.deepEqual(observation.outcome, { exited: c.expect.exit }, c.id);
    assert.equal(observation.stdout, c.expect.stdout, `stdout of ${c.id}`);
    assert.equal(observation.stderr, c.expect.stderr, `stderr of ${c.id}`);
    const files = Object.fromEntries(observation.files.map((f) => [f.path,
      f.change === 'deleted' ? 'deleted' : { content: f.change.written.content }]));
    assert.deepEqual(files, c.expect.files, `files of ${c.id}`);
  }
}

for (const taskId of ['wordfreq', 'dice']) {
  test(`${taskId}: every bundled candidate gets the CLI's verdicts`, async () => {
    const task = await bundle(taskId);
    const cli = await cliReport(taskId);
    assert.equal(task.candidates.length, cli.tasks.length, 'the bundle has every candidate the CLI evaluated');
    for (const [n, candidate] of task.candidates.entries()) {
      const { page, problems } = await openPage({ task: taskId, candidate: `candidate:${candidate.name}` });
      const run = await runAll(page, { keyboard: n === 0 });
      assert.equal(run.candidate, candidate.name);
      timings.push({ task: taskId, program: candidate.name, cases: run.cases.length, elapsed_ms: run.elapsed_ms });
      assertSameAsCli(run, cli);
      await checkTable(page, run);
      await page.screenshot({ path: path.join(OUTPUT, `${taskId}-${candidate.name}.png`), fullPage: true });
      assert.deepEqual(problems, [], 'no console errors');
      await page.close();
    }
  });

  test(`${taskId}: the reference run live reproduces the recorded expectations`, async () => {
    const task = await bundle(taskId);
    const { page } = await openPage({ task: taskId, candidate: 'reference' });
    const run = await runAll(page);
    timings.push({ task: taskId, program: 'reference', cases: run.cases.length, elapsed_ms: run.elapsed_ms });
    assertReproducesExpectations(run, task);
    await page.close();
  });
}

test('dice: seeded random numbers and the clock are those of the CLI', async () => {
  const task = await bundle('dice');
  const stamp = task.cases.find((c) => c.id === 'options/time-stamp');
  const stdout = Buffer.from(stamp.expect.stdout, 'base64').toString();
  assert.match(stdout, /^rolled at 2024-01-01T00:00:00\.001Z\n2d6: \d \d = \d+\ntook 1 ms\n$/, stdout);
  const { page } = await openPage({ task: 'dice', candidate: 'reference' });
  const run = await runAll(page);
  const observed = run.cases.find((c) => c.id === 'options/time-stamp').observation;
  assert.equal(Buffer.from(observed.stdout, 'base64').toString(), stdout);
  const hundred = run.cases.find((c) => c.id === 'rolls/hundred-dice').observation;
  const expected = task.cases.find((c) => c.id === 'rolls/hundred-dice').expect;
  assert.equal(hundred.stdout, expected.stdout, '100 dice from one random_get call');
  await page.close();
});

test('a .wasm file the user picks is evaluated like a bundled candidate', async () => {
  const cli = await cliReport('wordfreq');
  const { page } = await openPage({ task: 'wordfreq' });
  await page.setInputFiles('#upload', path.join(DEMO_DIR, 'tasks', 'wordfreq', 'candidates', 'subtly-wrong.wasm'));
  assert.equal(await page.inputValue('#candidate'), 'upload');
  const run = await runAll(page);
  assert.equal(run.candidate, 'subtly-wrong');
  assertSameAsCli(run, cli);
  await page.close();
});

test('the in-memory filesystem behaves as the CLI\'s (filesystem probe)', async (t) => {
  if (!existsSync(path.join(PROBE_BUNDLE, 'index.json'))) {
    assert.fail(`${PROBE_BUNDLE} is missing: test/run.sh records and exports the probe`);
  }
  const task = JSON.parse(await readFile(path.join(PROBE_BUNDLE, 'fsprobe', 'task.json'), 'utf8'));
  const { page } = await openPage({ bundle: 'probe/', task: 'fsprobe', candidate: 'reference' });
  const run = await runAll(page);
  if (run.cases[0].status !== 'passed') {
    t.diagnostic(run.cases[0].details.mismatches?.map((m) => m.diff).join('\n') ?? JSON.stringify(run.cases[0].details));
  }
  assertReproducesExpectations(run, task);
  await page.close();
});

test('clocks, sleeps and random bytes are the CLI\'s (time_and_random.wat)', async () => {
  const task = JSON.parse(await readFile(path.join(PROBE_BUNDLE, 'clockprobe', 'task.json'), 'utf8'));
  const { page } = await openPage({ bundle: 'probe/', task: 'clockprobe', candidate: 'reference' });
  const run = await runAll(page);
  assertReproducesExpectations(run, task);
  const lines = Buffer.from(run.cases[0].observation.stdout, 'base64').toString().split('\n');
  assert.equal(BigInt(`0x${lines[0]}`), 1_704_067_200_001_000_000n, 'the first wall clock read');
  assert.equal(BigInt(`0x${lines[2]}`), 3_600_002_000_000n + 1_000_000n, 'an hour later, plus 1 ms per read');
  assert.notEqual(run.cases[0].observation.stdout, run.cases[1].observation.stdout, 'seeds differ per case');
  await page.close();
});

test('edge-case programs get the CLI\'s verdicts (traps, limits, malformed calls)', async () => {
  const cli = JSON.parse(await readFile(path.join(OUTPUT, 'cli-fixtures.json'), 'utf8'));
  const task = JSON.parse(await readFile(path.join(PROBE_BUNDLE, 'fixtures', 'task.json'), 'utf8'));
  // A text file is `invalid_program` in both, with wasmtime's and V8's own parse errors.
  const ownMessage = new Set(['not_a_module']);
  // Documented difference: the grow past the limit fails in both, but only wasmtime's
  // limiter tells the CLI so; the page sees the abort that follows.
  const known = {
    memory_bomb: {
      status: 'crashed',
      details: { message: 'wasm trap: wasm `unreachable` instruction executed', crash: 'unreachable_code_reached' },
    },
  };
  assert.equal(task.candidates.length, 9);
  for (const candidate of task.candidates) {
    const { page } = await openPage({ bundle: 'probe/', task: 'fixtures', candidate: `candidate:${candidate.name}` });
    const run = await runAll(page);
    const theirs = cli.tasks.find((t) => t.candidate === candidate.name).cases[0];
    const mine = run.cases[0];
    if (ownMessage.has(candidate.name)) {
      assert.equal(mine.status, theirs.status, candidate.name);
    } else if (known[candidate.name]) {
      assert.equal(theirs.status, 'memory_limit');
      assert.deepEqual({ status: mine.status, details: mine.details }, known[candidate.name], candidate.name);
    } else {
      assert.deepEqual({ status: mine.status, details: mine.details }, { status: theirs.status, details: theirs.details }, candidate.name);
    }
    await page.close();
  }
});

test('a narrow window needs no horizontal scrolling', async () => {
  const { page } = await openPage({ task: 'wordfreq', candidate: 'candidate:subtly-wrong' }, { width: 360, height: 780 });
  await runAll(page);
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
  assert.ok(overflow <= 0, `the page is ${overflow}px wider than a 360px window`);
  await page.screenshot({ path: path.join(OUTPUT, 'narrow-wordfreq-subtly-wrong.png'), fullPage: false });
  await page.close();
});
