// The package as a partner installs it: built (tsup), packed (`pnpm pack`, which applies
// publishConfig), installed from the tarball in a folder outside the workspace, and run with plain
// `node` (no tsx, no workspace sources): `coko api` against this file's database answers /api/health.
import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { testStack } from '../../../../test/stack.ts';

const run = promisify(execFile);
const serverDir = fileURLToPath(new URL('../../', import.meta.url));
const tsupCli = join(createRequire(import.meta.url).resolve('tsup/package.json'), '..', 'dist', 'cli-default.js');
const npx = process.platform === 'win32' ? 'npx.cmd' : 'npx';

let dir: string;
let api: ChildProcess | undefined;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'coko-packed-'));
  await run(process.execPath, [tsupCli, '--silent'], { cwd: serverDir });
  await run(npx, ['--yes', '--prefer-offline', 'pnpm@10.34.9', 'pack', '--pack-destination', dir], {
    cwd: serverDir,
  });
  const tarball = readdirSync(dir).find((file) => file.endsWith('.tgz'));
  if (!tarball) throw new Error(`pnpm pack wrote no tarball in ${dir}`);
  writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: 'partner-backend', private: true, type: 'module' }));
  await run('npm', ['install', '--prefer-offline', '--no-audit', '--no-fund', '--omit=dev', `./${tarball}`], {
    cwd: dir,
  });
}, 240_000);

afterAll(async () => {
  if (api && api.exitCode === null && api.signalCode === null) {
    const exited = new Promise((resolve) => api?.once('exit', resolve));
    api.kill('SIGTERM');
    const force = setTimeout(() => api?.kill('SIGKILL'), 10_000);
    await exited;
    clearTimeout(force);
  }
  if (dir) rmSync(dir, { recursive: true, force: true });
});

/** Starts `coko api` from the installed package and resolves with the URL it logs once listening. */
function startInstalledApi(): Promise<string> {
  const cli = join(dir, 'node_modules', '@coko', 'server', 'dist', 'cli.js');
  // A clean environment: no NODE_OPTIONS (loaders) or workspace paths leak in from vitest.
  api = spawn(process.execPath, [cli, 'api'], {
    cwd: dir,
    env: {
      PATH: process.env.PATH,
      COKO_ENV: 'test',
      DATABASE_URL: testStack().databaseUrl,
      HOST: '127.0.0.1',
      PORT: '0',
      CORS_ORIGINS: 'https://reader.example.com',
      LOG_LEVEL: 'info',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const child = api;
  let output = '';
  return new Promise((resolve, reject) => {
    child.stderr?.on('data', (chunk: Buffer) => {
      output += chunk.toString();
    });
    child.stdout?.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      const url = /"url":"(http:\/\/127\.0\.0\.1:\d+)"/.exec(output)?.[1];
      if (url) resolve(url);
    });
    child.once('exit', (code) => reject(new Error(`coko api exited (code ${code}) before listening:\n${output}`)));
  });
}

it('installs from the tarball outside the workspace and serves /api/health with plain node', async () => {
  const installed = createRequire(join(dir, 'package.json'));
  const pkg = installed('@coko/server/package.json') as { exports: Record<string, string>; bin: { coko: string } };
  expect(pkg.exports['.']).toBe('./dist/index.js');
  expect(pkg.bin.coko).toBe('./dist/cli.js');

  const url = await startInstalledApi();
  const response = await fetch(`${url}/api/health`);
  expect(response.status).toBe(200);
  expect(await response.json()).toMatchObject({ status: 'ok' });
}, 60_000);
