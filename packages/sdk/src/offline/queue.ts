import {
  AuthenticationError,
  CokoError,
  isCokoError,
  NetworkError,
  networkError,
  RateLimitError,
  ValidationError,
} from '../core/errors';
import { backoff } from '../core/retry';
import { jwtClaims } from '../core/session';
import { newDeviceId } from '../reading/device-id';
import { addFeed, annotationFrom, noChanges } from '../reading/rows';
import type {
  Annotation,
  QueueLink,
  ReadingChange,
  ReadingChangeDraft,
  ReadingChanges,
  ReadingEvent,
  ReadingProgress,
  ReadingQueue,
  SyncConflict,
  SyncRejection,
  SyncResult,
  SyncStatus,
} from '../reading/types';
import { browserNetwork, type NetworkMonitor } from './network';
import type { OfflineStorage } from './storage';

/** `sync_reading` takes at most this many changes per call. */
export const MAX_BATCH = 1000;

/** Options of `createOfflineQueue()`. */
export interface OfflineQueueOptions {
  /** Where the queue, the device id and the checkpoints live (see `OfflineStorage`). */
  storage: OfflineStorage;
  /** Storage key. Default `coko:reading`. Give each client its own key. */
  key?: string;
  /** Changes per `sync_reading` call, 1..1000. Default `1000`. */
  batchSize?: number;
  /** Wait after a write before syncing, in ms, so a burst of writes goes out as one request. Default `1000`. */
  flushDelay?: number;
  /** First retry delay after a network or server failure, in ms; doubles per failure, with full jitter. Default `1000`. */
  retryDelay?: number;
  /** Longest retry delay, in ms. Default `60000`. */
  maxRetryDelay?: number;
  /** Connectivity source. Default `browserNetwork()`; `null`: always assume online. */
  network?: NetworkMonitor | null;
  /** A queued write lost to a newer one from another device (last writer wins). */
  onConflict?: (conflict: SyncConflict) => void;
  /** The server refused a queued write (invalid, or not allowed); it is dropped from the queue. */
  onRejected?: (rejection: SyncRejection) => void;
}

/** The queue `createOfflineQueue()` returns; pass it to `createCoko({ offline })`. */
export interface OfflineQueue extends ReadingQueue {
  /** Forgets every queued write and checkpoint (e.g. when a shared device is handed to someone else). */
  clear(): Promise<void>;
  /** Stops the timers and the network listeners. */
  close(): void;
}

interface Entry {
  change: ReadingChange;
  /** The reader (`sub` of the token) who wrote it; unset when unknown (guest, or no token yet). */
  user?: string;
}

interface State {
  entries: Entry[];
  /** This device's id, generated once. */
  device: string;
  /** `sync_reading` checkpoint per reader. */
  checkpoints: Record<string, number>;
  /** Sessions started and not ended yet, so `end()` works after a restart. */
  open: Record<string, ReadingChange>;
}

/** `sub` of a JWT (no signature check: only used to keep readers' writes apart on this device). */
function subject(token: string | null): string | undefined {
  const { sub } = jwtClaims(token);
  return typeof sub === 'string' && sub ? sub : undefined;
}

/** The row a change writes: one queued entry per row is enough, the latest. */
const rowKey = (c: ReadingChange) => (c.op === 'progress.save' ? `p:${c.bookId}` : `${c.op[0]}:${c.id}`);

/** Whether `change` is newer than the stored row (by the device clocks). */
const newer = (change: ReadingChange, row?: { deviceUpdatedAt: string } | null) =>
  !row || Date.parse(change.deviceUpdatedAt) > Date.parse(row.deviceUpdatedAt);

/**
 * Errors worth retrying on their own: no network, timeouts, rate limits, server failures, storage
 * hiccups, and `accessToken()` throwing (usually the partner's token endpoint being unreachable).
 */
const transient = (e: CokoError) =>
  e.status === undefined
    ? (e.details as { reason?: unknown } | undefined)?.reason !== 'NOT_CONNECTED'
    : e.status === 408 ||
      e.status === 429 ||
      e.status >= 500 ||
      (e instanceof AuthenticationError && e.cause !== undefined);

