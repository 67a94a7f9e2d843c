// @vitest-environment happy-dom
import { act, renderHook, waitFor } from '@testing-library/react';
import { useState } from 'react';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { paymentFixtures, RETURN_URL } from '../../../test/payment-fixtures.ts';
import { useCanRead, useCheckout, useEntitlements, useOrder } from '../src';
import { wrapper } from './helpers';

// Real-stack test of the payment hooks: a reader buys a book in the sandbox; the page waiting on the
// order sees it paid and the "Read" button (useCanRead) and the library (useEntitlements) follow.
describe.skipIf(!process.env.COKO_TEST_URL)('payment hooks against the real stack', () => {
  let fixtures: Awaited<ReturnType<typeof paymentFixtures>>;
  beforeAll(async () => {
    fixtures = await paymentFixtures();
  });
  afterAll(() => fixtures?.stop());

  it('useCheckout → sandbox approve → useOrder({ wait }) paid → useCanRead and useEntitlements refetch', async () => {
    const coko = await fixtures.reader();
    const bookId = await fixtures.paidBook();
    const { result } = renderHook(
      () => {
        const [orderId, setOrderId] = useState<string | null>(null);
        return {
          checkout: useCheckout(),
          order: useOrder(orderId, { wait: { timeoutMs: 30_000 } }),
          canRead: useCanRead(bookId),
          rights: useEntitlements(),
          setOrderId,
        };
      },
      { wrapper: wrapper(coko) },
    );
    await waitFor(() => expect(result.current.canRead.data).toBe(false), { timeout: 10_000 });
    expect(result.current.rights.data).toEqual([]);

    const { order, checkoutUrl } = await act(() =>
      result.current.checkout.mutateAsync({ bookId, provider: 'sandbox', returnUrl: RETURN_URL }),
    );
    act(() => result.current.setOrderId(order.id));
    await waitFor(() => expect(result.current.order.data?.status).toBe('pending'));

    await fixtures.sandbox(checkoutUrl, 'approve');
    await waitFor(() => expect(result.current.order.data?.status).toBe('paid'), { timeout: 30_000 });
    await waitFor(() => expect(result.current.canRead.data).toBe(true), { timeout: 10_000 });
    await waitFor(() => expect(result.current.rights.data?.map((r) => r.bookId)).toEqual([bookId]));
  });
});
