import type { CokoError } from '../core/errors';

/**
 * A position in a book, in the Readium locator shape (docs/CONTRACT-reading.md). `href` names the
 * resource (≤ 2048 characters), `locations.progression` is the position inside it and
 * `locations.totalProgression` inside the whole book (both 0..1). Text parts ≤ 2000 characters.
 */
export interface Locator {
  href: string;
  /** Media type of the resource, e.g. `application/xhtml+xml`. */
  type: string;
  title?: string | undefined;
  locations: {
    progression: number;
    totalProgression: number;
    /** 1-based position (Readium's "page"). */
    position?: number | undefined;
    fragments?: string[] | undefined;
  };
  text?: { before?: string | undefined; highlight?: string | undefined; after?: string | undefined } | undefined;
}

/** What an annotation is. */
export type AnnotationKind = 'highlight' | 'note' | 'bookmark';

/** The kind of device a reading session ran on. */
export type DeviceType = 'web' | 'android' | 'ios' | 'other';

/**
 * A `reading_progress` row with its keys in camelCase (as `reading.sync()` returns it): where the
 * reader is in one book.
 */
export interface ReadingProgressRow {
  userId: string;
  bookId: string;
  locator: Locator;
  /** `locations.totalProgression` as a percentage, 0..100. */
  percentage: number;
  deviceId: string;
  deviceUpdatedAt: string;
  /** When the reader first reached 99 %, or `null`. */
  finishedAt: string | null;
  /** Internal sync order (the checkpoint `sync()` pulls from). */
  changeSeq: number;
  createdAt: string;
  updatedAt: string;
}

/**
 * An `annotations` row with its keys in camelCase (a tombstone when `deletedAt` is set: text
 * erased, kept so other devices learn of the deletion).
 */
export interface AnnotationRow {
  id: string;
  userId: string;
  bookId: string;
  kind: AnnotationKind;
  locator: Locator;
  selectedText: string | null;
  note: string | null;
  /** `#rrggbb`. */
  color: string;
  deviceId: string;
  deviceUpdatedAt: string;
  deletedAt: string | null;
  changeSeq: number;
  createdAt: string;
  updatedAt: string;
}

/** A `reading_sessions` row with its keys in camelCase. */
export interface ReadingSessionRow {
  id: string;
  userId: string;
  bookId: string;
  deviceType: DeviceType;
  deviceId: string;
  startedAt: string;
  endedAt: string | null;
  startProgression: number | null;
  endProgression: number | null;
  pagesRead: number;
  changeSeq: number;
  createdAt: string;
  updatedAt: string;
}

/** The reader's progress in a book, as `reading.getProgress()` returns it. */
export type ReadingProgress = Pick<
  ReadingProgressRow,
  'bookId' | 'locator' | 'percentage' | 'deviceId' | 'deviceUpdatedAt' | 'finishedAt' | 'updatedAt'
>;

/** An annotation as `reading.annotations.list()` and `create()` return it. */
export type Annotation = Omit<AnnotationRow, 'userId' | 'changeSeq'>;

/** A reading session as `reading.sessions.start()` returns it. */
export type ReadingSession = Pick<
  ReadingSessionRow,
  'id' | 'bookId' | 'startedAt' | 'startProgression' | 'deviceType' | 'deviceId'
>;

/** Options of every reading write. */
export interface WriteOptions {
  /** This device's id (≤ 64 characters). Default: the client's `deviceId`. */
  deviceId?: string;
  /**
   * When the reader acted, by the device's clock. Default: now (the time of the call, not of the
   * upload). Last-writer-wins compares these, so a write queued offline keeps its place in time.
   */
  deviceUpdatedAt?: Date;
  signal?: AbortSignal;
  /**
   * Send with `fetch`'s `keepalive`, so the write completes even if the page is closed meanwhile
   * (the progress saver's flush when the page is hidden). Without the offline queue only (the queue
   * stores the write on the device first). Default `false`.
   */
  keepalive?: boolean;
}

/** Input of `reading.annotations.create()`. */
export interface NewAnnotation {
  /** Client-generated id (a UUID). Default: `crypto.randomUUID()`. Retries reuse it, so they never duplicate. */
  id?: string;
  bookId: string;
  kind: AnnotationKind;
  locator: Locator;
  /** ≤ 10000 characters. */
  selectedText?: string | null;
  /** ≤ 10000 characters. */
  note?: string | null;
  /** `#rrggbb`. Default `#ffd54f`. */
  color?: string;
}

/** Fields `reading.annotations.update()` may change. */
export type AnnotationPatch = Partial<Pick<NewAnnotation, 'kind' | 'locator' | 'selectedText' | 'note' | 'color'>>;

/** Input of `reading.sessions.start()`. */
export interface SessionStart {
  deviceType: DeviceType;
  /** `locations.totalProgression` when the session started (0..1). */
  startProgression: number;
}

/** Input of `reading.sessions.end()`. */
export interface SessionEnd {
  endProgression: number;
  pagesRead: number;
}

/** Range of `reading.stats()`: dates as `YYYY-MM-DD`, inclusive. */
export interface StatsRange {
  from: string;
  to: string;
  /** IANA time zone that decides what a "day" is. Default: the device's, else the server's (`Africa/Dakar`). */
  tz?: string;
}

/** Parameters of `reading.notes.markdown()` / `.pdf()`. */
export interface NotesExportParams {
  /** Language of labels and dates. Default: the reader's profile language, else French. */
  lang?: 'fr' | 'en';
  /** IANA time zone of the dates shown. Default `Africa/Dakar`. */
  tz?: string;
}

