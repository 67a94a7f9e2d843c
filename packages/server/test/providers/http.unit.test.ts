import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { callProvider } from '../../src/providers/payments/http.ts';
import { rejection } from './helpers.ts';

const Answer = z.object({ ok: z.literal(true) });

describe('callProvider', () => {
  it('gives up when the provider does not answer in time: the request is aborted and the provider is unavailable', async () => {
    let aborted = false;
    const silent: typeof fetch = (_input, init) =>
      new Promise((_resolve, reject) => {
        init?.signal?.addEventListener('abort', () => {
          aborted = true;
          reject(init.signal?.reason);
        });
      });
    const error = await rejection(
      callProvider({
        provider: 'wave',
        fetch: silent,
        url: 'https://api.wave.com/v1/checkout/sessions',
        schema: Answer,
        timeoutMs: 5,
      }),
      'ProviderUnavailableError',
    );
    expect(aborted).toBe(true);
    expect(error.message).toBe('wave could not be reached');
  });

  it('sends strings as they are and objects as JSON, and reads non-JSON error bodies', async () => {
    const seen: { method?: string; contentType: string | null; body: unknown }[] = [];
    const recording: typeof fetch = async (_input, init) => {
      seen.push({
        method: init?.method,
        contentType: new Headers(init?.headers).get('content-type'),
        body: init?.body,
      });
      return seen.length < 3 ? Response.json({ ok: true }) : new Response('<html>Bad Gateway</html>', { status: 502 });
    };
    const call = { provider: 'stripe' as const, fetch: recording, url: 'https://api.stripe.com/v1/x', schema: Answer };
    await callProvider({ ...call, body: 'a=1', headers: { 'content-type': 'application/x-www-form-urlencoded' } });
    await callProvider({ ...call, body: { a: 1 } });
    const error = await rejection(callProvider(call), 'ProviderUnavailableError');
    expect(error).toMatchObject({ httpStatus: 502, providerCode: undefined });
    expect(seen).toEqual([
      { method: 'POST', contentType: 'application/x-www-form-urlencoded', body: 'a=1' },
      { method: 'POST', contentType: 'application/json', body: '{"a":1}' },
      { method: 'GET', contentType: null, body: undefined },
    ]);
  });
});
