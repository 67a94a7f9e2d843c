import type { z } from 'zod';
import { type ProviderName, WebhookVerificationError } from './port.ts';

/**
 * The webhook's JSON body, checked against the provider's documented shape. Called only after the
 * signature holds; a body Coko cannot read is still refused (400), so nothing half-understood is stored.
 */
export function parseWebhookBody<Schema extends z.ZodType>(
  provider: ProviderName,
  rawBody: string,
  schema: Schema,
): { event: z.output<Schema>; payload: unknown } {
  let json: unknown;
  try {
    json = JSON.parse(rawBody);
  } catch {
    throw new WebhookVerificationError(provider, 'The webhook body is not JSON');
  }
  const parsed = schema.safeParse(json);
  if (!parsed.success) throw new WebhookVerificationError(provider, `The webhook body is not a ${provider} event`);
  // The payload stored in payment_events is the whole body as sent, not the fields Coko reads.
  return { event: parsed.data, payload: json };
}
