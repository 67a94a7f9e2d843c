import { cokoKeys, useCanRead, useCheckout } from '@coko/react';
import type { Book, CokoError } from '@coko/sdk';
import { useQueryClient } from '@tanstack/react-query';
import { formatBookPrice } from '../format';
import { bookHref, readHref, signInHref } from '../use-hash-route';

/** Where the provider sends the reader back: this book's page (the API adds `?order=…&status=…`). */
const returnUrlFor = (bookId: string) => `${window.location.origin}${window.location.pathname}${bookHref(bookId)}`;

/** Why a checkout did not start, in words for the reader. */
function checkoutProblem(error: CokoError): string {
  switch (error.code) {
    case 'NOT_AVAILABLE_IN_COUNTRY':
      return 'Ce livre n’est pas vendu dans votre pays.';
    case 'PROVIDER_UNAVAILABLE':
      return 'Le paiement est indisponible pour le moment. Réessayez plus tard.';
    default:
      return `Le paiement n’a pas pu commencer : ${error.message}`;
  }
}

/**
 * "Lire" when the reader may read the book (free, bought, subscribed), else "Acheter — <price>":
 * an order in the sandbox, then the provider's page, which brings the reader back to this book.
 */
export function BookActions({ book, signedIn }: { book: Book; signedIn: boolean }) {
  const queryClient = useQueryClient();
  const canRead = useCanRead(signedIn ? book.id : null);
  const checkout = useCheckout();
  const buy = () =>
    checkout.mutate(
      { bookId: book.id, provider: 'sandbox', returnUrl: returnUrlFor(book.id) },
      {
        onSuccess: ({ checkoutUrl }) => window.location.assign(checkoutUrl),
        // Bought meanwhile (another tab, another device): "Lire" instead.
        onError: (error) => {
          if (error.code === 'ALREADY_OWNED')
            void queryClient.invalidateQueries({ queryKey: cokoKeys.payments.canRead(book.id) });
        },
      },
    );

  if (!signedIn) {
    return (
      <p className="actions">
        <a href={signInHref} className="button">
          Se connecter pour {book.isFree ? 'lire' : 'acheter'}
        </a>
      </p>
    );
  }
  if (canRead.isPending) return <p className="status">Vérification de vos droits…</p>;
  if (canRead.data) {
    return (
      <p className="actions">
        <a href={readHref(book.id)} className="button">
          Lire
        </a>
      </p>
    );
  }
  return (
    <div className="actions">
      <button type="button" className="button" onClick={buy} disabled={checkout.isPending}>
        {checkout.isPending ? 'Redirection vers le paiement…' : `Acheter — ${formatBookPrice(book)}`}
      </button>
      {checkout.error && checkout.error.code !== 'ALREADY_OWNED' && (
        <p className="notice" role="alert">
          {checkoutProblem(checkout.error)}
        </p>
      )}
      {canRead.error && (
        <p className="notice" role="alert">
          Impossible de vérifier vos droits : {canRead.error.message}
        </p>
      )}
    </div>
  );
}
