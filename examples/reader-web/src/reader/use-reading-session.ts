import { useCoko } from '@coko/react';
import { useEffect, useRef } from 'react';

/**
 * Records a reading session while the book is open (the reading statistics count its minutes):
 * started once the book shows, ended when the reader leaves it or hides the tab, then started
 * again when the tab comes back. `progression()` and `pagesRead()` are read at each end.
 */
export function useReadingSession(
  bookId: string,
  open: boolean,
  progression: () => number,
  pagesRead: () => number,
): void {
  const coko = useCoko();
  const read = useRef({ progression, pagesRead });
  read.current = { progression, pagesRead };

  useEffect(() => {
    if (!open) return;
    let session: Promise<string | null> | null = null;
    const start = () => {
      session ??= coko.reading.sessions
        .start(bookId, { deviceType: 'web', startProgression: read.current.progression() })
        .then(
          (started) => started.id,
          () => null, // statistics are a bonus: reading goes on without them
        );
    };
    const end = () => {
      const ending = session;
      session = null;
      void ending?.then((id) =>
        id
          ? coko.reading.sessions
              .end(id, { endProgression: read.current.progression(), pagesRead: read.current.pagesRead() })
              .catch(() => {})
          : undefined,
      );
    };
    const onVisibility = () => (document.visibilityState === 'hidden' ? end() : start());
    start();
    document.addEventListener('visibilitychange', onVisibility);
    return () => {
      document.removeEventListener('visibilitychange', onVisibility);
      end();
    };
  }, [coko, bookId, open]);
}