/** Result of `reading.stats()` (the `reading_stats` RPC). */
export interface ReadingStats {
  minutesPerDay: { date: string; minutes: number }[];
  currentStreak: number;
  longestStreak: number;
  booksStarted: number;
  booksFinished: number;
  pagesThisWeek: number;
}

interface ChangeBase {
  bookId: string;
  deviceId: string;
  /** ISO timestamp of the reader's action (device clock). */
  deviceUpdatedAt: string;
}

/** One write, as `sync_reading` applies it (and as the offline queue stores it): whole rows, never patches. */
export type ReadingChange =
  | (ChangeBase & { op: 'progress.save'; locator: Locator })
  | (ChangeBase & {
      op: 'annotation.upsert';
      id: string;
      kind: AnnotationKind;
      locator: Locator;
      selectedText?: string | null | undefined;
      note?: string | null | undefined;
      color?: string | undefined;
    })
  | (ChangeBase & { op: 'annotation.delete'; id: string })
  | (ChangeBase & {
      op: 'session.upsert';
      id: string;
      startedAt: string;
      deviceType?: DeviceType | undefined;
      endedAt?: string | null | undefined;
      startProgression?: number | null | undefined;
      endProgression?: number | null | undefined;
      pagesRead?: number | undefined;
    });

/** A change before the device id is filled in (the queue uses its stored id when none is given). */
export type ReadingChangeDraft = Draft<ReadingChange>;
type Draft<C> = C extends ReadingChange ? Omit<C, 'deviceId'> & { deviceId?: string | undefined } : never;

/**
 * Everything of the reader's that changed since a checkpoint, from other devices (tombstoned
 * annotations included), as rows without `userId`.
 */
export interface ReadingChanges {
  progress: Omit<ReadingProgressRow, 'userId'>[];
  annotations: Omit<AnnotationRow, 'userId'>[];
  sessions: Omit<ReadingSessionRow, 'userId'>[];
}

/** The `sync_reading` RPC's answer (its feed rows are already camelCase, as the SDK returns them). */
export interface SyncResponse {
  results: { index: number; status: 'applied' | 'stale' | 'rejected'; error?: string }[];
  changes: Partial<ReadingChanges>;
  checkpoint: number;
  /** More than 1000 rows changed: call again from `checkpoint`. */
  hasMore?: boolean;
}

/** Result of `reading.sync()`. */
export interface SyncResult {
  /** Rows changed on the server since the last sync (by any device), to merge into local state. */
  changes: ReadingChanges;
  /** The new checkpoint (stored; the next sync pulls from there). */
  checkpoint: number;
  /** How many queued writes this sync sent. */
  pushed: number;
}

/** `reading.syncStatus()`. */
export interface SyncStatus {
  /** False while the device is offline (browser events) or the last attempt failed for lack of network. */
  online: boolean;
  /** Writes waiting in the offline queue. */
  pending: number;
  /** A sync request is in flight. */
  syncing: boolean;
  /** When the last sync succeeded (ms since epoch), or `null`. */
  lastSyncedAt: number | null;
  /** The last sync's error (cleared by the next success), or `null`. */
  lastError: CokoError | null;
}

/** A queued write the server did not apply because a newer one won (last-writer-wins). */
export interface SyncConflict {
  change: ReadingChange;
  /** The winning row, when the same sync pulled it. */
  current?: ReadingChanges[keyof ReadingChanges][number] | undefined;
}

/** A queued write the server refused (invalid, or not allowed); it is dropped from the queue. */
export interface SyncRejection {
  change: ReadingChange;
  error: CokoError;
}

/** What `reading.subscribe()` listeners receive. */
export type ReadingEvent =
  | { type: 'status'; status: SyncStatus }
  | { type: 'synced'; result: SyncResult }
  | ({ type: 'conflict' } & SyncConflict)
  | ({ type: 'rejected' } & SyncRejection);

/** How the offline queue reaches the server; handed over by `createCoko`. */
export interface QueueLink {
  /** Calls `sync_reading(changes, since)`. */
  send(changes: ReadingChange[], since: number): Promise<SyncResponse>;
  /** The current access token (`null`: guest), to keep each reader's writes apart. */
  token(): Promise<string | null>;
}

/**
 * A write queue the reading namespace can use (`createCoko({ offline })`); `createOfflineQueue`
 * from `@coko/sdk/offline` makes one.
 */
export interface ReadingQueue {
  connect(link: QueueLink): void;
  /** Stores the change durably (resolves once stored) and schedules a flush. */
  push(change: ReadingChangeDraft): Promise<void>;
  sync(): Promise<SyncResult>;
  /**
   * The latest whole version this device knows of an annotation or session (queued, read, or
   * pulled), on which `update()` and `sessions.end()` build their change.
   */
  known(id: string): Promise<ReadingChange | undefined>;
  /** `progress` read from the server, or this book's newer queued progress (read-your-writes). */
  progress(bookId: string, server: ReadingProgress | null): Promise<ReadingProgress | null>;
  /** `rows` read from the server with this book's queued annotation writes applied on top. */
  annotations(bookId: string, rows: Annotation[], includeDeleted: boolean): Promise<Annotation[]>;
  status(): SyncStatus;
  subscribe(listener: (event: ReadingEvent) => void): () => void;
}

/** Options `createCoko()` takes for the reading namespace. */
export interface ReadingOptions {
  /**
   * Queue writes durably and sync them in batches (see `@coko/sdk/offline`). Without it, each
   * write is sent at once and rejects when the network fails.
   */
  offline?: ReadingQueue;
  /** This device's id (≤ 64 characters) for every write. Default: generated (and stored by the offline queue). */
  deviceId?: string;
}
