// `kill -9` Postgres under write load: reading sync through the gateway (supabase-js's RPC call,
// as the SDK makes it) keeps writing while Postgres dies and comes back on the same data directory
// and port. The API answers 503 in the error format meanwhile, `/ready` fails, everything recovers
// without a restart of PostgREST, the API or the gateway, and every acknowledged write is there.
//
// This file runs its own Postgres (durable settings: fsync and synchronous commit on, as in
// production), not the run's shared cluster, which it would take down with it.

import { execFileSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createProjectKeys,
  ensureDatabase,
  freePort,
  makeTempDir,
  mintUserToken,
  type PostgresServer,
  type ProjectKeys,
  prepareDatabase,
  startEmbeddedPostgres,
  withDatabase,
} from '../../src/stack/index.ts';
import { spawnTestStack, type TestStack } from '../../src/testing/index.ts';
import { waitFor } from '../jobs/helpers.ts';

const DEMO_READER = { id: '00000000-0000-4000-8000-000000000001', email: 'demo@coko.test' };
const WRITERS = 4;
const TEMPLATE = 'coko_template';
const FAKE_PARTNER_KEY = `sk_${'A'.repeat(16)}_${'b'.repeat(32)}`;

let dir: string;
let port: number;
let keys: ProjectKeys;
let postgres: PostgresServer | undefined;
let stack: TestStack | undefined;
let admin: pg.Pool | undefined;

beforeAll(async () => {
  dir = makeTempDir('coko-pgkill-');
  port = await freePort();
  keys = await createProjectKeys();
  postgres = await startPostgres();
  const adminUrl = withDatabase(postgres.adminUrl, 'postgres');
  await ensureDatabase(adminUrl, TEMPLATE);
  await prepareDatabase(withDatabase(adminUrl, TEMPLATE), keys, { seed: true, setPostgresPassword: true });
  stack = await spawnTestStack({ adminUrl, template: TEMPLATE, keys });
  admin = new pg.Pool({ connectionString: stack.adminDatabaseUrl, max: 2 });
  admin.on('error', () => {}); // idle clients die with Postgres: expected here
}, 240_000);

afterAll(async () => {
  // Whatever happened, Postgres must be up for the stack to drop its database, then everything stops.
  if (!postmasterAlive()) postgres = await startPostgres().catch(() => undefined);
  await admin?.end().catch(() => {});
  await stack?.stop().catch(() => {});
  await postgres?.stop().catch(() => {});
  killCluster();
  rmSync(dir, { recursive: true, force: true });
}, 120_000);

function startPostgres(): Promise<PostgresServer> {
  return startEmbeddedPostgres({ dataDir: join(dir, 'pg'), port, password: keys.adminPassword, persistent: true });
}

function postmasterPid(): number | undefined {
  const file = join(dir, 'pg', 'postmaster.pid');
  if (!existsSync(file)) return undefined;
  return Number(readFileSync(file, 'utf8').split('\n')[0]) || undefined;
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

function postmasterAlive(): boolean {
  const pid = postmasterPid();
  return pid !== undefined && alive(pid);
}

/** The postmaster and its children: the processes a crash takes down. */
function clusterPids(): number[] {
  const pid = postmasterPid();
  if (pid === undefined || !alive(pid)) return [];
  let children: number[] = [];
  try {
    children = execFileSync('pgrep', ['-P', String(pid)], { encoding: 'utf8' })
      .split('\n')
      .filter(Boolean)
      .map(Number);
  } catch {
    // pgrep exits 1 when there are no children
  }
  return [pid, ...children];
}

/** SIGKILLs the whole cluster at once (no shutdown, no checkpoint) and returns the pids killed. */
function killCluster(): number[] {
  const pids = clusterPids();
  for (const pid of pids) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // already gone
    }
  }
  return pids;
}

interface Outcome {
  at: number;
  status: number | 'network';
  code?: string;
  detail?: string;
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text || '{}');
  } catch {
    return {};
  }
}

