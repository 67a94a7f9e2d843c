import { useAnnotations, useReadingProgress } from '@coko/react';
import type { Locator as CokoLocator } from '@coko/sdk';
import { EpubNavigator, type EpubNavigatorListeners } from '@readium/navigator';
import type { Locator, Publication } from '@readium/shared';
import { useCallback, useEffect, useRef, useState } from 'react';
import { Annotations } from './Annotations';
import { selectedText, toCokoLocator, toReadiumLocator } from './locators';
import { chapterPositions, openPublication, PublicationError } from './publication';
import { useReadingSession } from './use-reading-session';

/** Arrow keys turn pages, in the app and inside the book's frames (Readium relays them by key code). */
const PAGE_KEYS = [
  { type: 'coko:previous-page', keyCombos: [{ keyCode: 37 }] },
  { type: 'coko:next-page', keyCombos: [{ keyCode: 39 }] },
];

/**
 * A book, from the Readium Web Publication manifest at `manifestUrl`, opened where the reader left
 * it (the reading API's saved locator) and saving the position as pages turn.
 */
export function Reader({ bookId, manifestUrl }: { bookId: string; manifestUrl: string }) {
  const progress = useReadingProgress(bookId);
  if (progress.isPending) return <p className="status">Chargement de votre position…</p>;
  // Without the saved position (offline, server error) the book still opens, at its start.
  return <EpubView bookId={bookId} manifestUrl={manifestUrl} initial={progress.locator} onMove={progress.save} />;
}

interface EpubViewProps {
  bookId: string;
  manifestUrl: string;
  initial: CokoLocator | null;
  onMove: (locator: CokoLocator) => void;
}

function EpubView({ bookId, manifestUrl, initial, onMove }: EpubViewProps) {
  const container = useRef<HTMLDivElement>(null);
  const [navigator, setNavigator] = useState<EpubNavigator | null>(null);
  const [position, setPosition] = useState<CokoLocator | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const { data: annotations = [], create } = useAnnotations(bookId);
  // Read when the book opens, not a reason to reopen it: later saves come from this view.
  const opening = useRef({ initial, onMove });
  opening.current.onMove = onMove;
  const pagesRead = useRef(0);
  const positionRef = useRef(position);
  positionRef.current = position;
  // The open navigator, for the arrow keys' listener (set up before the navigator exists).
  const navigatorRef = useRef<EpubNavigator | null>(null);
  const turn = useCallback((forward: boolean) => {
    if (forward) pagesRead.current += 1;
    navigatorRef.current?.[forward ? 'goForward' : 'goBackward'](true, () => {});
  }, []);

  useEffect(() => {
    const element = container.current;
    if (!element) return;
    const abort = new AbortController();
    let opened: EpubNavigator | null = null;
    const listeners = (publication: Publication): EpubNavigatorListeners => ({
      frameLoaded: () => {},
      positionChanged: (locator: Locator) => {
        const saved = toCokoLocator(locator, publication, manifestUrl);
        setPosition(saved);
        opening.current.onMove(saved);
      },
      tap: () => false,
      click: () => false,
      zoom: () => {},
      miscPointer: () => {},
      scroll: () => {},
      customEvent: () => {},
      // Links out of the book (http, mailto) are not followed inside the reader.
      handleLocator: () => false,
      textSelected: () => {},
      contentProtection: () => {},
      contextMenu: () => {},
      peripheral: (data) => {
        if (data.type === 'coko:next-page') turn(true);
        else if (data.type === 'coko:previous-page') turn(false);
      },
    });
    openPublication(manifestUrl, abort.signal)
      .then(async (publication) => {
        if (abort.signal.aborted) return;
        const start = opening.current.initial
          ? toReadiumLocator(opening.current.initial, publication, manifestUrl)
          : undefined;
        opened = new EpubNavigator(element, publication, listeners(publication), chapterPositions(publication), start, {
          preferences: {},
          defaults: {},
          keyboardPeripherals: PAGE_KEYS,
        });
        await opened.load();
        if (abort.signal.aborted) return;
        navigatorRef.current = opened;
        setNavigator(opened);
        setPosition(toCokoLocator(opened.currentLocator, publication, manifestUrl));
      })
      .catch((failure: unknown) => {
        if (abort.signal.aborted) return;
        setError(failure instanceof PublicationError ? failure.message : 'Le livre ne s’ouvre pas.');
      });
    return () => {
      abort.abort();
      navigatorRef.current = null;
      setNavigator(null);
      void opened?.destroy();
    };
  }, [manifestUrl, turn]);

  useReadingSession(
    bookId,
    navigator !== null,
    () => positionRef.current?.locations.totalProgression ?? 0,
    () => pagesRead.current,
  );

  const highlight = () => {
    const frames = navigator?._cframes ?? [];
    const text = frames.map((frame) => (frame ? selectedText(frame.window) : null)).find(Boolean);
    if (!position || !text) {
      setNotice('Sélectionnez d’abord un passage du texte.');
      return;
    }
    create({ kind: 'highlight', locator: { ...position, text }, selectedText: text.highlight });
    for (const frame of frames) frame?.window.getSelection()?.removeAllRanges();
    setNotice(null);
  };

  if (error) {
    return (
      <p className="notice" role="alert">
        {error}
      </p>
    );
  }
  return (
    <div className="reader">
      <div className="reader-bar">
        <button type="button" onClick={() => turn(false)} disabled={!navigator}>
          ← Page précédente
        </button>
        <p className="reader-position" aria-live="polite">
          {position && navigator ? describe(position, navigator.publication.readingOrder.items.length) : 'Ouverture…'}
        </p>
        <button type="button" onClick={() => turn(true)} disabled={!navigator}>
          Page suivante →
        </button>
      </div>
      <div ref={container} className="reader-frames" aria-label="Texte du livre" role="document" />
      <div className="reader-tools">
        <button type="button" onClick={highlight} disabled={!navigator}>
          Surligner la sélection
        </button>
        {notice && <p className="status">{notice}</p>}
      </div>
      <Annotations annotations={annotations} />
    </div>
  );
}

const percent = new Intl.NumberFormat('fr-SN', { style: 'percent' });

/** "Chapitre 2 sur 3 · 45 %": where the reader is, for a screen or a screen reader. */
function describe(locator: CokoLocator, chapters: number): string {
  const chapter = locator.locations.position ?? 1;
  return `Chapitre ${chapter} sur ${chapters} · ${percent.format(locator.locations.totalProgression)}`;
}
