import { createHmac } from 'node:crypto';
import { setupServer } from 'msw/node';
import { afterAll, afterEach, beforeAll, expect } from 'vitest';
import type { CheckoutRequest, WebhookInput } from '../../src/providers/payments/index.ts';

/** An msw server for one test file: unmatched requests fail the test, handlers reset after each test. */
export function providerServer() {
  const server = setupServer();
  beforeAll(() => server.listen({ onUnhandledRequest: 'error' }));
  afterEach(() => server.resetHandlers());
  afterAll(() => server.close());
  return server;
}

/** Resolves `fetch` at call time, so msw's interception (installed in beforeAll) is the one used. */
export const viaMsw: typeof fetch = (input, init) => fetch(input, init);

export const ORDER_ID = '0b4f8f5e-6f1d-4c55-9a43-3c0f1f0e2a11';
export const OTHER_ORDER_ID = '7d2c1a90-1b7e-4f3e-8e52-54a1d8b6c0f2';

export function checkoutRequest(overrides: Partial<CheckoutRequest> = {}): CheckoutRequest {
  return {
    orderId: ORDER_ID,
    amount: 1500,
    currency: 'XOF',
    description: 'Les Soleils des indépendances',
    customer: { phone: '+221761234567', email: 'awa@example.sn', name: 'Awa Diop' },
    returnUrl: 'https://lecteur.example.sn/achat/retour',
    webhookUrl: 'https://coko.example.sn/functions/v1/api/v1/webhooks/wave',
    ...overrides,
  };
}

/** An independent `t=…,v1=…` signer on node:crypto, to check the adapters against another implementation. */
export function nodeSignature(secret: string, message: string): string {
  return createHmac('sha256', secret).update(message).digest('hex');
}

export function webhookInput(
  rawBody: string,
  headers: Record<string, string>,
  now: Date,
  overrides: Partial<WebhookInput> = {},
): WebhookInput {
  return { rawBody, headers: new Headers(headers), now, secretFor: async () => null, ...overrides };
}

/** The rejection of `promise`, checked to be an error named `name`. */
export async function rejection(promise: Promise<unknown>, name: string): Promise<Error & Record<string, unknown>> {
  const error = await promise.then(
    () => undefined,
    (caught: unknown) => caught,
  );
  expect(error).toBeInstanceOf(Error);
  expect((error as Error).name).toBe(name);
  return error as Error & Record<string, unknown>;
}
