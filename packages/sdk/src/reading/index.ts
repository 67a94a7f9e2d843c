import { lazyMethods } from '../core/lazy';
import type { RequestOptions, Transport } from '../core/transport';
import type { ReadingContext } from './context';
import type {
  Annotation,
  AnnotationPatch,
  Locator,
  NewAnnotation,
  NotesExportParams,
  ReadingEvent,
  ReadingOptions,
  ReadingProgress,
  ReadingSession,
  ReadingStats,
  SessionEnd,
  SessionStart,
  StatsRange,
  SyncResult,
  SyncStatus,
  WriteOptions,
} from './types';

/**
 * `coko.reading`: the signed-in reader's progress, annotations, sessions and statistics, with
 * offline-first sync. Writes carry the device's clock (`deviceUpdatedAt`); the server keeps the
 * newest per book (progress) or per annotation (last writer wins), so devices converge.
 *
 * Without `createCoko({ offline })`, each write is one request and rejects on failure; with it,
 * writes resolve once stored in the queue and are synced in batches (`@coko/sdk/offline`).
 */
export interface Reading {
  /**
   * Where the reader is in a book, or `null` if they never opened it.
   *
   * @example
   * ```ts
   * const progress = await coko.reading.getProgress(bookId)
   * if (progress) reader.goTo(progress.locator)
   * ```
   */
  getProgress(bookId: string, options?: RequestOptions): Promise<ReadingProgress | null>;

  /**
   * Saves the reader's position (an upsert that sends only the locator and device fields and
   * gets nothing back). An older `deviceUpdatedAt` than the stored one is ignored by the server.
   *
   * @throws `ValidationError` naming the field (e.g. `locator.locations.progression`) before any request.
   *
   * @example
   * ```ts
   * await coko.reading.saveProgress(bookId, {
   *   href: 'chapter-3.xhtml',
   *   type: 'application/xhtml+xml',
   *   locations: { progression: 0.4, totalProgression: 0.37, position: 112 },
   * })
   * ```
   */
  saveProgress(bookId: string, locator: Locator, options?: WriteOptions): Promise<void>;

  annotations: {
    /**
     * The book's annotations, oldest first; tombstones (`deletedAt` set) only with `includeDeleted`.
     *
     * @example
     * ```ts
     * const highlights = (await coko.reading.annotations.list(bookId)).filter((a) => a.kind === 'highlight')
     * ```
     */
    list(bookId: string, params?: { includeDeleted?: boolean }, options?: RequestOptions): Promise<Annotation[]>;
    /**
     * Creates a highlight, note or bookmark with a client-generated id (so a retried create
     * never duplicates) and returns it.
     *
     * @throws `ValidationError` for a bad locator, a `color` other than `#rrggbb`, a `note` or
     *   `selectedText` over 10000 characters.
     *
     * @example
     * ```ts
     * const note = await coko.reading.annotations.create({ bookId, kind: 'note', locator, note: 'À relire', color: '#81c784' })
     * ```
     */
    create(annotation: NewAnnotation, options?: WriteOptions): Promise<Annotation>;
    /**
     * Changes some fields of an annotation.
     *
     * @example
     * ```ts
     * await coko.reading.annotations.update(id, { color: '#e57373' })
     * ```
     */
    update(id: string, patch: AnnotationPatch, options?: WriteOptions): Promise<void>;
    /**
     * Deletes an annotation (a tombstone, so other devices learn of the deletion).
     *
     * @example
     * ```ts
     * await coko.reading.annotations.delete(id)
     * ```
     */
    delete(id: string, options?: WriteOptions): Promise<void>;
  };

  sessions: {
    /**
     * Starts a reading session (client-generated id, started now by the device's clock).
     *
     * @example
     * ```ts
     * const session = await coko.reading.sessions.start(bookId, { deviceType: 'web', startProgression: 0.37 })
     * ```
     */
    start(bookId: string, session: SessionStart, options?: WriteOptions): Promise<ReadingSession>;
    /**
     * Ends a session.
     *
     * @example
     * ```ts
     * await coko.reading.sessions.end(session.id, { endProgression: 0.42, pagesRead: 9 })
     * ```
     */
    end(id: string, session: SessionEnd, options?: WriteOptions): Promise<void>;
  };

