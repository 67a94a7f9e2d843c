// @vitest-environment happy-dom
import type { CokoClient, Order, Payments } from '@coko/sdk';
import { act, renderHook, waitFor } from '@testing-library/react';
import { describe, expect, it, vi } from 'vitest';
import { cokoKeys, useCanRead, useCheckout, useEntitlements, useOrder, usePlans } from '../src';
import { deferred, testQueryClient, wrapper } from './helpers';

const BOOK = 'book-1';
const order = (status: Order['status'], bookId: string | null = BOOK): Order => ({
  id: 'order-1',
  status,
  bookId,
  planId: bookId ? null : 'plan-1',
  amount: 1500,
  currency: 'XOF',
  provider: 'sandbox',
  checkoutUrl: null,
  failureReason: null,
  createdAt: '2026-12-07T08:00:00.000Z',
  paidAt: status === 'paid' ? '2026-12-07T08:01:00.000Z' : null,
  refundedAt: null,
  receiptId: null,
});

/** A client whose payments methods are vi.fn()s (`overrides` replace their implementations). */
function fakePayments(overrides: Partial<Payments> = {}) {
  const payments = {
    plans: vi.fn(async () => []),
    checkout: vi.fn(async () => ({ order: order('pending'), checkoutUrl: 'https://pay.test/1' })),
    order: vi.fn(async () => order('pending')),
    waitForOrder: vi.fn(async () => order('paid')),
    entitlements: vi.fn(async () => []),
    canRead: vi.fn(async () => false),
    ...overrides,
  };
  return { client: { payments } as unknown as CokoClient, payments };
}

describe('payments hooks', () => {
  it('usePlans and useEntitlements call the SDK with a signal; useCanRead is idle without a book', async () => {
    const { client, payments } = fakePayments();
    const { result } = renderHook(
      () => ({ plans: usePlans(), rights: useEntitlements({ all: true }), can: useCanRead('') }),
      {
        wrapper: wrapper(client),
      },
    );
    await waitFor(() => expect(result.current.plans.isSuccess && result.current.rights.isSuccess).toBe(true));
    expect(payments.plans).toHaveBeenCalledWith({ signal: expect.any(AbortSignal) });
    expect(payments.entitlements).toHaveBeenCalledWith({ all: true }, { signal: expect.any(AbortSignal) });
    expect(result.current.can.fetchStatus).toBe('idle');
    expect(payments.canRead).not.toHaveBeenCalled();
  });

  it('useCheckout caches the new order and refetches the reader’s rights', async () => {
    const { client, payments } = fakePayments();
    const queryClient = testQueryClient();
    const { result } = renderHook(() => ({ checkout: useCheckout(), rights: useEntitlements() }), {
      wrapper: wrapper(client, queryClient),
    });
    await waitFor(() => expect(result.current.rights.isSuccess).toBe(true));
    const params = { bookId: BOOK, provider: 'sandbox', returnUrl: 'https://app.test/' } as const;
    const { checkoutUrl } = await act(() => result.current.checkout.mutateAsync(params));
    expect(checkoutUrl).toBe('https://pay.test/1');
    expect(payments.checkout).toHaveBeenCalledWith(params);
    expect(queryClient.getQueryData(cokoKeys.payments.order('order-1'))).toEqual(order('pending'));
    await waitFor(() => expect(payments.entitlements).toHaveBeenCalledTimes(2));
  });

  it('useOrder({ wait }) waits for the outcome; once paid, useCanRead and useEntitlements refetch', async () => {
    const outcome = deferred<Order>();
    let owned = false;
    const { client, payments } = fakePayments({
      waitForOrder: vi.fn(() => outcome.promise),
      canRead: vi.fn(async () => owned),
    });
    const { result } = renderHook(
      () => ({
        order: useOrder('order-1', { wait: { timeoutMs: 60_000 } }),
        can: useCanRead(BOOK),
        rights: useEntitlements(),
      }),
      { wrapper: wrapper(client) },
    );
    await waitFor(() => expect(payments.waitForOrder).toHaveBeenCalledTimes(1));
    expect(payments.waitForOrder).toHaveBeenCalledWith('order-1', {
      signal: expect.any(AbortSignal),
      timeoutMs: 60_000,
    });
    expect(result.current.order.data?.status).toBe('pending');
    expect(result.current.can.data).toBe(false);

    owned = true;
    await act(async () => outcome.resolve(order('paid')));
    await waitFor(() => expect(result.current.can.data).toBe(true));
    expect(result.current.order.data?.status).toBe('paid');
    expect(payments.entitlements).toHaveBeenCalledTimes(2);
    expect(payments.waitForOrder).toHaveBeenCalledTimes(1);
  });

  it('a plan’s paid order refetches every useCanRead', async () => {
    const { client, payments } = fakePayments({ order: vi.fn(async () => order('paid', null)) });
    const { result } = renderHook(() => ({ order: useOrder('order-1'), a: useCanRead('a'), b: useCanRead('b') }), {
      wrapper: wrapper(client),
    });
    await waitFor(() => expect(result.current.order.isSuccess).toBe(true));
    await waitFor(() => expect(payments.canRead).toHaveBeenCalledTimes(4));
    expect(payments.waitForOrder).not.toHaveBeenCalled();
  });

  it('useOrder stops waiting on unmount', async () => {
    const waitForOrder = vi.fn((_id: string, _options?: { signal?: AbortSignal }) => new Promise<Order>(() => {}));
    const { client } = fakePayments({ waitForOrder });
    const { unmount } = renderHook(() => useOrder('order-1', { wait: true }), { wrapper: wrapper(client) });
    await waitFor(() => expect(waitForOrder).toHaveBeenCalledTimes(1));
    const signal = waitForOrder.mock.calls[0]?.[1]?.signal as AbortSignal;
    expect(signal.aborted).toBe(false);
    unmount();
    expect(signal.aborted).toBe(true);
  });
});