/** One writer: progress on its own book plus one new annotation per call, until `stop()`. */
function writer(index: number, bookId: string, token: string, restUrl: string, publishableKey: string) {
  const acknowledged: { annotationId: string; deviceUpdatedAt: string }[] = [];
  const outcomes: Outcome[] = [];
  let running = true;
  const device = `pgkill-${index}`;
  const loop = (async () => {
    for (let i = 1; running; i++) {
      const annotationId = randomUUID();
      const deviceUpdatedAt = new Date(Date.UTC(2026, 0, 1) + i * 1000).toISOString();
      const locator = {
        href: 'chapter-1.xhtml',
        type: 'application/xhtml+xml',
        locations: { progression: (i % 100) / 100, totalProgression: (i % 100) / 100 },
      };
      const changes = [
        { op: 'progress.save', bookId, deviceId: device, deviceUpdatedAt, locator },
        {
          op: 'annotation.upsert',
          id: annotationId,
          bookId,
          deviceId: device,
          deviceUpdatedAt,
          kind: 'highlight',
          locator,
          selectedText: `write ${i}`,
          color: '#ffd54f',
        },
      ];
      let outcome: Outcome;
      try {
        const res = await fetch(`${restUrl}/rpc/sync_reading`, {
          method: 'POST',
          headers: { apikey: publishableKey, authorization: `Bearer ${token}`, 'content-type': 'application/json' },
          body: JSON.stringify({ changes, since: 0 }),
          signal: AbortSignal.timeout(30_000),
        });
        const text = await res.text();
        const body = parseJson(text) as {
          results?: { status: string }[];
          code?: string;
          error?: { code?: string };
        };
        outcome = { at: Date.now(), status: res.status, code: body.error?.code ?? body.code };
        // Kept to explain a failure: what answered, with what.
        if (res.status !== 200 && res.status !== 503)
          outcome.detail = `${res.headers.get('content-type')} ${text.slice(0, 300)}`;
        if (res.ok) {
          // Acknowledged: both changes were applied and committed.
          expect(body.results?.map((result) => result.status)).toEqual(['applied', 'applied']);
          acknowledged.push({ annotationId, deviceUpdatedAt });
        }
      } catch (error) {
        if (error instanceof Error && error.name === 'AssertionError') throw error;
        outcome = { at: Date.now(), status: 'network' };
      }
      outcomes.push(outcome);
      // Pace retries while the database is down (no busy loop); no timing is asserted on.
      if (outcome.status !== 200) await new Promise((resolve) => setTimeout(resolve, 25));
    }
  })();
  return {
    acknowledged,
    outcomes,
    bookId,
    device,
    stop: async () => {
      running = false;
      await loop;
    },
  };
}

async function apiProbe(url: string) {
  const [ready, health, sessions] = await Promise.all([
    fetch(`${url}/functions/v1/api/ready`),
    fetch(`${url}/functions/v1/api/health`),
    fetch(`${url}/functions/v1/api/v1/sessions`, {
      method: 'POST',
      headers: { authorization: `Bearer ${FAKE_PARTNER_KEY}`, 'content-type': 'application/json' },
      body: JSON.stringify({ externalUserId: 'pgkill-reader' }),
    }),
  ]);
  return {
    ready: { status: ready.status, body: (await ready.json()) as { status: string } },
    health: { status: health.status },
    sessions: {
      status: sessions.status,
      requestId: sessions.headers.get('x-request-id'),
      body: (await sessions.json()) as { error?: { code: string; message: string; id: string } },
    },
  };
}

