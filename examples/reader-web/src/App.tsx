import { CokoProvider } from '@coko/react';
import type { CokoClient } from '@coko/sdk';
import { useEffect, useState } from 'react';
import { BookPage } from './BookPage';
import { Catalog, type CatalogState } from './Catalog';
import { catalogHref, useHashRoute } from './use-hash-route';

export function App({ client }: { client: CokoClient }) {
  const route = useHashRoute();
  // Kept here so that coming back from a book restores the search, the category and the page.
  const [catalog, setCatalog] = useState<CatalogState>({ query: '', category: '', page: 1 });
  const bookId = route.page === 'book' ? route.id : null;

  useEffect(() => {
    if (bookId) window.scrollTo(0, 0);
  }, [bookId]);

  return (
    <CokoProvider client={client}>
      <header className="masthead">
        <a href={catalogHref} className="brand">
          Coko <span>Lire en Afrique</span>
        </a>
      </header>
      <main className="page">
        {bookId ? <BookPage id={bookId} /> : <Catalog state={catalog} onChange={setCatalog} />}
      </main>
    </CokoProvider>
  );
}