/**
 * A durable write queue for `coko.reading`. Writes are stored first (resolving once stored), then
 * sent in order, up to 1000 per `sync_reading` call (which also pulls what other devices changed),
 * after `flushDelay`, when the device comes back online, or on `coko.reading.sync()`.
 *
 * - Coalescing: one queued write per row — consecutive progress saves of a book collapse to the
 *   latest, an annotation edited three times offline is sent once.
 * - Idempotent: changes carry client ids and device clocks, so a retry after a lost response
 *   changes nothing; a write is removed only once the server answered for it.
 * - Retries: network errors, timeouts, 429 and 5xx back off exponentially with full jitter (and
 *   honour `Retry-After`); failures count as offline until a request succeeds. Authentication
 *   failures wait for the next write or `sync()`.
 * - Conflicts (`stale`) and rejections are reported through `onConflict` / `onRejected` and
 *   `coko.reading.subscribe()`, never dropped silently. A call the server refuses as a whole
 *   (e.g. not migrated yet) keeps every write queued and sets `status.lastError`.
 * - Each reader's writes are kept apart (by the token's `sub`); writes made before a token was
 *   known (e.g. as a guest) go to the next reader who syncs.
 *
 * @example
 * ```ts
 * import { createCoko } from '@coko/sdk'
 * import { createOfflineQueue, indexedDbStorage } from '@coko/sdk/offline'
 *
 * const coko = createCoko({
 *   url, publishableKey, accessToken,
 *   offline: createOfflineQueue({
 *     storage: indexedDbStorage(),
 *     onRejected: ({ change, error }) => toast(`Not saved: ${error.message}`),
 *   }),
 * })
 * ```
 */
