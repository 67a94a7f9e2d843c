import { useSyncExternalStore } from 'react';

/**
 * The pages: the catalog (`#/`), a book (`#/livres/<id>`), reading it (`#/livres/<id>/lire`), the
 * sign-in (`#/connexion`), the reader's activity (`#/activite`), their profile (`#/profil`), their notifications (`#/notifications`), reading groups (`#/groupes`) and a
 * group (`#/groupes/<id>`). Hash routes need no server setup.
 */
export type Route =
  | { page: 'catalog' }
  | { page: 'book'; id: string }
  | { page: 'read'; id: string }
  | { page: 'sign-in' }
  | { page: 'activity' }
  | { page: 'profile' }
  | { page: 'inbox' }
  | { page: 'groups' }
  | { page: 'group'; id: string };

function parse(hash: string): Route {
  const book = /^#\/livres\/([^/?#]+)(\/lire)?$/.exec(hash);
  if (book?.[1]) return { page: book[2] ? 'read' : 'book', id: decodeURIComponent(book[1]) };
  if (hash === signInHref) return { page: 'sign-in' };
  if (hash === activityHref) return { page: 'activity' };
  if (hash === profileHref) return { page: 'profile' };
  if (hash === inboxHref) return { page: 'inbox' };
  if (hash === groupsHref) return { page: 'groups' };
  const group = /^#\/groupes\/([^/?#]+)$/.exec(hash);
  if (group?.[1]) return { page: 'group', id: decodeURIComponent(group[1]) };
  return { page: 'catalog' };
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
export const readHref = (id: string) => `${bookHref(id)}/lire`;
export const catalogHref = '#/';
export const signInHref = '#/connexion';
export const activityHref = '#/activite';
export const groupsHref = '#/groupes';
export const groupHref = (id: string) => `${groupsHref}/${encodeURIComponent(id)}`;
export const profileHref = '#/profil';
export const inboxHref = '#/notifications';
