/**
 * Where the reader lands after the provider's page: `returnUrl` with `?order=<id>&status=paid|failed`.
 * The status says what the reader did there, not what the money did: the order's status is the truth.
 *
 * @example
 * ```ts
 * returnUrlFor('https://app.example.com/done', orderId, 'paid') // https://app.example.com/done?order=…&status=paid
 * ```
 */
export function returnUrlFor(returnUrl: string, orderId: string, status: 'paid' | 'failed'): string {
  const url = new URL(returnUrl);
  url.searchParams.set('order', orderId);
  url.searchParams.set('status', status);
  return url.toString();
}
