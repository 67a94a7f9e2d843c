// Fixtures for the reading tests (books, readers, locators, sync changes), on top of helpers.ts.
// Fixture rows are written as the superuser in the test file's own database; readers act through
// supabase-js (PostgREST, committed) or through raw pg connections (for concurrency).
import { randomUUID } from 'node:crypto';
import type { SupabaseClient } from '@supabase/supabase-js';
import pg from 'pg';
import { afterAll } from 'vitest';
import { testStack } from '../../test/stack.js';
import { adminQuery, clientWithToken, createUser, type Row, type TestUser, tokenFor } from './helpers.js';

// =============================================================================================
// Books and readers
// =============================================================================================

/** Creates a book as the superuser (published by default) and returns its id. */
export async function newBook(status: 'published' | 'draft' = 'published'): Promise<string> {
  const id = randomUUID();
  await adminQuery(`insert into public.books (id, title, language, status, format) values ($1, $2, 'fr', $3, $4)`, [
    id,
    `Reading test book ${id.slice(0, 8)}`,
    status,
    status === 'published' ? 'epub' : null,
  ]);
  return id;
}

export interface Reader {
  user: TestUser;
  client: SupabaseClient;
}

/** A fresh signed-in reader (own auth.users row) with a supabase-js client: isolated feeds per test. */
export async function newReader(): Promise<Reader> {
  const id = randomUUID();
  const user: TestUser = { id, email: `reader-${id.slice(0, 8)}@reading.test`, roles: [] };
  await createUser(user);
  return { user, client: clientWithToken(await tokenFor(user)) };
}

/** The JWT claims PostgREST would set for a user (for raw SQL sessions). */
export function claimsOf(user: TestUser): Row {
  return { sub: user.id, role: 'authenticated', aud: 'authenticated', email: user.email, app_metadata: {} };
}

// =============================================================================================
// Locators and changes
// =============================================================================================

export interface LocatorInput {
  href?: string;
  progression?: number;
  totalProgression?: number;
  position?: number;
  highlight?: string;
}

/** A valid Readium locator. */
export function locator(input: LocatorInput = {}): Row {
  const value: Row = {
    href: input.href ?? 'chapter-1.xhtml',
    type: 'application/xhtml+xml',
    locations: {
      progression: input.progression ?? 0.5,
      totalProgression: input.totalProgression ?? 0.25,
      ...(input.position === undefined ? {} : { position: input.position }),
    },
  };
  if (input.highlight !== undefined) value.text = { before: 'Avant ', highlight: input.highlight, after: ' après' };
  return value;
}

/**
 * A timestamp `minutes` after a fixed, past base time (device clocks in tests), formatted as
 * PostgREST returns timestamptz values (`2026-01-15T12:00:00+00:00`).
 */
export function at(minutes: number): string {
  return new Date(Date.UTC(2026, 0, 15, 12, 0, 0) + minutes * 60_000).toISOString().replace(/\.\d{3}Z$/, '+00:00');
}

export type Change = Record<string, unknown>;

export const change = {
  progress: (bookId: string, deviceId: string, minutes: number, loc: Row = locator()): Change => ({
    op: 'progress.save',
    bookId,
    deviceId,
    deviceUpdatedAt: at(minutes),
    locator: loc,
  }),
  annotation: (id: string, bookId: string, deviceId: string, minutes: number, fields: Change = {}): Change => ({
    op: 'annotation.upsert',
    id,
    bookId,
    deviceId,
    deviceUpdatedAt: at(minutes),
    kind: 'highlight',
    locator: locator({ highlight: 'Soundjata' }),
    selectedText: 'Soundjata',
    color: '#ffd54f',
    ...fields,
  }),
  deleteAnnotation: (id: string, bookId: string, deviceId: string, minutes: number): Change => ({
    op: 'annotation.delete',
    id,
    bookId,
    deviceId,
    deviceUpdatedAt: at(minutes),
  }),
  session: (
    id: string,
    bookId: string,
    deviceId: string,
    startMinutes: number,
    endMinutes: number | null,
    fields: Change = {},
  ): Change => ({
    op: 'session.upsert',
    id,
    bookId,
    deviceId,
    deviceUpdatedAt: at(endMinutes ?? startMinutes),
    startedAt: at(startMinutes),
    endedAt: endMinutes === null ? null : at(endMinutes),
    pagesRead: 3,
    deviceType: 'android',
    ...fields,
  }),
};

// =============================================================================================
// sync_reading
// =============================================================================================

export interface SyncResult {
  results: { index: number; status: 'applied' | 'stale' | 'rejected'; error?: string }[];
  changes: { progress: Row[]; annotations: Row[]; sessions: Row[] };
  checkpoint: number;
  hasMore: boolean;
}

/** POST /rest/v1/rpc/sync_reading through supabase-js; fails the test on an error. */
export async function sync(client: SupabaseClient, changes: Change[] = [], since = 0): Promise<SyncResult> {
  const { data, error, status } = await client.rpc('sync_reading', { changes, since });
  if (error) throw new Error(`sync_reading failed (${status}): ${JSON.stringify(error)}`);
  return data as SyncResult;
}

/** The statuses of a sync result, in order. */
export const statuses = (result: SyncResult) => result.results.map((r) => r.status);

/** Total number of rows in a sync result's feed. */
export const feedSize = (result: SyncResult) =>
  result.changes.progress.length + result.changes.annotations.length + result.changes.sessions.length;

// =============================================================================================
// Raw connections (concurrency tests)
// =============================================================================================

const openClients = new Set<pg.Client>();

afterAll(async () => {
  await Promise.all([...openClients].map((client) => client.end().catch(() => undefined)));
  openClients.clear();
});

/**
 * A raw connection (closed after the file) that acts as `user` inside explicit transactions:
 * `begin()` starts one as `authenticated` with the user's claims, as PostgREST would.
 */
export async function connectAs(user: TestUser): Promise<{
  client: pg.Client;
  pid: number;
  begin(): Promise<void>;
  commit(): Promise<void>;
  rollback(): Promise<void>;
}> {
  const client = new pg.Client({ connectionString: testStack().adminDatabaseUrl });
  await client.connect();
  openClients.add(client);
  const { rows } = await client.query<{ pid: number }>('select pg_backend_pid() as pid');
  return {
    client,
    pid: rows[0]!.pid,
    async begin() {
      await client.query('begin');
      await client.query('set local role authenticated');
      await client.query(`select set_config('request.jwt.claims', $1, true)`, [JSON.stringify(claimsOf(user))]);
    },
    async commit() {
      await client.query('commit');
    },
    async rollback() {
      await client.query('rollback');
    },
  };
}

/** Waits until backend `pid` is blocked on a lock (fails after ~5 s). */
export async function waitUntilBlocked(pid: number): Promise<void> {
  for (let i = 0; i < 100; i++) {
    const [row] = await adminQuery<{ waiting: boolean }>(
      `select wait_event_type = 'Lock' as waiting from pg_stat_activity where pid = $1`,
      [pid],
    );
    if (row?.waiting) return;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`backend ${pid} never waited on a lock`);
}

/** Whether a promise has settled within `ms`. */
export async function settledWithin(promise: Promise<unknown>, ms: number): Promise<boolean> {
  let settled = false;
  promise.then(
    () => {
      settled = true;
    },
    () => {
      settled = true;
    },
  );
  await new Promise((resolve) => setTimeout(resolve, ms));
  return settled;
}
