import type { Locator, ReadingProgress } from './types';

/** One recorded position: `at` is when the reader got there (the write's `deviceUpdatedAt`), not when it is sent. */
export interface ProgressSave {
  bookId: string;
  locator: Locator;
  at: Date;
}

/** Progress writes coalesced over a window (see `createProgressSaver`). */
export interface ProgressSaver {
  /** Records the position now; it is written when the window the first unsent save opened closes. */
  save(bookId: string, locator: Locator): ProgressSave;
  /**
   * Writes the pending save now (book changed, page hidden, reader closed). With `keepalive` (the page
   * is being hidden, and may be closed next), the write is told so, to send it with `fetch`'s
   * `keepalive` (`saveProgress`'s option of that name).
   */
  flush(options?: FlushOptions): void;
}

/** How a pending save is flushed (see {@link ProgressSaver.flush}). */
export interface FlushOptions {
  keepalive?: boolean;
}

/** Default coalescing window of {@link createProgressSaver}, in ms: 3 minutes. */
export const PROGRESS_WINDOW_MS = 180_000;

/** Default number of saves {@link createProgressSaver} coalesces into one write: every third page. */
export const PROGRESS_SAVES_PER_WRITE = 3;

/** `at` is newer than the stored progress `than` (or nothing is stored). */
export const isNewerProgress = (at: Date | string, than: { deviceUpdatedAt: string } | null | undefined): boolean =>
  !than || new Date(at).getTime() > Date.parse(than.deviceUpdatedAt);

/** The progress row a save leads to, to show until the server's arrives (optimistic UI). */
export function optimisticProgress(save: ProgressSave, old: ReadingProgress | null | undefined): ReadingProgress {
  const at = save.at.toISOString();
  const total = Math.min(Math.max(save.locator.locations.totalProgression, 0), 1);
  return {
    deviceId: '',
    finishedAt: null,
    ...old,
    bookId: save.bookId,
    locator: save.locator,
    percentage: Math.round(total * 10_000) / 100,
    deviceUpdatedAt: at,
    updatedAt: at,
  };
}

/**
 * Coalesces progress saves: the first unsent `save()` opens a window of `windowMs`; later saves only
 * replace the pending position (the latest wins, as on the server), and the latest one is written
 * (typically `coko.reading.saveProgress(s.bookId, s.locator, { deviceUpdatedAt: s.at })`) when the
 * window closes or when `savesPerWrite` saves are pending, whichever comes first. By default that is
 * every third page, or 3 minutes after the first unsent one for a slow reader: one request per three
 * pages at any pace up to a page a minute — what brings a save under 600 B over HTTP/1.1
 * (docs/DECISIONS.md "Bytes per save", "… third round"). The trade-off: the positions not yet written
 * are lost if the app dies — at most two pages, or 3 minutes of reading (with the offline queue too:
 * the write is queued when it is made) — so UI bindings (`@coko/react`'s `useReadingProgress`) call
 * `flush()` when the book changes and the reader closes, and `flush({ keepalive: true })` when the
 * page is hidden (a hidden tab may be closed before its write is sent: `keepalive` lets the browser
 * finish it).
 *
 * @example
 * ```ts
 * const saver = createProgressSaver((s, { keepalive }) =>
 *   coko.reading.saveProgress(s.bookId, s.locator, { deviceUpdatedAt: s.at, keepalive }),
 * )
 * reader.on('relocate', (locator) => saver.save(bookId, locator))
 * document.addEventListener('visibilitychange', () => document.visibilityState === 'hidden' && saver.flush({ keepalive: true }))
 * ```
 */
export function createProgressSaver(
  write: (save: ProgressSave, how: FlushOptions) => void,
  windowMs = PROGRESS_WINDOW_MS,
  savesPerWrite = PROGRESS_SAVES_PER_WRITE,
): ProgressSaver {
  let pending: ProgressSave | null = null;
  let count = 0;
  let timer: ReturnType<typeof setTimeout> | undefined;
  const flush = (how: FlushOptions = {}) => {
    clearTimeout(timer);
    timer = undefined;
    const next = pending;
    pending = null;
    count = 0;
    if (next) write(next, how);
  };
  return {
    save(bookId, locator) {
      // Another book: its window is not this one's, so the other book's position is written first.
      if (pending && pending.bookId !== bookId) flush();
      const next = { bookId, locator, at: new Date() };
      pending = next;
      if (++count >= savesPerWrite) flush();
      else timer ??= setTimeout(() => flush(), windowMs);
      return next;
    },
    flush,
  };
}
