import { validate } from '../core/validate';
import { checkId, direct, type ReadingContext, stamp, uuid, whole, write } from './context';
import { sessionEndSchema, sessionStartSchema } from './schemas';
import type { ReadingChangeDraft, ReadingSession, SessionEnd, SessionStart, WriteOptions } from './types';

/** The database's longest session: a later end would be refused, so the queue clamps it. */
const MAX_SESSION = 24 * 60 * 60 * 1000;

/** Implementation of `reading.sessions.start()`: the session starts now, by the device's clock. */
export async function startSession(
  ctx: ReadingContext,
  bookId: string,
  input: SessionStart,
  options?: WriteOptions,
): Promise<ReadingSession> {
  const stamped = stamp(ctx, options);
  const change = {
    op: 'session.upsert' as const,
    id: uuid(),
    bookId: checkId(bookId, 'bookId'),
    ...validate(sessionStartSchema, input, 'session'),
    startedAt: stamped.deviceUpdatedAt,
    ...stamped,
  };
  await write(ctx, 'reading_sessions', change, options);
  return {
    id: change.id,
    bookId: change.bookId,
    startedAt: change.startedAt,
    startProgression: change.startProgression,
    deviceType: change.deviceType,
    deviceId: change.deviceId ?? '',
  };
}

/**
 * Implementation of `reading.sessions.end()`: the session ends now, by the device's clock.
 * Straight to PostgREST: an update of the end fields. Through the queue: the whole session.
 */
export async function endSession(
  ctx: ReadingContext,
  sessionId: string,
  input: SessionEnd,
  options?: WriteOptions,
): Promise<void> {
  const id = checkId(sessionId, 'id');
  const end = validate(sessionEndSchema, input, 'session');
  const stamped = stamp(ctx, options);
  const { queue } = ctx;
  if (!queue) {
    return direct(ctx, 'reading_sessions', { ...end, endedAt: stamped.deviceUpdatedAt, ...stamped }, id, options);
  }
  const base = await whole(ctx, queue, 'reading_sessions', id);
  const latest = Date.parse(String(base.startedAt)) + MAX_SESSION;
  const endedAt =
    latest < Date.parse(stamped.deviceUpdatedAt) ? new Date(latest).toISOString() : stamped.deviceUpdatedAt;
  return queue.push({ ...base, ...end, op: 'session.upsert', id, endedAt, ...stamped } as ReadingChangeDraft);
}
