// `coko gateway` as an operator runs it: a child process configured by the environment, refusing bad
// settings by name, serving until SIGTERM, then exiting 0.
import { type ChildProcess, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { stack } from '../identity/helpers.ts';

// The bin, as docs/DEPLOY.md runs it: one process (tsx's CLI would add a parent relaying signals).
const bin = fileURLToPath(new URL('../../bin/coko.mjs', import.meta.url));
const children: ChildProcess[] = [];

afterEach(() => {
  for (const child of children.splice(0))
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
});

function run(env: Record<string, string>) {
  const child = spawn(process.execPath, [bin, 'gateway'], {
    // Only what the command is given: no DATABASE_URL or keys leaking in from the test run.
    env: { PATH: process.env.PATH ?? '', ...env },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  children.push(child);
  let stderr = '';
  child.stderr?.setEncoding('utf8');
  child.stderr?.on('data', (chunk: string) => {
    stderr += chunk;
  });
  const exited = new Promise<number | null>((resolveExit) => child.once('close', (code) => resolveExit(code)));
  const output = (pattern: RegExp) =>
    new Promise<RegExpMatchArray>((resolveMatch, reject) => {
      const check = () => {
        const match = stderr.match(pattern);
        if (match) resolveMatch(match);
      };
      check();
      child.stderr?.on('data', check);
      void exited.then(() => reject(new Error(`exited before printing ${pattern}: ${stderr}`)));
    });
  return { child, exited, output, stderr: () => stderr };
}

describe('coko gateway', () => {
  it('exits 1 naming every missing variable', async () => {
    const gateway = run({});
    expect(await gateway.exited).toBe(1);
    for (const name of ['SUPABASE_URL', 'SUPABASE_PUBLISHABLE_KEY', 'SUPABASE_SECRET_KEY', 'DATABASE_URL']) {
      expect(gateway.stderr()).toContain(`${name}: required`);
    }
  });

  it('serves until SIGTERM, then exits 0', async () => {
    const gateway = run({
      SUPABASE_URL: stack.url,
      SUPABASE_PUBLISHABLE_KEY: stack.publishableKey,
      SUPABASE_SECRET_KEY: stack.secretKey,
      DATABASE_URL: stack.databaseUrl,
      COKO_JWT_SECRET: stack.keys.jwtSecret,
      PORT: '0',
      HOST: '127.0.0.1',
    });
    const [, url] = await gateway.output(/listening on (http:\/\/\S+)/);
    const response = await fetch(`${url}/rest/v1/books?select=id&limit=1`, {
      headers: { apikey: stack.publishableKey },
    });
    expect(response.status).toBe(200);
    expect(await response.json()).toHaveLength(1);
    gateway.child.kill('SIGTERM');
    expect(await gateway.exited).toBe(0);
  });

  it('serves from GATEWAY_PROCESSES processes on one port, and SIGTERM stops them all', async () => {
    const gateway = run({
      SUPABASE_URL: stack.url,
      SUPABASE_PUBLISHABLE_KEY: stack.publishableKey,
      SUPABASE_SECRET_KEY: stack.secretKey,
      DATABASE_URL: stack.databaseUrl,
      COKO_JWT_SECRET: stack.keys.jwtSecret,
      PORT: '0',
      HOST: '127.0.0.1',
      GATEWAY_PROCESSES: '2',
    });
    const [, url] = await gateway.output(/listening on (http:\/\/\S+) → \S+ \(2 processes\)/);
    // Separate connections: the primary hands them to its workers in turn.
    const statuses = await Promise.all(
      Array.from({ length: 6 }, async () => {
        const response = await fetch(`${url}/rest/v1/books?select=id&limit=1`, {
          headers: { apikey: stack.publishableKey, connection: 'close' },
        });
        await response.arrayBuffer();
        return response.status;
      }),
    );
    expect(statuses).toEqual([200, 200, 200, 200, 200, 200]);
    gateway.child.kill('SIGTERM');
    expect(await gateway.exited).toBe(0);
  });
});
