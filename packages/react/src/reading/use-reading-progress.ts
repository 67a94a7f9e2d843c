'use client';

import type { CokoError, Locator, ReadingProgress } from '@coko/sdk';
import {
  createProgressSaver,
  isNewerProgress as isNewer,
  optimisticProgress as optimistic,
  PROGRESS_WINDOW_MS,
  type ProgressSave,
} from '@coko/sdk/progress';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { cokoKeys } from '../query-keys';
import type { CokoQueryOptions } from '../types';
import { useCoko } from '../use-coko';
import { readingProgressQueryOptions } from './options';

/** A save as the hook writes it: `keepalive` when flushed because the page is hidden. */
type Save = ProgressSave & { keepalive?: boolean | undefined };

/** Options of `useReadingProgress`: TanStack Query options plus the save window. */
export interface UseReadingProgressOptions extends CokoQueryOptions<ReadingProgress | null> {
  /**
   * Saves within this many ms of the first unsent one are written as one (the latest position), in ms.
   * Default `180000`; a write also goes as soon as `savesPerWrite` saves are pending. Fewer, lighter
   * requests; at most that much reading is unsaved if the app dies (the page being hidden, the book
   * changing and unmounting write at once).
   */
  windowMs?: number;
  /** Pending saves that are written at once, without waiting for the window. Default `3`: every third page. */
  savesPerWrite?: number;
  /** @deprecated The former name of `windowMs`. */
  debounceMs?: number;
}

/**
 * The reader's position in a book, saved as they read. `save(locator)` shows the new position at
 * once (optimistic: `locator` and the cached progress change immediately) and writes it after
 * `windowMs` (3 minutes) from the first unsent save or at the third pending one (`savesPerWrite`), so a
 * burst of page turns, or the pages read in a window, are one write (the latest position); with the SDK's offline
 * queue that write is stored on the device first and synced later. Pending saves are written
 * right away when the book changes, the component unmounts or the page is hidden. Progress other
 * devices save arrives with each sync.
 *
 * @example
 * ```tsx
 * const { locator, save, isPending } = useReadingProgress(bookId)
 * if (isPending) return <Spinner />
 * return <Reader initialLocator={locator} onLocationChange={save} />
 * ```
 */
export function useReadingProgress(bookId: string | null | undefined, options: UseReadingProgressOptions = {}) {
  const client = useCoko();
  const queryClient = useQueryClient();
  const { windowMs: window, debounceMs, savesPerWrite, ...queryOptions } = options;
  const windowMs = window ?? debounceMs ?? PROGRESS_WINDOW_MS;
  const query = useQuery({
    ...readingProgressQueryOptions(client, bookId ?? ''),
    ...queryOptions,
    enabled: bookId ? (queryOptions.enabled ?? true) : false,
  });

  // The last save, as state: `locator` changes in the same render as `save()`.
  const [last, setLast] = useState<Save | null>(null);

  const mutation = useMutation<void, CokoError, Save>({
    // Writes go to the SDK (and its offline queue) even while TanStack Query thinks it is offline.
    networkMode: 'always',
    mutationFn: (s) =>
      client.reading.saveProgress(s.bookId, s.locator, {
        deviceUpdatedAt: s.at,
        ...(s.keepalive && { keepalive: true }),
      }),
    // A refetch during the window may have brought back an older position.
    onSuccess: (_, s) => {
      queryClient.setQueryData<ReadingProgress | null>(cokoKeys.reading.progress(s.bookId), (old) =>
        isNewer(s.at, old) ? optimistic(s, old) : old,
      );
    },
    // Not saved: show what the server has.
    onError: (_, s) => {
      // `s` may be a copy (with `keepalive`): its `at` is the same Date as the save's.
      setLast((current) => (current?.at === s.at ? null : current));
      return queryClient.invalidateQueries({ queryKey: cokoKeys.reading.progress(s.bookId) });
    },
  });
  const { mutate } = mutation;

  // The window lives in the SDK (createProgressSaver); one saver per window, writing through the
  // latest mutation.
  const write = useRef(mutate);
  write.current = mutate;
  const saver = useMemo(
    () => createProgressSaver((s, { keepalive }) => write.current({ ...s, keepalive }), windowMs, savesPerWrite),
    [windowMs, savesPerWrite],
  );
  const flush = useCallback(() => saver.flush(), [saver]);

  const save = useCallback(
    (locator: Locator) => {
      if (!bookId) return;
      const next = saver.save(bookId, locator);
      setLast(next);
      queryClient.setQueryData<ReadingProgress | null>(cokoKeys.reading.progress(bookId), (old) =>
        optimistic(next, old),
      );
    },
    [bookId, saver, queryClient],
  );

  // Write what is pending when the book changes, on unmount, and when the page is hidden — then
  // with `keepalive`, as the tab may be closed before the write is sent.
  useEffect(() => {
    if (!bookId) return;
    const onHide = () => {
      if (document.visibilityState === 'hidden') saver.flush({ keepalive: true });
    };
    const doc = typeof document === 'undefined' ? undefined : document;
    doc?.addEventListener('visibilitychange', onHide);
    return () => {
      doc?.removeEventListener('visibilitychange', onHide);
      flush();
    };
  }, [bookId, flush, saver]);

  // Progress from other devices (pulled by each sync); a refused or outdated save: refetch.
  useEffect(() => {
    if (!bookId) return;
    const queryKey = cokoKeys.reading.progress(bookId);
    return client.reading.subscribe((event) => {
      if (event.type === 'synced') {
        const row = event.result.changes.progress.filter((r) => r.bookId === bookId).pop();
        if (row) {
          queryClient.setQueryData<ReadingProgress | null>(queryKey, (old) =>
            isNewer(row.deviceUpdatedAt, old) ? row : old,
          );
        }
      } else if (event.type !== 'status' && event.change.op === 'progress.save' && event.change.bookId === bookId) {
        void queryClient.invalidateQueries({ queryKey });
      }
    });
  }, [client, queryClient, bookId]);

  const stored = query.data;
  const mine = last?.bookId === bookId && last && isNewer(last.at, stored) ? last : null;
  return {
    ...query,
    /** The current position: the latest of the last `save()` and the stored one (which another device may have moved), or `null`. */
    locator: mine?.locator ?? stored?.locator ?? null,
    /** Records the reader's position (shown at once, written when its `windowMs` window closes). */
    save,
    /** Writes a pending `save()` now. */
    flush,
    /** A write is in flight. */
    isSaving: mutation.isPending,
    /** The last write's error (without the offline queue, e.g. a network failure), else `null`. */
    saveError: mutation.error,
  };
}
