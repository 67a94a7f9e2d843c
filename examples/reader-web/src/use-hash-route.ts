import { useSyncExternalStore } from 'react';

/** The two pages: the catalog (`#/`) and a book (`#/livres/<id>`). Hash routes need no server setup. */
export type Route = { page: 'catalog' } | { page: 'book'; id: string };

function parse(hash: string): Route {
  const match = /^#\/livres\/([^/?#]+)$/.exec(hash);
  return match?.[1] ? { page: 'book', id: decodeURIComponent(match[1]) } : { page: 'catalog' };
}

const subscribe = (onChange: () => void) => {
  window.addEventListener('hashchange', onChange);
  return () => window.removeEventListener('hashchange', onChange);
};

export function useHashRoute(): Route {
  const hash = useSyncExternalStore(subscribe, () => window.location.hash);
  return parse(hash);
}

export const bookHref = (id: string) => `#/livres/${encodeURIComponent(id)}`;
export const catalogHref = '#/';
