// `coko orders refund <id> --reason …`: refunds a paid order and revokes its entitlement (audited).
import { parseArgs } from 'node:util';
import { AdminError, refundOrder } from '../admin/index.ts';
import { runAdmin, subcommand } from './partners.ts';

export const ORDERS_USAGE = `Usage: coko orders <sub-command>

  refund <order id> --reason <text>   Mark a paid order refunded and revoke its entitlement

Return the money in the provider's dashboard first; this records the refund (audit_logs, with COKO_ACTOR
as the actor when set) and takes the right to read away. Refunding a refunded order changes nothing.`;

export async function ordersCommand(args: string[]): Promise<number> {
  const parsed = subcommand(args, ORDERS_USAGE, ['refund']);
  if ('exit' in parsed) return parsed.exit;
  const { values, positionals } = parseArgs({
    args: parsed.rest,
    allowPositionals: true,
    options: { reason: { type: 'string' } },
  });
  if (positionals.length !== 1 || !values.reason)
    throw new AdminError('invalid_input', 'Expected coko orders refund <order id> --reason <text>');
  const refund = await runAdmin((ctx) => refundOrder(ctx, positionals[0] as string, values.reason as string));
  console.log(
    refund.changed
      ? `Order ${refund.order.id} refunded (${refund.order.amount} ${refund.order.currency}); its entitlement is revoked.`
      : `Order ${refund.order.id} was already refunded; nothing changed.`,
  );
  return 0;
}
