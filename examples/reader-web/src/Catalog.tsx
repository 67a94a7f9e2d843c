import { useBookSearch, useBooks, useCategories } from '@coko/react';
import { buildCategoryTree, type CategoryNode, type ListBook, MIN_SEARCH_LENGTH } from '@coko/sdk';
import { keepPreviousData } from '@tanstack/react-query';
import { useMemo } from 'react';
import { Cover } from './Cover';
import { formatAuthors, formatBookCount, formatBookPrice } from './format';
import { useDebouncedValue } from './use-debounced-value';
import { bookHref } from './use-hash-route';

export interface CatalogState {
  query: string;
  /** Category slug; '' for all. */
  category: string;
  page: number;
}

const PAGE_SIZE = 20;
const SEARCH_DELAY_MS = 300;

export function Catalog({ state, onChange }: { state: CatalogState; onChange: (state: CatalogState) => void }) {
  const { query, category, page } = state;
  // One request once typing pauses, not one per key (mobile data is expensive).
  const search = useDebouncedValue(query.trim(), SEARCH_DELAY_MS);
  // Below 3 characters the catalog refuses a search: keep browsing until then.
  const searching = [...search].length >= MIN_SEARCH_LENGTH;
  const filters = { category: category || null, page, limit: PAGE_SIZE };
  const list = useBooks(filters, { enabled: !searching, placeholderData: keepPreviousData });
  const found = useBookSearch(search, filters);
  const { data, error, isPending, isPlaceholderData, refetch } = searching ? found : list;

  return (
    <>
      <form className="filters" aria-label="Filtrer le catalogue" onSubmit={(event) => event.preventDefault()}>
        <div className="field grow">
          <label htmlFor="search">Rechercher</label>
          <input
            id="search"
            type="search"
            value={query}
            placeholder="Titre, auteur, sujet…"
            autoComplete="off"
            onChange={(event) => onChange({ ...state, query: event.target.value, page: 1 })}
          />
        </div>
        <div className="field">
          <label htmlFor="category">Catégorie</label>
          <CategorySelect
            id="category"
            value={category}
            onChange={(slug) => onChange({ ...state, category: slug, page: 1 })}
          />
        </div>
      </form>

      {error ? (
        <div className="notice" role="alert">
          <p>Impossible de charger le catalogue : {error.message}</p>
          <button type="button" onClick={() => refetch()}>
            Réessayer
          </button>
        </div>
      ) : isPending ? (
        <p className="status">Chargement…</p>
      ) : (
        <section aria-busy={isPlaceholderData}>
          <p className="status" aria-live="polite">
            {formatBookCount(data.total)}
            {searching ? ` pour « ${search} »` : ''}
          </p>
          <ul className={isPlaceholderData ? 'books stale' : 'books'} aria-label="Livres">
            {data.data.map((book) => (
              <BookCard key={book.id} book={book} />
            ))}
          </ul>
          {data.totalPages > 1 && (
            <nav className="pager" aria-label="Pages">
              <button type="button" disabled={page <= 1} onClick={() => onChange({ ...state, page: page - 1 })}>
                ← Précédent
              </button>
              <span>
                Page {data.page} sur {data.totalPages}
              </span>
              <button
                type="button"
                disabled={page >= data.totalPages}
                onClick={() => onChange({ ...state, page: page + 1 })}
              >
                Suivant →
              </button>
            </nav>
          )}
        </section>
      )}
    </>
  );
}

function BookCard({ book }: { book: ListBook }) {
  return (
    <li className="book">
      <Cover id={book.id} title={book.title} />
      <div>
        <h2>
          <a href={bookHref(book.id)}>{book.title}</a>
        </h2>
        <p className="authors">{formatAuthors(book.authors)}</p>
        {book.ratingCount ? (
          <p className="card-rating">
            ★ {book.ratingAverage?.toLocaleString('fr', { minimumFractionDigits: 1, maximumFractionDigits: 1 })} (
            {book.ratingCount})
          </p>
        ) : null}
        <p className={book.isFree ? 'price free' : 'price'}>{formatBookPrice(book)}</p>
      </div>
    </li>
  );
}

function CategorySelect({ id, value, onChange }: { id: string; value: string; onChange: (slug: string) => void }) {
  const { data: categories, isError } = useCategories();
  const options = useMemo(() => flatten(buildCategoryTree(categories ?? [])), [categories]);
  return (
    <select id={id} value={value} onChange={(event) => onChange(event.target.value)} disabled={isError}>
      <option value="">Toutes les catégories</option>
      {options.map(({ category, depth }) => (
        <option key={category.id} value={category.slug}>
          {`${'\u00a0\u00a0'.repeat(depth)}${category.name}`}
        </option>
      ))}
    </select>
  );
}

/** The tree in reading order; a parent category also lists its sub-categories' books. */
function flatten(nodes: CategoryNode[], depth = 0): { category: CategoryNode; depth: number }[] {
  return nodes.flatMap((node) => [{ category: node, depth }, ...flatten(node.children, depth + 1)]);
}
