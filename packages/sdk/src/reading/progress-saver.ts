import type { Locator, ReadingProgress } from './types';

/** One recorded position: `at` is when the reader got there (the write's `deviceUpdatedAt`), not when it is sent. */
export interface ProgressSave {
  bookId: string;
  locator: Locator;
  at: Date;
}

/** Debounced progress writes (see `createProgressSaver`). */
export interface ProgressSaver {
  /** Records the position now and writes it after `debounceMs` without a newer `save`. */
  save(bookId: string, locator: Locator): ProgressSave;
  /** Writes the pending save now (book changed, page hidden, reader closed). */
  flush(): void;
}

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
 * Page turns come in bursts: each `save()` replaces the pending position and restarts the timer,
 * so a burst is one `write` (typically `coko.reading.saveProgress(s.bookId, s.locator,
 * { deviceUpdatedAt: s.at })`). UI bindings (`@coko/react`'s `useReadingProgress`) call `flush()`
 * when the book changes or the page is hidden.
 *
 * @example
 * ```ts
 * const saver = createProgressSaver((s) => coko.reading.saveProgress(s.bookId, s.locator, { deviceUpdatedAt: s.at }))
 * reader.on('relocate', (locator) => saver.save(bookId, locator))
 * ```
 */
export function createProgressSaver(write: (save: ProgressSave) => void, debounceMs = 2000): ProgressSaver {
  let pending: ProgressSave | null = null;
  let timer: ReturnType<typeof setTimeout> | undefined;
  const flush = () => {
    clearTimeout(timer);
    const next = pending;
    pending = null;
    if (next) write(next);
  };
  return {
    save(bookId, locator) {
      const next = { bookId, locator, at: new Date() };
      pending = next;
      clearTimeout(timer);
      timer = setTimeout(flush, debounceMs);
      return next;
    },
    flush,
  };
}
