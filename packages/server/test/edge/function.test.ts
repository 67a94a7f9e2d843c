// The deployable function directory: `coko build:function`'s bundle (code, npm dependencies, fonts)
// next to supabase/functions/api/index.ts, copied to a temp folder and run by the real Deno binary with
// read access to that folder only, as `supabase functions deploy api` would ship it.
import { copyFileSync, cpSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { mintUserToken } from '@coko/server/dev';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildEdgeFunction, type EdgeBuildResult } from '../../src/edge/build.ts';
import { closedPort } from '../app/helpers.ts';
import { denoEnv, repoRoot, spawnDeno, waitForDeno } from '../deno.ts';
import { DEMO_READER, insertAnnotation, locator, newBook, pdfPages, sql, stack } from '../notes/helpers.ts';

const migrationsDir = join(repoRoot, 'supabase', 'migrations');
const FUTURE_MIGRATION = '29991231235959';
const temp = mkdtempSync(join(tmpdir(), 'coko-edge-'));

/** A function directory as deployed: the committed index.ts plus a fresh bundle. */
async function functionDirectory(name: string, migrations: string): Promise<[string, EdgeBuildResult]> {
  const dir = join(temp, name);
  cpSync(join(repoRoot, 'supabase', 'functions', 'api', 'index.ts'), join(dir, 'index.ts'));
  return [dir, await buildEdgeFunction({ functionDir: dir, migrationsDir: migrations })];
}

async function serve(dir: string, env: Record<string, string> = {}) {
  const port = await closedPort();
  const deno = spawnDeno(
    ['run', '--no-config', '--no-lock', `--allow-read=${dir}`, '--allow-net', '--allow-env', 'index.ts'],
    {
      cwd: dir,
      env: {
        ...denoEnv,
        COKO_ENV: 'test',
        METRICS_TOKEN,
        DATABASE_URL: stack.databaseUrl,
        COKO_JWT_SECRET: stack.keys.jwtSecret,
        PORT: String(port),
        LOG_LEVEL: 'warn',
        ...env,
      },
    },
  );
  return { deno, base: `http://127.0.0.1:${port}/api` };
}

let current: [string, EdgeBuildResult];
let ahead: [string, EdgeBuildResult];

beforeAll(async () => {
  current = await functionDirectory('current', migrationsDir);
  // The same code built for a schema one migration ahead of the database.
  const futureMigrations = join(temp, 'migrations');
  cpSync(migrationsDir, futureMigrations, { recursive: true });
  copyFileSync(
    join(migrationsDir, readdirSync(migrationsDir).sort()[0] as string),
    join(futureMigrations, `${FUTURE_MIGRATION}_future.sql`),
  );
  ahead = await functionDirectory('ahead', futureMigrations);
}, 120_000);

afterAll(() => rmSync(temp, { recursive: true, force: true }));

// /health shows its checks only to the operator (METRICS_TOKEN).
const METRICS_TOKEN = 'edge-health-scrape-token-0123456789';
const operator = { headers: { authorization: `Bearer ${METRICS_TOKEN}` } };