export function createOfflineQueue(options: OfflineQueueOptions): OfflineQueue {
  const { storage } = options;
  const key = options.key ?? 'coko:reading';
  const batchSize = Math.max(1, Math.min(options.batchSize ?? MAX_BATCH, MAX_BATCH));
  const flushDelay = options.flushDelay ?? 1000;
  const retryDelay = options.retryDelay ?? 1000;
  const maxRetryDelay = options.maxRetryDelay ?? 60_000;
  const network = options.network === undefined ? browserNetwork() : options.network;

  let link: QueueLink | undefined;
  let state: Promise<State> | undefined;
  let status: SyncStatus = {
    online: network?.online() ?? true,
    pending: 0,
    syncing: false,
    lastSyncedAt: null,
    lastError: null,
  };
  const listeners = new Set<(event: ReadingEvent) => void>();
  /** Latest whole version of annotations and sessions seen (written, read or pulled), by id. */
  const known = new Map<string, ReadingChange>();
  /** Entries of the request in flight: never coalesced into (their removal would drop the newer write). */
  const inflight = new Set<Entry>();
  let timer: ReturnType<typeof setTimeout> | undefined;
  let attempt = 0;
  let unwatch: (() => void) | undefined;

  /** A listener's exception must not break the queue; it is rethrown outside. */
  const safely = (fn: () => void) => {
    try {
      fn();
    } catch (error) {
      queueMicrotask(() => {
        throw error;
      });
    }
  };
  const emit = (event: ReadingEvent) => {
    for (const listener of [...listeners]) safely(() => listener(event));
  };
  const update = (patch: Partial<SyncStatus>) => {
    const next = { ...status, ...patch };
    if ((Object.keys(next) as (keyof SyncStatus)[]).some((k) => next[k] !== status[k])) {
      status = next;
      emit({ type: 'status', status });
    }
  };

  const load = (): Promise<State> =>
    (state ??= (async () => {
      unwatch = network?.subscribe((online) => {
        update({ online });
        if (online) {
          attempt = 0;
          schedule(0);
        }
      });
      let stored: Partial<State> | undefined;
      try {
        stored = (await storage.get(key)) as Partial<State> | undefined;
      } catch (error) {
        update({ lastError: storageError(error) });
      }
      const loaded: State = {
        entries: stored?.entries ?? [],
        device: stored?.device ?? newDeviceId(),
        checkpoints: stored?.checkpoints ?? {},
        open: stored?.open ?? {},
      };
      update({ pending: loaded.entries.length });
      // Writes left from the last run go out as soon as possible.
      if (loaded.entries.length) queueMicrotask(() => schedule(0));
      return loaded;
    })());

  let saving: Promise<void> | undefined;
  let dirty = false;
  /** Writes the state; calls during a write share the next one. */
  const persist = async (): Promise<void> => {
    const s = await load();
    dirty = true;
    saving ??= (async () => {
      try {
        while (dirty) {
          dirty = false;
          await storage.set(key, { v: 1, ...s });
        }
      } finally {
        saving = undefined;
      }
    })();
    return saving;
  };

  /** The current reader, without waiting on the network: a token not at hand within 50 ms counts as unknown. */
  const reader = async (): Promise<string | undefined> => {
    let timeout: ReturnType<typeof setTimeout> | undefined;
    try {
      const token = await Promise.race([
        link ? link.token() : null,
        new Promise<null>((resolve) => {
          timeout = setTimeout(() => resolve(null), 50);
        }),
      ]);
      return subject(token);
    } catch {
      return undefined;
    } finally {
      clearTimeout(timeout);
    }
  };

  /** Queued changes the current reader may see (theirs, and unattributed ones). */
  const mine = async (): Promise<ReadingChange[]> => {
    const [s, user] = await Promise.all([load(), reader()]);
    return s.entries.filter((e) => !e.user || e.user === user).map((e) => e.change);
  };

  /**
   * One entry per reader and row, the latest (changes are whole rows, so it says everything the
   * older ones did), except entries in flight, whose removal must not take a newer write with it.
   */
  const compact = (entries: Entry[]): Entry[] => {
    const seen = new Set<string>();
    const kept: Entry[] = [];
    for (let i = entries.length - 1; i >= 0; i--) {
      const e = entries[i] as Entry;
      const k = `${e.user ?? ''} ${rowKey(e.change)}`;
      if (inflight.has(e) || !seen.has(k)) kept.push(e);
      seen.add(k);
    }
    return kept.reverse();
  };

  const remember = (change: ReadingChange) => {
    if (change.op !== 'progress.save') known.set(change.id, change);
  };
  const rememberRows = (rows: ReadingChanges['annotations'] | Annotation[]) => {
    for (const r of rows) {
      const base = { id: r.id, bookId: r.bookId, deviceId: r.deviceId, deviceUpdatedAt: r.deviceUpdatedAt };
      remember(
        r.deletedAt
          ? { ...base, op: 'annotation.delete' }
          : {
              ...base,
              op: 'annotation.upsert',
              kind: r.kind,
              locator: r.locator,
              selectedText: r.selectedText,
              note: r.note,
              color: r.color,
            },
      );
    }
  };

  const report = (event: ({ type: 'conflict' } & SyncConflict) | ({ type: 'rejected' } & SyncRejection)) => {
    const { type, ...detail } = event;
    const handler = type === 'conflict' ? options.onConflict : options.onRejected;
    if (handler) safely(() => handler(detail as SyncConflict & SyncRejection));
    else if (type === 'rejected' && listeners.size === 0) {
      console.warn(`[coko] the server rejected a queued ${event.change.op}: ${event.error.message}`);
    }
    emit(event);
  };

  const schedule = (delay: number) => {
    // Offline for sure: the `online` event resumes. Backing off: keep the longer wait.
    if (network?.online() === false || (attempt > 0 && timer !== undefined)) return;
    clearTimeout(timer);
    timer = setTimeout(() => {
      timer = undefined;
      flush().catch(() => {});
    }, delay);
    (timer as { unref?: () => void }).unref?.();
  };

  /** One sync at a time; callers arriving meanwhile share the next one. */
  let running: Promise<unknown> = Promise.resolve();
  let queued: Promise<SyncResult> | undefined;
  const flush = (): Promise<SyncResult> => {
    if (!queued) {
      const next = running.then(() => {
        queued = undefined;
        return run();
      });
      queued = next;
      running = next.catch(() => {});
    }
    return queued;
  };

  async function run(): Promise<SyncResult> {
    clearTimeout(timer);
    timer = undefined;
    const s = await load();
    update({ syncing: true });
    try {
      if (!link)
        throw new CokoError('Pass the queue to createCoko({ offline }) before syncing', {
          details: { reason: 'NOT_CONNECTED' },
        });
      const token = await link.token();
      if (!token) throw new AuthenticationError('Reading sync needs a signed-in reader');
      const user = subject(token);
      const slot = user ?? '';
      const changes = noChanges();
      let pushed = 0;
      let more: boolean;
      do {
        for (const e of s.entries) e.user ??= user;
        const batch = s.entries.filter((e) => e.user === user).slice(0, batchSize);
        for (const e of batch) inflight.add(e);
        const response = await link.send(
          batch.map((e) => e.change),
          s.checkpoints[slot] ?? 0,
        );
        const page = addFeed(noChanges(), response.changes);
        for (const result of response.results) {
          const change = batch[result.index]?.change;
          if (!change || result.status === 'applied') continue;
          if (result.status === 'stale') {
            const rows: { id?: string; bookId: string }[] =
              change.op === 'progress.save' ? page.progress : change.op[0] === 'a' ? page.annotations : page.sessions;
            const current = rows.find((r) =>
              change.op === 'progress.save' ? r.bookId === change.bookId : r.id === change.id,
            ) as SyncConflict['current'];
            report({ type: 'conflict', change, current });
          } else {
            const error = new ValidationError(result.error ?? 'Rejected by the server', {
              details: { reason: 'SYNC_REJECTED', op: change.op, index: result.index },
            });
            report({ type: 'rejected', change, error });
          }
        }
        s.entries = s.entries.filter((e) => !inflight.has(e));
        inflight.clear();
        s.checkpoints[slot] = response.checkpoint;
        pushed += batch.length;
        addFeed(changes, response.changes);
        rememberRows(page.annotations);
        await persist();
        update({ pending: s.entries.length });
        more = response.hasMore === true || (batch.length === batchSize && s.entries.some((e) => e.user === user));
      } while (more);
      attempt = 0;
      const result: SyncResult = { changes, checkpoint: s.checkpoints[slot] ?? 0, pushed };
      update({ syncing: false, online: true, lastSyncedAt: Date.now(), lastError: null });
      emit({ type: 'synced', result });
      return result;
    } catch (thrown) {
      inflight.clear();
      // A write superseded while its request was failing goes no more (nor reports itself stale).
      s.entries = compact(s.entries);
      update({ pending: s.entries.length });
      const error = syncError(thrown);
      update({ syncing: false, lastError: error, ...(error instanceof NetworkError ? { online: false } : {}) });
      // Anything else (signed out, a call refused as a whole) keeps the writes queued and waits
      // for the next write, `online` event or sync(): retrying alone would fail the same way.
      if (transient(error)) {
        const wait = backoff(attempt++, retryDelay, maxRetryDelay);
        const after = error instanceof RateLimitError && error.retryAfter ? error.retryAfter * 1000 : 0;
        schedule(Math.max(wait, after));
      }
      throw error;
    }
  }

  return {
    connect(next) {
      link = next;
    },
    async push(draft: ReadingChangeDraft) {
      const s = await load();
      const user = await reader();
      const change = { ...draft, deviceId: draft.deviceId ?? s.device } as ReadingChange;
      const entry: Entry = user ? { change, user } : { change };
      s.entries = compact([...s.entries, entry]);
      if (change.op === 'session.upsert') {
        if (change.endedAt) delete s.open[change.id];
        else s.open[change.id] = change;
      }
      remember(change);
      update({ pending: s.entries.length });
      try {
        await persist();
      } catch (error) {
        // Not stored: the caller is told, and nothing is sent behind its back.
        s.entries = s.entries.filter((e) => e !== entry);
        update({ pending: s.entries.length, lastError: storageError(error) });
        throw error;
      }
      schedule(flushDelay);
    },
    sync: flush,
    async known(id) {
      const s = await load();
      for (let i = s.entries.length - 1; i >= 0; i--) {
        const { change } = s.entries[i] as Entry;
        if (change.op !== 'progress.save' && change.id === id) return change;
      }
      return s.open[id] ?? known.get(id);
    },
    async progress(bookId, server): Promise<ReadingProgress | null> {
      let result = server;
      for (const c of await mine()) {
        if (c.op !== 'progress.save' || c.bookId !== bookId || !newer(c, result)) continue;
        const total = Math.min(Math.max(c.locator.locations.totalProgression, 0), 1);
        result = {
          bookId,
          locator: c.locator,
          percentage: Math.round(total * 10_000) / 100,
          deviceId: c.deviceId,
          deviceUpdatedAt: c.deviceUpdatedAt,
          finishedAt: server?.finishedAt ?? null,
          updatedAt: c.deviceUpdatedAt,
        };
      }
      return result;
    },
    async annotations(bookId, rows, includeDeleted) {
      rememberRows(rows);
      const byId = new Map<string, Annotation>(rows.map((r) => [r.id, r]));
      for (const c of await mine()) {
        if (c.bookId !== bookId || (c.op !== 'annotation.upsert' && c.op !== 'annotation.delete')) continue;
        const row = byId.get(c.id);
        if (!newer(c, row)) continue;
        const at = c.deviceUpdatedAt;
        if (c.op === 'annotation.delete') {
          if (row) byId.set(c.id, { ...row, deletedAt: at, deviceId: c.deviceId, deviceUpdatedAt: at });
          continue;
        }
        byId.set(c.id, annotationFrom(c, row?.createdAt));
      }
      return [...byId.values()].filter((r) => includeDeleted || !r.deletedAt);
    },
    status: () => status,
    subscribe(listener) {
      listeners.add(listener);
      void load();
      return () => {
        listeners.delete(listener);
      };
    },
    async clear() {
      const s = await load();
      s.entries = [];
      s.checkpoints = {};
      s.open = {};
      known.clear();
      await persist();
      update({ pending: 0 });
    },
    close() {
      clearTimeout(timer);
      timer = undefined;
      unwatch?.();
      unwatch = undefined;
      listeners.clear();
    },
  };
}

/** A storage failure (quota, private mode, no IndexedDB …) as a `CokoError`. */
function storageError(error: unknown): CokoError {
  if (isCokoError(error)) return error;
  return new CokoError(error instanceof Error ? error.message : String(error), {
    details: { reason: 'STORAGE_ERROR' },
    cause: error,
  });
}

/** What a sync threw as a `CokoError`: the transport's already are; a chunk that failed to load is the network. */
const syncError = (error: unknown): CokoError =>
  error instanceof TypeError ? networkError(error) : storageError(error);
