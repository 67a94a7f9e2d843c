#!/usr/bin/env node
// Every check the test command runs, in order, failing fast: lint, build, types, package
// checks, bundle size, PgBouncer for the pooler tests, the whole vitest suite (unit, database, integration, end-to-end) and the
// example app in headless Chromium. Then, pass or fail (or Ctrl-C), no server the run started may
// still be running: survivors are listed, killed, and fail the run.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { findSurvivors, processStart } from './survivors.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const bin = (name) => join(root, 'node_modules', '.bin', name);
const published = ['packages/sdk', 'packages/react'];
const resultsDir = join(root, '.vitest');
mkdirSync(resultsDir, { recursive: true });
const vitestResults = join(resultsDir, 'results.json');
const e2eResults = join(resultsDir, 'e2e.json');

const steps = [
  ['lint and format (biome)', bin('biome'), ['ci', '.']],
  ...published.map((dir) => [`build ${dir}`, bin('tsup'), [], { cwd: join(root, dir) }]),
  ...['packages/sdk', 'packages/react', 'packages/server', 'examples/reader-web', 'examples/partner-backend'].map(
    (dir) => [`types ${dir}`, bin('tsc'), ['--noEmit', '-p', dir]],
  ),
  ['types tests and scripts', bin('tsc'), ['--noEmit', '-p', 'tsconfig.test.json']],
  ...published.flatMap((dir) => [
    [`publint ${dir}`, bin('publint'), ['--strict', '--pack', 'npm'], { cwd: join(root, dir) }],
    [`attw ${dir}`, bin('attw'), ['--pack', '.', '--profile', 'node16'], { cwd: join(root, dir) }],
  ]),
  ['bundle size', process.execPath, [join(root, 'scripts', 'size.mjs')]],
  // test/transaction-pooler.pooler.test.ts needs PgBouncer: installed in CI, else the file skips (and says so).
  ['pgbouncer', process.execPath, [join(root, 'scripts', 'ensure-pgbouncer.mjs')]],
  [
    'tests (vitest)',
    bin('vitest'),
    ['run', '--reporter=default', '--reporter=json', `--outputFile.json=${vitestResults}`],
  ],
  // The reader-web example in headless Chromium (skipped when Chromium is missing; see test/e2e/run.mjs).
  [
    'end-to-end (chromium)',
    process.execPath,
    [join(root, 'test', 'e2e', 'run.mjs')],
    { env: { ...process.env, COKO_E2E_RESULTS: e2eResults } },
  ],
];

const runStart = processStart();
// Ctrl-C reaches every process of the group; we stay to wait for the step and check what survived it.
let interrupted = false;
process.on('SIGINT', () => {
  interrupted = true;
});

/** Exits with `code`, or 1 when servers of this run are still alive (listed, then killed). */
function finish(code) {
  // Children stop asynchronously after their parent's exit (a stack process sees its stdin close):
  // poll until none is left; the deadline is a safety net only.
  const deadline = Date.now() + 15_000;
  let survivors = findSurvivors({ root, since: runStart, ancestor: process.pid });
  while (survivors.length > 0 && Date.now() < deadline) {
    spawnSync('sleep', ['0.2']);
    survivors = findSurvivors({ root, since: runStart, ancestor: process.pid });
  }
  if (survivors.length > 0) {
    console.error(`\n✖ ${survivors.length} process(es) of this run still running (killed now):`);
    for (const { pid, name, command } of survivors) {
      console.error(`  ${pid} ${name}: ${command.slice(0, 200)}`);
      try {
        process.kill(pid, 'SIGKILL');
      } catch {
        // exited meanwhile
      }
    }
    process.exit(code || 1);
  }
  process.exit(code);
}

for (const [name, command, args, options = {}] of steps) {
  const started = Date.now();
  console.log(`\n▶ ${name}`);
  const result = spawnSync(command, args, { cwd: root, stdio: 'inherit', ...options });
  const seconds = ((Date.now() - started) / 1000).toFixed(1);
  if (interrupted || result.signal === 'SIGINT') {
    console.error(`✖ ${name} interrupted (${seconds}s)`);
    finish(130);
  }
  if (result.status !== 0) {
    console.error(`✖ ${name} failed (${seconds}s)`);
    finish(result.status ?? 1);
  }
  console.log(`✔ ${name} (${seconds}s)`);
}

// One closing line over every test that ran (vitest and the end-to-end run).
const read = (file) => (existsSync(file) ? JSON.parse(readFileSync(file, 'utf8')) : {});
const unit = read(vitestResults);
const e2e = read(e2eResults);
const passed = (unit.numPassedTests ?? 0) + (e2e.passed ?? 0);
const failed = (unit.numFailedTests ?? 0) + (e2e.failed ?? 0);
console.log(`\n${passed} passed, ${failed} failed`);
// Belt and braces: a reporter's count of failures fails the run even if a runner's exit code did not.
finish(failed > 0 || unit.success === false ? 1 : 0);