describe('the Edge Function directory', () => {
  it('imports nothing outside itself but Node built-ins', () => {
    const [, build] = current;
    expect(build.imports.filter((specifier) => !specifier.startsWith('node:'))).toEqual([]);
    expect(build.expectedMigrations.at(-1)).toBe(readdirSync(migrationsDir).sort().at(-1)?.slice(0, 14));
  });

  it('serves /health, /ready, a notes PDF and a receipt PDF with the embedded fonts (read access to its folder only)', async () => {
    const bookId = await newBook({ title: 'Ɓii ŋ à Deno', authors: ['Fatou Diome'] });
    await insertAnnotation({
      userId: DEMO_READER,
      bookId,
      kind: 'highlight',
      locator: locator({ href: 'a.xhtml', title: 'Début', totalProgression: 0.2, position: 4 }),
      selectedText: 'Le ventre de l’Atlantique, déjà',
      note: 'École ŋ',
      createdAt: '2026-03-01T09:30:00Z',
    });
    // Test stacks run without limits; this one counts 2 anonymous requests an hour per address.
    const { deno, base } = await serve(current[0], { RATE_LIMITS: 'anonymous=2/1h' });
    try {
      await waitForDeno(deno, `${base}/health`);
      const health = await fetch(`${base}/health`, operator);
      expect(health.status, deno.output()).toBe(200);
      expect(((await health.json()) as { checks: { database: { status: string } } }).checks.database.status).toBe('ok');
      expect(health.headers.get('X-Request-Id')).toMatch(/^[0-9a-f-]{36}$/);
      const missing = await fetch(`${base}/nope`);
      expect(missing.status).toBe(404);
      expect(((await missing.json()) as { error: { code: string } }).error.code).toBe('NOT_FOUND');

      const ready = await fetch(`${base}/ready`);
      const readiness = (await ready.json()) as { checks: { migrations: { status: string; latest: string } } };
      expect(ready.status).toBe(200);
      expect(readiness.checks.migrations).toMatchObject({ status: 'ok' });

      const headers = {
        authorization: `Bearer ${await mintUserToken(stack.keys, { id: DEMO_READER }, { expiresInSeconds: 600, alg: 'HS256' })}`,
      };
      const pdf = await fetch(`${base}/v1/books/${bookId}/notes.pdf`, { headers });
      expect(pdf.status, deno.output()).toBe(200);
      expect(pdf.headers.get('content-type')).toBe('application/pdf');
      expect(pdf.headers.get('content-disposition')).toBe('attachment; filename="bii-ng-a-deno-notes.pdf"');
      const text = (await pdfPages(await pdf.arrayBuffer())).join('\n');
      expect(text).toContain('Notes de lecture — Ɓii ŋ à Deno');
      expect(text).toContain('Le ventre de l’Atlantique, déjà');
      expect(text).toContain('Début · 20 % · page 4');

      // Receipts print with the same embedded fonts.
      const [order] = await sql<{ id: string }>(
        `insert into public.orders (user_id, book_id, amount, currency, provider, idempotency_key, return_url)
         values ($1, $2, 1500, 'XOF', 'sandbox', gen_random_uuid()::text, 'https://reader.example/') returning id`,
        [DEMO_READER, bookId],
      );
      const [paid] = await sql<{ result: { receiptId: string } }>(
        `select private.mark_order_paid($1, 'edge-ref', now()) as result`,
        [order?.id],
      );
      const receipt = await fetch(`${base}/v1/receipts/${paid?.result.receiptId}/receipt.pdf`, { headers });
      expect(receipt.status, deno.output()).toBe(200);
      const receiptText = (await pdfPages(await receipt.arrayBuffer())).join('\n');
      expect(receiptText).toContain('Ɓii ŋ à Deno');
      expect(receiptText).toMatch(/1\s500\sF\sCFA/u);

      const markdown = await fetch(`${base}/v1/books/${bookId}/notes.md`, { headers });
      expect(await markdown.text()).toContain('> Le ventre de l’Atlantique, déjà\n\nÉcole ŋ\n');
      expect((await fetch(`${base}/v1/books/${bookId}/notes.md`)).status).toBe(401);

      // A share link's public preview renders on Deno too (no session; its own address, outside the
      // anonymous budget counted below).
      const [link] = await sql<{ code: string }>(
        `insert into public.share_links (kind, target_id, created_by) values ('book', $1, $2) returning code`,
        [bookId, DEMO_READER],
      );
      const preview = await fetch(`${base}/v1/share/${link?.code}`, { headers: { 'x-real-ip': '198.51.100.7' } });
      expect(preview.status, deno.output()).toBe(200);
      expect(await preview.text()).toContain('<meta property="og:title" content="Ɓii ŋ à Deno — Fatou Diome">');

      // The edge function counts in Postgres like every other process.
      const ip = `192.0.2.${Date.now() % 250}`;
      const me = () => fetch(`${base}/v1/me`, { headers: { 'x-real-ip': ip } });
      const answers = [await me(), await me(), await me()];
      expect(answers.map((r) => r.status)).toEqual([401, 401, 429]);
      expect(answers.map((r) => r.headers.get('x-ratelimit-remaining'))).toEqual(['1', '0', '0']);
      expect(Number(answers[2]?.headers.get('retry-after'))).toBeGreaterThan(3500);
      expect(((await (answers[2] as Response).json()) as { error: { code: string } }).error.code).toBe('RATE_LIMITED');
    } finally {
      await deno.stop();
    }
  }, 90_000);

  it('serves /metrics with the business series read from the database (the same query as Node)', async () => {
    const { deno, base } = await serve(current[0]);
    try {
      await waitForDeno(deno, `${base}/health`);
      const res = await fetch(`${base}/metrics`, operator);
      expect(res.status, deno.output()).toBe(200);
      const text = await res.text();
      expect(text).toContain('coko_business_metrics_up 1');
      const [row] = await sql<{ n: number }>('select count(*)::int as n from public.profiles where partner_id is null');
      expect(text).toContain(`coko_registrations_total{partner="(direct)"} ${row!.n}`);
      expect(text).toMatch(/^coko_downloads_total \d+$/m);
      expect(text).toMatch(/^# TYPE coko_payments_total counter$/m);
    } finally {
      await deno.stop();
    }
  });

  it('answers /ready 503 naming the missing migration when the database is behind the bundle', async () => {
    const { deno, base } = await serve(ahead[0]);
    try {
      const ready = await waitForDeno(deno, `${base}/ready`);
      expect(ready.status).toBe(503);
      const body = (await ready.json()) as {
        status: string;
        checks: { migrations: { missing: string[]; reason: string } };
      };
      expect(body.status).toBe('not_ready');
      expect(body.checks.migrations.missing).toEqual([FUTURE_MIGRATION]);
      expect(body.checks.migrations.reason).toContain(`up to ${FUTURE_MIGRATION}`);
      expect(body.checks.migrations.reason).toContain('supabase db push');
      expect((await fetch(`${base}/health`)).status).toBe(200);
    } finally {
      await deno.stop();
    }
  }, 90_000);
});
