import { CokoProvider } from '@coko/react';
import type { CokoClient } from '@coko/sdk';
import { useQueryClient } from '@tanstack/react-query';
import { lazy, Suspense, useCallback, useEffect, useState } from 'react';
import { ActivityPage } from './ActivityPage';
import { BookPage } from './BookPage';
import { Catalog, type CatalogState } from './Catalog';
import { GroupPage, GroupsPage } from './GroupPage';
import { InboxPage, UnreadBadge } from './InboxPage';
import { ProfilePage } from './ProfilePage';
import { forgetReturnedOrder, OrderOutcome, returnedOrderId } from './payments/OrderOutcome';
import { SignIn } from './SignIn';
import { type Session, useSignedInReader } from './session';
import {
  activityHref,
  catalogHref,
  groupsHref,
  inboxHref,
  profileHref,
  signInHref,
  useHashRoute,
} from './use-hash-route';

// Readium's navigator is most of the app's weight: downloaded only when a book is opened, so the
// catalog stays light on slow and costly links.
const ReaderPage = lazy(() => import('./reader/ReaderPage').then(({ ReaderPage }) => ({ default: ReaderPage })));

/** `session`: sign-in through the partner backend; `null` when the app runs without one (guests only). */
export function App({ client, session }: { client: CokoClient; session: Session | null }) {
  const route = useHashRoute();
  const reader = useSignedInReader();
  const queryClient = useQueryClient();
  // Kept here so that coming back from a book restores the search, the category and the page.
  const [catalog, setCatalog] = useState<CatalogState>({ query: '', category: '', page: 1 });
  const bookId = route.page === 'book' ? route.id : null;
  // Back from a payment page: the order to wait for.
  const [returnedOrder, setReturnedOrder] = useState(returnedOrderId);
  const closeOrder = useCallback(() => {
    forgetReturnedOrder();
    setReturnedOrder(null);
  }, []);

  useEffect(() => {
    if (bookId) window.scrollTo(0, 0);
  }, [bookId]);

  // Another reader (or a guest) must see nothing cached for the previous one: a new token, and
  // every query but the public catalog dropped.
  const forgetReader = () => {
    client.invalidateAccessToken();
    queryClient.removeQueries({ queryKey: ['coko'], predicate: (query) => query.queryKey[1] !== 'catalog' });
  };

  return (
    <CokoProvider client={client}>
      <header className="masthead">
        <a href={catalogHref} className="brand">
          Coko <span>Lire en Afrique</span>
        </a>
        {session && (
          <nav className="account" aria-label="Compte">
            {reader ? (
              <>
                <a href={groupsHref}>Groupes</a>
                <a href={activityHref}>Mon activité</a>
                <a href={profileHref}>Mon profil</a>
                <a href={inboxHref}>
                  Notifications <UnreadBadge />
                </a>
                <span className="reader-name">{reader.user.name}</span>
                <button
                  type="button"
                  onClick={() => {
                    session.signOut();
                    forgetReader();
                  }}
                >
                  Se déconnecter
                </button>
              </>
            ) : (
              <a href={signInHref}>Se connecter</a>
            )}
          </nav>
        )}
      </header>
      <main className="page">
        {returnedOrder && reader && <OrderOutcome orderId={returnedOrder} onDone={closeOrder} />}
        {route.page === 'book' ? (
          <BookPage id={route.id} signedIn={reader !== null} />
        ) : route.page === 'read' && session ? (
          <Suspense fallback={<p className="status">Chargement du lecteur…</p>}>
            <ReaderPage id={route.id} />
          </Suspense>
        ) : route.page === 'sign-in' && session ? (
          <SignIn
            session={session}
            onSignedIn={() => {
              forgetReader();
              window.history.back();
            }}
          />
        ) : route.page === 'groups' ? (
          <GroupsPage signedIn={reader !== null} />
        ) : route.page === 'group' ? (
          <GroupPage id={route.id} readerName={reader?.user.name ?? null} />
        ) : route.page === 'activity' ? (
          <ActivityPage reader={reader} />
        ) : route.page === 'profile' ? (
          <ProfilePage reader={reader} />
        ) : route.page === 'inbox' ? (
          <InboxPage reader={reader} />
        ) : (
          <Catalog state={catalog} onChange={setCatalog} />
        )}
      </main>
    </CokoProvider>
  );
}
