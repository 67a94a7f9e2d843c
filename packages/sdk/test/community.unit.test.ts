import { describe, expect, it } from 'vitest';
import { testClient, UUID } from './helpers';

// The community facade: a Proxy per sub-namespace, so it must not look like a promise, and its
// methods reach the chunk's functions with the transport.
describe('coko.community facade', () => {
  it('is not thenable and has no symbol properties (await, devtools, String())', async () => {
    const { coko } = testClient();
    expect((coko.community.reviews as unknown as { then?: unknown }).then).toBeUndefined();
    expect((coko.community.reviews as unknown as Record<symbol, unknown>)[Symbol.toPrimitive]).toBeUndefined();
    expect(await Promise.resolve(coko.community.reviews)).toBe(coko.community.reviews);
  });

  it('calls the lazily loaded method with the transport', async () => {
    const { coko, calls } = testClient(
      () =>
        new Response(JSON.stringify({ rating_average: 4.5, rating_count: 2, rating_histogram: [0, 0, 0, 1, 1] }), {
          headers: { 'content-type': 'application/vnd.pgrst.object+json' },
        }),
    );
    expect(await coko.community.reviews.summary(UUID)).toEqual({ average: 4.5, count: 2, histogram: [0, 0, 0, 1, 1] });
    expect(calls[0]?.url.href).toContain(
      `/rest/v1/books?select=rating_average%2Crating_count%2Crating_histogram&id=eq.${UUID}`,
    );
  });
});
