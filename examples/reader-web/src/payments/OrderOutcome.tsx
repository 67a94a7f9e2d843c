import { useCoko } from '@coko/react';
import type { CokoError, Order } from '@coko/sdk';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useEffect } from 'react';
import { readHref } from '../use-hash-route';

/** Longest wait for a payment's confirmation before saying it is still on its way. */
const WAIT_MS = 120_000;

/**
 * Back from the provider's page (`?order=<id>&status=…`): waits for the order's real outcome (the
 * webhook may land after the reader; `status` in the URL is only a hint), then opens the book once
 * paid, or says clearly that the payment was declined.
 */
export function OrderOutcome({ orderId, onDone }: { orderId: string; onDone: () => void }) {
  const coko = useCoko();
  const queryClient = useQueryClient();
  const order = useQuery<Order, CokoError>({
    queryKey: ['coko', 'payments', 'order', orderId, 'outcome'],
    queryFn: ({ signal }) => coko.payments.waitForOrder(orderId, { signal, timeoutMs: WAIT_MS }),
    staleTime: Number.POSITIVE_INFINITY,
    retry: false,
  });
  const paidBook = order.data?.status === 'paid' ? order.data.bookId : null;

  useEffect(() => {
    if (!paidBook) return;
    // The new right to read: every payments query (can-read, access, orders) is stale now.
    void queryClient.invalidateQueries({ queryKey: ['coko', 'payments'] });
    onDone();
    window.location.hash = readHref(paidBook);
  }, [paidBook, queryClient, onDone]);

  if (order.isPending) {
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
