import { useBook } from '@coko/react';
import { bookHref, signInHref } from '../use-hash-route';
import { Reader } from './Reader';
import { useBookAccess } from './use-book-access';

/** Reading a book: its signed manifest from the access API, then the reader. */
export function ReaderPage({ id, accessToken }: { id: string; accessToken: () => Promise<string | null> }) {
  const { data: book } = useBook(id);
  const access = useBookAccess(id, accessToken);
  return (
    <article className="reading">
      <a href={bookHref(id)} className="back">
        ← {book?.title ?? 'Retour au livre'}
      </a>
      {book && <h1 className="reading-title">{book.title}</h1>}
      {access.error ? (
        <AccessProblem id={id} code={access.error.code} message={access.error.message} />
      ) : access.isPending ? (
        <p className="status">Ouverture du livre…</p>
      ) : access.data.manifest ? (
        <Reader bookId={id} manifestUrl={access.data.manifest.url} />
      ) : (
        <p>
          Ce livre est un PDF : <a href={access.data.file.url}>le télécharger</a>.
        </p>
      )}
    </article>
  );
}

function AccessProblem({ id, code, message }: { id: string; code: string | undefined; message: string }) {
  if (code === 'AUTHENTICATION_ERROR') {
    return (
      <p className="notice">
        <a href={signInHref}>Connectez-vous</a> pour lire ce livre.
      </p>
    );
  }
  if (code === 'NOT_ENTITLED') {
    return (
      <p className="notice">
        Ce livre n’est pas encore à vous : <a href={bookHref(id)}>achetez-le</a> pour le lire.
      </p>
    );
  }
  if (code === 'NOT_AVAILABLE_IN_COUNTRY') {
    return <p className="notice">Ce livre n’est pas disponible dans votre pays.</p>;
  }
  return (
    <p className="notice" role="alert">
      Le livre ne s’ouvre pas : {message}
    </p>
  );
}
