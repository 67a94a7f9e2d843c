import { ValidationError } from '../core/errors';
import { validate } from '../core/validate';
import type { PaymentsContext } from './context';
import { checkoutSchema, idempotencyKeySchema } from './schemas';
import type { Checkout, CheckoutOptions, CheckoutParams } from './types';

/**
 * Implementation of `payments.checkout()`. The key is chosen once per call, so the transport may
 * retry the POST like a GET: the server answers a repeated key with the first response instead
 * of opening a second order.
 */
export async function checkout(
  ctx: PaymentsContext,
  params: CheckoutParams,
  options: CheckoutOptions = {},
): Promise<Checkout> {
  const body = validate(checkoutSchema, params, 'params');
  if ((body.bookId === undefined) === (body.planId === undefined)) {
    const message = 'checkout needs exactly one of bookId and planId';
    throw new ValidationError(message, { details: { field: 'params', message } });
  }
  const { idempotencyKey = crypto.randomUUID(), headers, ...call } = options;
  const key = validate(idempotencyKeySchema, idempotencyKey, 'idempotencyKey');
  const response = await ctx.api('v1/checkout', {
    ...call,
    method: 'POST',
    json: body,
    idempotent: true,
    headers: { ...headers, 'Idempotency-Key': key },
  });
  return response.json();
}
