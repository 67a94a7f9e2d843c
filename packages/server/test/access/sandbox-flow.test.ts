// The whole path a buyer takes, on the real stack: the SDK's checkout in the sandbox → the sandbox page
// approves → signed webhook → the payment job (a pg-boss worker in this process) → entitlement → access →
// the signed manifest → the chapter's bytes.
import { afterAll, beforeAll, expect, it } from 'vitest';
import { paymentFixtures, RETURN_URL } from '../../../../test/payment-fixtures.ts';
import { readEpub } from '../../src/content/read-epub.ts';
import { webpubManifest } from '../../src/content/webpub-manifest.ts';
import { epubEntries, publish, sampleEpub } from './helpers.ts';

/** Safety net only: the worker polls every 0.5 s, an order settles in about a second. */
const SETTLE_TIMEOUT = 30_000;

let fixtures: Awaited<ReturnType<typeof paymentFixtures>>;
beforeAll(async () => {
  fixtures = await paymentFixtures();
});
afterAll(() => fixtures?.stop());

it('checkout → approve → webhook → job → entitlement → manifest → chapter bytes', async () => {
  const coko = await fixtures.reader();
  const bookId = await fixtures.paidBook();
  const epub = await sampleEpub();
  await publish(bookId, epub);

  const before = await coko.payments.access(bookId).catch((error: unknown) => error);
  expect(before).toMatchObject({ status: 403, code: 'NOT_ENTITLED' });

  const { order, checkoutUrl } = await coko.payments.checkout({ bookId, provider: 'sandbox', returnUrl: RETURN_URL });
  const { location } = await fixtures.sandbox(checkoutUrl, 'approve');
  expect(location).toBe(`${RETURN_URL}?order=${order.id}&status=paid`);
  expect(await coko.payments.waitForOrder(order.id, { timeoutMs: SETTLE_TIMEOUT })).toMatchObject({ status: 'paid' });

  const access = await coko.payments.access(bookId);
  expect(access).toMatchObject({ bookId, right: 'purchase', format: 'epub', file: { size: epub.length } });
  const manifest = (await (await fetch(access.manifest?.url ?? '')).json()) as { readingOrder: { href: string }[] };
  const expected = webpubManifest(readEpub(epub)).readingOrder;
  const first = expected.findIndex((link) => link.href.includes('chapter'));
  const chapter = await fetch(manifest.readingOrder[first]?.href ?? '');
  expect(chapter.status).toBe(200);
  expect(new Uint8Array(await chapter.arrayBuffer())).toEqual(epubEntries(epub)[expected[first]?.href ?? '']);
});
