#!/usr/bin/env node
// The end-to-end step of scripts/check.mjs: finds Chromium, then runs test/e2e/reader-web.e2e.ts
// with tsx. Chromium is never downloaded: Debian's `chromium` package (or CHROMIUM_PATH) is used.
// Without it the step is skipped, except in CI as root with apt-get, where it is installed.
import { spawn, spawnSync } from 'node:child_process';
import { accessSync, constants } from 'node:fs';
import { delimiter, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, '..', '..');

const isExecutable = (file) => {
  try {
    accessSync(file, constants.X_OK);
    return true;
  } catch {
    return false;
  }
};
const onPath = (name) =>
  (process.env.PATH ?? '')
    .split(delimiter)
    .filter(Boolean)
    .map((dir) => join(dir, name))
    .find(isExecutable);

function findChromium() {
  if (process.env.CHROMIUM_PATH) {
    if (isExecutable(process.env.CHROMIUM_PATH)) return process.env.CHROMIUM_PATH;
    console.error(`✖ CHROMIUM_PATH=${process.env.CHROMIUM_PATH} is not an executable file`);
    process.exit(1);
  }
  return ['/usr/bin/chromium'].find(isExecutable) ?? onPath('chromium');
}

function run(command, args) {
  console.log(`$ ${command} ${args.join(' ')}`);
  const result = spawnSync(command, args, {
    stdio: 'inherit',
    env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' },
  });
  if (result.status !== 0) {
    console.error(`✖ ${command} ${args.join(' ')} failed (${result.signal ?? `exit ${result.status}`})`);
    process.exit(1);
  }
}

let chromium = findChromium();
if (!chromium) {
  const canInstall = Boolean(process.env.CI) && process.getuid?.() === 0 && onPath('apt-get');
  if (!canInstall) {
    console.log("SKIPPED end-to-end: install Debian's chromium (apt-get install chromium) or set CHROMIUM_PATH");
    console.log('0 passed, 0 failed');
    process.exit(0);
  }
  console.log("Chromium is missing: CI, root and apt-get, so installing Debian's chromium package…");
  run('apt-get', ['update']);
  run('apt-get', ['install', '-y', '--no-install-recommends', 'chromium']);
  chromium = findChromium();
  if (!chromium) {
    console.error('✖ apt-get installed chromium, but /usr/bin/chromium is still missing');
    process.exit(1);
  }
}

// One Node process with tsx as a loader (not the tsx CLI, whose signal relay may SIGKILL a child
// still cleaning up). Like scripts/run.mjs: Ctrl-C reaches the whole process group, so the child
// stops its own stack and browser; SIGTERM/SIGHUP are sent to us alone and are passed on.
const child = spawn(process.execPath, ['--import', 'tsx', join(here, 'reader-web.e2e.ts')], {
  cwd: root,
  stdio: 'inherit',
  // tsconfig.test.json maps @coko/sdk to its sources (the partner backend example imports it).
  env: { ...process.env, CHROMIUM_PATH: chromium, TSX_TSCONFIG_PATH: join(root, 'tsconfig.test.json') },
});
for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP']) {
  process.on(signal, () => {
    if (signal !== 'SIGINT') child.kill(signal);
  });
}
child.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
