import { useBook } from '@coko/react';
import type { Book } from '@coko/sdk';
import { Cover } from './Cover';
import { BookReviews } from './community/BookReviews';
import { formatAuthors, formatBookPrice, formatDate } from './format';
import { BookActions } from './payments/BookActions';
import { catalogHref } from './use-hash-route';

const languages = new Intl.DisplayNames(['fr'], { type: 'language' });

/** `signedIn`: the reader may buy and read; guests are asked to sign in first. */
export function BookPage({ id, signedIn }: { id: string; signedIn: boolean }) {
  const { data: book, error, isPending, refetch } = useBook(id);
  return (
    <article className="detail">
      <a href={catalogHref} className="back">
        ← Retour au catalogue
      </a>
      {error ? (
        error.code === 'NOT_FOUND' ? (
          <p className="notice">Ce livre n’existe pas ou n’est plus disponible.</p>
        ) : (
          <div className="notice" role="alert">
            <p>Impossible de charger ce livre : {error.message}</p>
            <button type="button" onClick={() => refetch()}>
              Réessayer
            </button>
          </div>
        )
      ) : isPending ? (
        <p className="status">Chargement…</p>
      ) : (
        <>
          <BookDetail book={book} signedIn={signedIn} />
          <BookReviews bookId={book.id} signedIn={signedIn} />
        </>
      )}
    </article>
  );
}

function BookDetail({ book, signedIn }: { book: Book; signedIn: boolean }) {
  const facts: [string, string | null][] = [
    ['Éditeur', book.publisher?.name ?? null],
    ['Parution', book.publicationDate ? formatDate(book.publicationDate) : null],
    ['Pages', book.pageCount ? String(book.pageCount) : null],
    ['Format', book.format?.toUpperCase() ?? null],
    ['Langue', languages.of(book.language) ?? book.language],
    ['ISBN', book.isbn],
    ['Catégories', book.categories.map((category) => category.name).join(', ') || null],
  ];
  return (
    <div className="detail-body">
      <Cover id={book.id} title={book.title} large />
      <div>
        <h1>{book.title}</h1>
        {book.subtitle && <p className="subtitle">{book.subtitle}</p>}
        <p className="authors">{formatAuthors(book.authors)}</p>
        <p className={book.isFree ? 'price free' : 'price'}>{formatBookPrice(book)}</p>
        <BookActions book={book} signedIn={signedIn} />
        {book.description && <p className="description">{book.description}</p>}
        <dl className="facts">
          {facts.map(([label, value]) =>
            value ? (
              <div key={label}>
                <dt>{label}</dt>
                <dd>{value}</dd>
              </div>
            ) : null,
          )}
        </dl>
      </div>
    </div>
  );
}
