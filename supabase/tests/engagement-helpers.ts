// Fixtures for the gamification tests (supabase/migrations/*_gamification.sql): fresh readers, domain
// events written through private.emit_event() as the source triggers write them, and one run of the
// consumer (private.gamification_apply) over every event not handled yet — what the `events`
// dispatcher does with the consumer's cursor.
import { randomUUID } from 'node:crypto';
import { adminQuery, createUser, type Row } from './helpers.js';

/** A fresh reader (auth user + profile, with a display name), optionally of a partner. */
export async function newReader(name = 'Lecteur', partnerId?: string): Promise<string> {
  const id = randomUUID();
  await createUser({
    id,
    email: `${id}@engagement.test`,
    roles: [],
    ...(partnerId ? { appMetadata: { partner_id: partnerId } } : {}),
  });
  await adminQuery('update public.profiles set display_name = $2 where id = $1', [id, name]);
  return id;
}

/** Logs a domain event (returns its id, or null when its dedupe key was already logged). */
export async function emit(
  kind: string,
  userId: string,
  payload: Row = {},
  options: { subjectId?: string; dedupeKey?: string; occurredAt?: string } = {},
): Promise<number | null> {
  const subjectId = options.subjectId ?? randomUUID();
  const [row] = await adminQuery<{ id: string | null }>(
    'select private.emit_event($1, $2, $3, $4, $5, coalesce($6::timestamptz, now())) as id',
    [
      kind,
      userId,
      subjectId,
      options.dedupeKey ?? `${kind}:${subjectId}`,
      JSON.stringify(payload),
      options.occurredAt ?? null,
    ],
  );
  return row!.id === null ? null : Number(row!.id);
}

/** A finished reading session of `minutes` starting at `start` (ISO), as reading.session_finished. */
export function session(
  userId: string,
  start: string,
  minutes: number,
  pagesRead = Math.round(minutes / 2),
  options: { dedupeKey?: string; subjectId?: string } = {},
): Promise<number | null> {
  const startedAt = new Date(start);
  const endedAt = new Date(startedAt.getTime() + minutes * 60_000);
  return emit(
    'reading.session_finished',
    userId,
    {
      bookId: randomUUID(),
      minutes,
      pagesRead,
      startedAt: startedAt.toISOString(),
      endedAt: endedAt.toISOString(),
    },
    { ...options, occurredAt: endedAt.toISOString() },
  );
}

let cursor = 0;

/** Runs the consumer over the events logged since its last run (like the dispatcher with a cursor). */
export async function consume(): Promise<{ handled: number; rejected: number; readers: number }> {
  const [{ last }] = (await adminQuery<{ last: string }>(
    'select coalesce(max(id), 0) as last from private.domain_events',
  )) as [{ last: string }];
  const result = await applyRange(cursor, Number(last));
  cursor = Number(last);
  return result;
}

/** Runs the consumer over an explicit id range (from exclusive, to inclusive). */
export async function applyRange(
  from: number,
  to: number,
): Promise<{ handled: number; rejected: number; readers: number }> {
  const [row] = await adminQuery<{ r: { handled: number; rejected: number; readers: number } }>(
    'select private.gamification_apply($1, $2) as r',
    [from, to],
  );
  return row!.r;
}

/** The reader's ledger, oldest first. */
export function ledger(userId: string): Promise<{ points: number; reason: string; source_key: string }[]> {
  return adminQuery('select points, reason, source_key from public.points_ledger where user_id = $1 order by id', [
    userId,
  ]);
}

/** The reader's cached score (undefined when they have none). */
export async function score(userId: string): Promise<Row | undefined> {
  const [row] = await adminQuery('select * from public.reader_scores where user_id = $1', [userId]);
  return row;
}

/** Slugs of the reader's badges, sorted. */
export async function badgesOf(userId: string): Promise<string[]> {
  const rows = await adminQuery<{ slug: string }>(
    'select b.slug from public.badge_awards a join public.badges b on b.id = a.badge_id where a.user_id = $1 order by b.slug',
    [userId],
  );
  return rows.map((row) => row.slug);
}

/** Events the consumer logged about the reader, of the given kinds. */
export async function emitted(userId: string, kinds: string[]): Promise<{ kind: string; payload: Row }[]> {
  return adminQuery(
    'select kind, payload from private.domain_events where user_id = $1 and kind = any($2) order by id',
    [userId, kinds],
  );
}

/** The anti-abuse or cap rejections of the reader. */
export function rejections(userId: string): Promise<{ reason: string; details: Row }[]> {
  return adminQuery('select reason, details from private.rejected_events where user_id = $1 order by event_id', [
    userId,
  ]);
}

/** Midnight UTC of a day offset from 2026-11-02 (a Monday), as ISO, plus `hour` hours. */
export function day(offset: number, hour = 8): string {
  return new Date(Date.UTC(2026, 10, 2 + offset, hour)).toISOString();
}
