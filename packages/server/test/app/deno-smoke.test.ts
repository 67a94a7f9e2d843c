import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { denoArgs as common, deno, denoEnv, guardRootPackageJson, repoRoot } from '../deno.ts';
import { closedPort, TEST_DATABASE_URL } from './helpers.ts';

// Runs supabase/functions/api/index.ts under the real Deno binary (see ../deno.ts), offline.
const entry = 'supabase/functions/api/index.ts';

guardRootPackageJson();

describe('Supabase Edge Function entry under Deno', () => {
  it('type-checks (deno check) with the same sources as the Node app', () => {
    const result = spawnSync(deno, ['check', ...common, entry], {
      cwd: repoRoot,
      env: denoEnv,
      encoding: 'utf8',
      timeout: 60_000,
    });
    expect(result.stderr).not.toMatch(/error/i);
    expect(result.status).toBe(0);
  }, 60_000);

  it.skipIf(!TEST_DATABASE_URL)(
    'serves GET /api/health with the database ok',
    async () => {
      const port = await closedPort();
      const child: ChildProcess = spawn(
        deno,
        ['run', ...common, '--allow-net', '--allow-env', '--allow-read', '--allow-sys', entry],
        {
          cwd: repoRoot,
          env: {
            ...denoEnv,
            COKO_ENV: 'test',
            DATABASE_URL: TEST_DATABASE_URL,
            PORT: String(port),
            HOST: '127.0.0.1',
            LOG_LEVEL: 'warn',
            METRICS_TOKEN: 'deno-smoke-metrics-token-0123456789',
          },
          stdio: ['ignore', 'pipe', 'pipe'],
        },
      );
      let output = '';
      child.stdout?.on('data', (chunk) => {
        output += chunk;
      });
      child.stderr?.on('data', (chunk) => {
        output += chunk;
      });
      const exited = new Promise<number | null>((resolveExit) => child.on('exit', (code) => resolveExit(code)));
      try {
        const deadline = Date.now() + 45_000;
        let res: Response | undefined;
        while (!res && Date.now() < deadline) {
          if (child.exitCode !== null) throw new Error(`deno exited with ${child.exitCode}:\n${output}`);
          res = await fetch(`http://127.0.0.1:${port}/api/health`, {
            headers: { authorization: 'Bearer deno-smoke-metrics-token-0123456789' },
          }).catch(() => undefined);
          if (!res) await new Promise((r) => setTimeout(r, 200));
        }
        if (!res) throw new Error(`no answer from deno within 45 s:\n${output}`);
        expect(res.status).toBe(200);
        const body = (await res.json()) as { status: string; checks: { database: { status: string } } };
        expect(body.status).toBe('ok');
        expect(body.checks.database.status).toBe('ok');
        expect(res.headers.get('X-Request-Id')).toMatch(/^[0-9a-f-]{36}$/);

        const missing = await fetch(`http://127.0.0.1:${port}/api/nope`);
        expect(missing.status).toBe(404);
        expect(((await missing.json()) as { error: { code: string } }).error.code).toBe('NOT_FOUND');
      } finally {
        child.kill('SIGTERM');
        const code = await Promise.race([exited, new Promise((r) => setTimeout(() => r('timeout'), 5_000))]);
        if (code === 'timeout') child.kill('SIGKILL');
      }
    },
    60_000,
  );
});
