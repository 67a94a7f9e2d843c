// Order administration: refunds (what `coko orders refund` and `POST /v1/admin/orders/{id}/refund` run).
import { sqlState } from '../db/rows.ts';
import { findOrder, type OrderRow } from '../payments/orders.ts';
import { type AdminContext, AdminError, isUuid, withAdmin } from './context.ts';

export interface Refund {
  order: OrderRow;
  /** False when the order was already refunded. */
  changed: boolean;
}

/**
 * Refunds a paid order (audited, with the actor): the order becomes refunded and its entitlement is revoked in
 * the same transaction (private.refund_order). The money itself goes back through the provider's dashboard;
 * this records it and takes the right to read away.
 */
export async function refundOrder(ctx: AdminContext, orderId: string, reason: string): Promise<Refund> {
  if (!isUuid(orderId))
    throw new AdminError('invalid_input', `The order id must be a uuid; got ${JSON.stringify(orderId)}`);
  const why = reason.trim();
  if (!why || why.length > 1000) throw new AdminError('invalid_input', 'Give a reason of 1 to 1000 characters');
  return withAdmin(ctx, async (tx) => {
    let changed: boolean;
    try {
      const { rows } = await tx.query('select private.refund_order($1, $2, $3) as changed', [
        orderId,
        why,
        ctx.actor.userId ?? null,
      ]);
      changed = (rows[0] as { changed: boolean }).changed;
    } catch (error) {
      if (sqlState(error) === 'P0002') throw new AdminError('unknown_order', `No order ${orderId}`);
      if (sqlState(error) === '55000')
        throw new AdminError('conflict', `Order ${orderId} is not paid: only a paid order can be refunded`);
      throw error;
    }
    const order = await findOrder(tx, orderId);
    if (!order) throw new AdminError('unknown_order', `No order ${orderId}`);
    return { order, changed };
  });
}
