import { cokoKeys, useBook, useCoko } from '@coko/react';
import type { Access, CokoError } from '@coko/sdk';
import { useQuery } from '@tanstack/react-query';
import { bookHref, signInHref } from '../use-hash-route';
import { Reader } from './Reader';

/**
 * Reading a book: its signed manifest from the access API, then the reader. The signed URLs last
 * until `expiresAt`; the access is not refetched meanwhile (a new one would reopen the book).
 */
export function ReaderPage({ id }: { id: string }) {
  const coko = useCoko();
  const { data: book } = useBook(id);
  const access = useQuery<Access, CokoError>({
    queryKey: [...cokoKeys.payments.all(), 'access', id],
    queryFn: ({ signal }) => coko.payments.access(id, { signal }),
    staleTime: Number.POSITIVE_INFINITY,
    // Download limits count each access: no retry of a refusal.
    retry: false,
  });
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
