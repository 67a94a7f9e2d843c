import { useOrder } from '@coko/react';
import { useEffect, useState } from 'react';
import { readHref } from '../use-hash-route';

/** Longest wait for a payment's confirmation before saying it is still on its way. */
const WAIT_MS = 120_000;

/**
 * Back from the provider's page (`?order=<id>&status=…`): waits for the order's real outcome (the
 * webhook may land after the reader; `status` in the URL is only a hint), then opens the book once
 * paid, or says clearly that the payment was declined.
 */
export function OrderOutcome({ orderId, onDone }: { orderId: string; onDone: () => void }) {
  // useOrder refreshes the reader's rights once the order is paid.
  const order = useOrder(orderId, { wait: { timeoutMs: WAIT_MS } });
  const paidBook = order.data?.status === 'paid' ? order.data.bookId : null;
  // After the wait a pending order is no longer awaited here: say so rather than spin forever.
  const [waitedOut, setWaitedOut] = useState(false);
  useEffect(() => {
    const timer = setTimeout(() => setWaitedOut(true), WAIT_MS);
    return () => clearTimeout(timer);
  }, []);

  useEffect(() => {
    if (!paidBook) return;
    onDone();
    window.location.hash = readHref(paidBook);
  }, [paidBook, onDone]);

  if (order.isPending || (order.data?.status === 'pending' && !waitedOut)) {
    return (
      <p className="status" role="status">
        Paiement en cours de confirmation…
      </p>
    );
  }
  if (order.error) {
    return (
      <p className="notice" role="alert">
        Impossible de vérifier votre paiement : {order.error.message}
      </p>
    );
  }
  const { status } = order.data;
  if (status === 'paid') return <p role="status">Paiement reçu : ouverture du livre…</p>;
  return (
    <div className="notice" role="alert">
      <p>
        {status === 'pending'
          ? 'Votre paiement n’est pas encore confirmé. Vous serez prévenu dès qu’il le sera ; vous pouvez fermer cette page.'
          : status === 'failed'
            ? 'Paiement refusé : vous n’avez pas été débité. Vous pouvez réessayer.'
            : status === 'refunded'
              ? 'Ce paiement a été remboursé.'
              : 'Ce paiement a expiré : vous n’avez pas été débité. Vous pouvez réessayer.'}
      </p>
      <button type="button" onClick={onDone}>
        Fermer
      </button>
    </div>
  );
}

/** The order the provider brought the reader back with (`?order=<id>`), if any. */
export function returnedOrderId(): string | null {
  return new URLSearchParams(window.location.search).get('order');
}

/** Drops `?order=…&status=…` from the address, keeping the page (the hash). */
export function forgetReturnedOrder(): void {
  window.history.replaceState(null, '', `${window.location.pathname}${window.location.hash}`);
}