describe('Postgres killed with SIGKILL under write load', () => {
  it('503s while it is down, recovers without restarts, loses no acknowledged write', async () => {
    if (!stack || !admin) throw new Error('no stack');
    const { url, publishableKey } = stack;
    const token = await mintUserToken(keys, DEMO_READER, { expiresInSeconds: 3600 });
    const { rows: books } = await admin.query<{ id: string }>(
      `select id from public.books where status = 'published' order by id limit ${WRITERS}`,
    );
    expect(books).toHaveLength(WRITERS);

    // Up: the API is ready and a wrong partner key is a plain 401.
    const up = await apiProbe(url);
    expect(up.ready.status).toBe(200);
    expect(up.sessions.status).toBe(401);

    const writers = books.map((book, i) => writer(i, book.id, token, `${url}/rest/v1`, publishableKey));
    const acknowledged = () => writers.reduce((sum, w) => sum + w.acknowledged.length, 0);
    const failures = (since: number) =>
      writers.flatMap((w) => w.outcomes.filter((o) => o.at >= since && o.status !== 200));
    try {
      await waitFor(async () => acknowledged() >= 100, { timeoutMs: 60_000, what: '100 acknowledged writes' });

      const killedAt = Date.now();
      const ackedBeforeKill = acknowledged();
      const pids = killCluster();
      expect(pids.length).toBeGreaterThan(1);
      await waitFor(async () => pids.every((pid) => !alive(pid)), { timeoutMs: 10_000, what: 'the cluster to die' });

      // Down: the writers see failures, the API answers 503 in the error format, /ready fails.
      await waitFor(async () => failures(killedAt).length >= 3 * WRITERS, {
        timeoutMs: 30_000,
        what: 'the writers to hit the outage',
      });
      const down = await apiProbe(url);
      expect(down.ready.status).toBe(503);
      expect(down.ready.body.status).toBe('not_ready');
      expect(down.health.status).toBe(503);
      expect(down.sessions.status).toBe(503);
      expect(down.sessions.body).toEqual({
        error: {
          code: 'SERVICE_UNAVAILABLE',
          message: 'The database is unavailable; retry shortly',
          id: down.sessions.requestId,
        },
      });

      // Back: the same data directory on the same port; nothing else is restarted.
      postgres = await startPostgres();
      const backAt = Date.now();
      const ackedAtRestart = acknowledged();
      const recovered = await waitFor(
        async () => {
          const probe = await apiProbe(url);
          return probe.ready.status === 200 &&
            probe.sessions.status === 401 &&
            acknowledged() > ackedAtRestart + WRITERS
            ? Date.now()
            : undefined;
        },
        { timeoutMs: 120_000, intervalMs: 200, what: 'the API and the writers to recover' },
      );
      await waitFor(async () => acknowledged() >= ackedAtRestart + 50, {
        timeoutMs: 60_000,
        what: '50 writes after recovery',
      });
      await Promise.all(writers.map((w) => w.stop()));

      // Every acknowledged write is in the database: each annotation, and each book's progress is at
      // least as recent as its last acknowledged save.
      const ids = writers.flatMap((w) => w.acknowledged.map((a) => a.annotationId));
      const { rows: found } = await admin.query<{ n: number }>(
        'select count(*)::int as n from public.annotations where id = any($1::uuid[])',
        [ids],
      );
      expect(found[0]?.n).toBe(ids.length);
      for (const w of writers) {
        const last = w.acknowledged.at(-1)?.deviceUpdatedAt as string;
        const { rows } = await admin.query<{ at: Date }>(
          'select device_updated_at as at from public.reading_progress where user_id = $1 and book_id = $2',
          [DEMO_READER.id, w.bookId],
        );
        expect(rows[0]?.at.getTime()).toBeGreaterThanOrEqual(new Date(last).getTime());
      }

      // No 500 at any time: the outage is 503 SERVICE_UNAVAILABLE in Coko's error format, whether the
      // gateway could not check a key or PostgREST could not reach the database.
      const statuses = new Map<string, number>();
      for (const o of writers.flatMap((w) => w.outcomes)) {
        const key = `${o.status}${o.code ? ` ${o.code}` : ''}`;
        statuses.set(key, (statuses.get(key) ?? 0) + 1);
      }
      const bad = [...statuses.keys()].filter((key) => key !== '200' && key !== '503 SERVICE_UNAVAILABLE');
      const details = writers.flatMap((w) => w.outcomes).flatMap((o) => (o.detail ? [o.detail] : []));
      expect(bad, details.slice(0, 5).join('\n')).toEqual([]);

      const lastFailure = Math.max(...failures(killedAt).map((o) => o.at));
      console.info(
        [
          'Postgres SIGKILL under write load:',
          `  writes acknowledged: ${ids.length} (${ackedBeforeKill} before the kill, ${ids.length - ackedAtRestart} after the restart)`,
          '  acknowledged writes lost: 0',
          `  outage (kill → Postgres accepting connections again): ${backAt - killedAt} ms`,
          `  time to recover (Postgres back → /ready 200 and writes acknowledged): ${recovered - backAt} ms`,
          `  last failed write ${lastFailure - backAt} ms after Postgres was back`,
          `  responses: ${JSON.stringify(Object.fromEntries(statuses))}`,
        ].join('\n'),
      );
    } finally {
      await Promise.all(writers.map((w) => w.stop().catch(() => {})));
    }
  }, 400_000);
});