  notes: {
    /**
     * The reader's highlights, notes and bookmarks in a book, in reading order, as a Markdown
     * document (`GET /v1/books/{id}/notes.md`).
     *
     * @throws `NotFoundError` when the book does not exist or is not visible to the reader.
     *
     * @example
     * ```ts
     * const markdown = await coko.reading.notes.markdown(bookId, { lang: 'fr' })
     * ```
     */
    markdown(bookId: string, params?: NotesExportParams, options?: RequestOptions): Promise<string>;
    /**
     * The same export as an A4 PDF (`GET /v1/books/{id}/notes.pdf`).
     *
     * @throws `ServerError` with code `NOT_IMPLEMENTED` where the server cannot render PDFs.
     *
     * @example
     * ```ts
     * const url = URL.createObjectURL(await coko.reading.notes.pdf(bookId))
     * ```
     */
    pdf(bookId: string, params?: NotesExportParams, options?: RequestOptions): Promise<Blob>;
  };

  /**
   * Reading statistics over a date range (`YYYY-MM-DD`, inclusive), with days counted in `tz`
   * (default: the device's time zone).
   *
   * @example
   * ```ts
   * const { minutesPerDay, currentStreak } = await coko.reading.stats({ from: '2026-11-01', to: '2026-11-30' })
   * ```
   */
  stats(range: StatsRange, options?: RequestOptions): Promise<ReadingStats>;

  /**
   * One round trip to `sync_reading`: sends the queued writes (with `offline`) and returns every
   * change of the reader's since the last sync, from any device; the checkpoint is kept
   * (stored by the offline queue) for the next call.
   *
   * @example
   * ```ts
   * const { changes } = await coko.reading.sync()
   * for (const row of changes.annotations) upsertLocally(row)
   * ```
   */
  sync(): Promise<SyncResult>;

  /**
   * Snapshot of the sync state (the same object until something changes). Without `offline`:
   * always online, nothing pending.
   */
  syncStatus(): SyncStatus;

  /**
   * Calls `listener` on every status change, completed sync, conflict and rejection. Returns the
   * unsubscribe function.
   *
   * @example
   * ```ts
   * const stop = coko.reading.subscribe((event) => {
   *   if (event.type === 'rejected') toast(`Not saved: ${event.error.message}`)
   * })
   * ```
   */
  subscribe(listener: (event: ReadingEvent) => void): () => void;
}

const IDLE: SyncStatus = { online: true, pending: 0, syncing: false, lastSyncedAt: null, lastError: null };

/**
 * Builds the reading namespace on the shared transport. Its implementation (validation included)
 * is a separate chunk, imported on the first call.
 */
export function createReading(transport: Transport, options: ReadingOptions = {}): Reading {
  const queue = options.offline;
  const ctx: ReadingContext = { rest: transport.rest, api: transport.api, queue, deviceId: options.deviceId };
  const call = lazyMethods(() => import('./methods'), ctx);
  queue?.connect({ send: call('send'), token: () => transport.session.get() });

  return {
    getProgress: call('getProgress'),
    saveProgress: call('saveProgress'),
    annotations: {
      list: call('listAnnotations'),
      create: call('createAnnotation'),
      update: call('updateAnnotation'),
      delete: call('deleteAnnotation'),
    },
    sessions: { start: call('startSession'), end: call('endSession') },
    notes: { markdown: call('notesMarkdown'), pdf: call('notesPdf') },
    stats: call('stats'),
    sync: queue ? () => queue.sync() : call('pull'),
    syncStatus: () => (queue ? queue.status() : IDLE),
    subscribe: (listener) => (queue ? queue.subscribe(listener) : () => {}),
  };
}

export type * from './types';
