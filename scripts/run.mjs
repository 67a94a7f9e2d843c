#!/usr/bin/env node
// The two commands a newcomer types: `npm run dev` and `npm test`. Only Node 20+ and the npm
// registry are assumed: pnpm is fetched through npx at the version package.json pins, and
// dependencies are installed (frozen lockfile) whenever they are missing or stale.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const { packageManager } = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
const [task, ...args] = process.argv.slice(2);

const [major, minor] = process.versions.node.split('.').map(Number);
if (major < 20 || (major === 20 && minor < 19)) {
  console.error(`Coko needs Node.js 20.19 or newer (this is ${process.versions.node}).`);
  process.exit(1);
}

function pnpm(pnpmArgs, options = {}) {
  const result = spawnSync('npx', ['--yes', packageManager, ...pnpmArgs], {
    cwd: root,
    stdio: 'inherit',
    env: { ...process.env, npm_config_update_notifier: 'false' },
    ...options,
  });
  if (result.status !== 0) process.exit(result.status ?? 1);
}

function installIfNeeded() {
  const marker = join(root, 'node_modules', '.modules.yaml');
  const lock = join(root, 'pnpm-lock.yaml');
  if (existsSync(marker) && statSync(marker).mtimeMs >= statSync(lock).mtimeMs) return;
  console.log('Installing dependencies…');
  pnpm(['install', '--frozen-lockfile', '--prefer-offline']);
}

// Each task is a command line. `dev` runs the CLI in this Node directly (it loads its TypeScript
// through tsx in-process): going through npx, pnpm and tsx's own CLI started four more Node
// processes, ≈ 2 s before `coko dev` began. The others run as `npx pnpm@<version> …`.
const pnpmRun = (...pnpmArgs) => ['npx', '--yes', packageManager, ...pnpmArgs];
const tasks = {
  dev: [process.execPath, join(root, 'packages', 'server', 'bin', 'coko.mjs'), 'dev'],
  test: pnpmRun('run', 'check'),
  bench: pnpmRun('--filter', '@coko/bench', 'run', 'bench'),
  'bench:payments': pnpmRun('--filter', '@coko/bench', 'run', 'bench:payments'),
  'bench:community': pnpmRun('--filter', '@coko/bench', 'run', 'bench:community'),
  'bench:publishing': pnpmRun('--filter', '@coko/bench', 'run', 'bench:publishing'),
  'bench:engagement': pnpmRun('--filter', '@coko/bench', 'run', 'bench:engagement'),
};
if (!tasks[task]) {
  console.error(`Usage: node scripts/run.mjs <${Object.keys(tasks).join('|')}> [args…]`);
  process.exit(2);
}
installIfNeeded();
// The task runs as a child we wait for: Ctrl-C reaches the whole process group, so the child shuts
// its own services down; we only forward SIGTERM/SIGHUP (sent to us alone) and keep its exit code.
const [command, ...commandArgs] = tasks[task];
const child = spawn(command, [...commandArgs, ...args], { cwd: root, stdio: 'inherit' });
for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP']) {
  process.on(signal, () => {
    if (signal !== 'SIGINT') child.kill(signal);
  });
}
child.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
