#!/usr/bin/env node
// The end-to-end step of scripts/check.mjs: finds Chromium, then runs test/e2e/reader-web.e2e.ts
// with tsx. Chromium is never downloaded: Debian's `chromium` package (or CHROMIUM_PATH) is used.
// Without it the step is skipped, except in CI as root with apt-get, where it is installed.
import { spawn } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { debianProgram } from '../../scripts/debian-package.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, '..', '..');

const chromium = debianProgram({ program: 'chromium', envVar: 'CHROMIUM_PATH', path: '/usr/bin/chromium' });
if (!chromium) {
  console.log("SKIPPED end-to-end: install Debian's chromium (apt-get install chromium) or set CHROMIUM_PATH");
  console.log('0 passed, 0 failed');
  process.exit(0);
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
