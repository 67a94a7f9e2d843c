// Type tests of the public surface, checked by `tsc -p packages/sdk` (part of `npm test`): a
// change to these signatures is a breaking change and must show up here.
import { expectTypeOf } from 'vitest';
import {
  type Access,
  type Account,
  type Book,
  type Category,
  type Checkout,
  type CokoClient,
  type CokoError,
  type CokoErrorCode,
  type Consent,
  createCoko,
  type Entitlement,
  type ListBook,
  type ListBooksParams,
  type Me,
  type Order,
  type OrdersPage,
  type Page,
  type Payments,
  type Plan,
  type Preferences,
  type Profile,
  type Publisher,
  type Receipt,
  type SearchFacets,
  type UserExport,
} from '../src';
import type { ProgressSave, ProgressSaver } from '../src/reading/progress-saver';
import {
  type CokoServer,
  type CokoSession,
  createCokoServer,
  type PartnerModerationActionsPage,
  type PartnerOrdersPage,
  verifyWebhook,
  type WebhookEvent,
  type WebhookVerificationError,
} from '../src/server';

const coko = createCoko({ url: 'https://x.supabase.co', publishableKey: 'pk' });
expectTypeOf(coko).toEqualTypeOf<CokoClient>();
expectTypeOf(coko.account).toEqualTypeOf<Account>();

// Error codes: the one vocabulary, not any string.
expectTypeOf<CokoError['code']>().toEqualTypeOf<CokoErrorCode>();
expectTypeOf<'VALIDATION_ERROR'>().toExtend<CokoErrorCode>();
expectTypeOf<'SYNC_REJECTED'>().not.toExtend<CokoErrorCode>();

// Catalog: results and parameters camelCase (docs/DECISIONS.md "One casing"); JSON values as written.
expectTypeOf(coko.catalog.publishers).returns.resolves.toEqualTypeOf<Page<Publisher>>();
expectTypeOf<Publisher>().toHaveProperty('website');
expectTypeOf<ListBook['coverPath']>().toEqualTypeOf<string | null>();
expectTypeOf<ListBook['ratingAverage']>().toEqualTypeOf<number | null>();
expectTypeOf<Book['availableCountries']>().toEqualTypeOf<string[]>();
expectTypeOf<Book['categories'][number]['parentId']>().toEqualTypeOf<string | null>();
expectTypeOf<Book['authors'][number]['photoPath']>().toEqualTypeOf<string | null>();
expectTypeOf<Category['parentId']>().toEqualTypeOf<string | null>();
expectTypeOf<SearchFacets['price'][number]>().toEqualTypeOf<{ isFree: boolean; count: number }>();
expectTypeOf(coko.catalog.list).parameter(0).toEqualTypeOf<ListBooksParams | undefined>();
expectTypeOf<ListBooksParams['sort']>().toEqualTypeOf<
  'relevance' | 'newest' | 'title' | 'price_asc' | 'price_desc' | null | undefined
>();
// @ts-expect-error no snake_case key left in a catalog result
expectTypeOf<ListBook['cover_path']>();

// Account.
expectTypeOf(coko.account.me).returns.resolves.toEqualTypeOf<Me>();
expectTypeOf(coko.account.profile.get).returns.resolves.toEqualTypeOf<Profile>();
expectTypeOf<Profile['preferences']>().toEqualTypeOf<Preferences>();
expectTypeOf(coko.account.profile.update).parameter(0).toHaveProperty('displayName');
expectTypeOf<Profile['displayName']>().toEqualTypeOf<string | null>();
expectTypeOf<Profile['createdAt']>().toBeString();
expectTypeOf<Consent['createdAt']>().toBeString();
// @ts-expect-error no snake_case key left in an account result
expectTypeOf<Profile['display_name']>();
expectTypeOf(coko.account.consents.set).parameters.toEqualTypeOf<
  [kind: 'tracking' | 'marketing' | 'analytics', granted: boolean]
>();
expectTypeOf(coko.account.consents.list).returns.resolves.toEqualTypeOf<Consent[]>();
expectTypeOf(coko.account.export).returns.resolves.toEqualTypeOf<UserExport>();
expectTypeOf(coko.account.delete).returns.resolves.toBeVoid();

// Reading notes.
expectTypeOf(coko.reading.notes.markdown).returns.resolves.toBeString();
expectTypeOf(coko.reading.notes.pdf).returns.resolves.toEqualTypeOf<Blob>();

// Payments: the API's camelCase shapes (contract §3), money as integers.
expectTypeOf(coko.payments).toEqualTypeOf<Payments>();
expectTypeOf(coko.payments.plans).returns.resolves.toEqualTypeOf<Plan[]>();
expectTypeOf<Plan['prices']>().toEqualTypeOf<{ currency: string; amount: number }[]>();
expectTypeOf(coko.payments.checkout).returns.resolves.toEqualTypeOf<Checkout>();
expectTypeOf<Checkout>().toEqualTypeOf<{ order: Order; checkoutUrl: string }>();
expectTypeOf(coko.payments.checkout).toBeCallableWith(
  { bookId: 'b', provider: 'orange_money', phone: '+22507000000', returnUrl: 'https://a.b/' },
  { idempotencyKey: 'k', signal: new AbortController().signal },
);
expectTypeOf(coko.payments.checkout).toBeCallableWith({ planId: 'p', provider: 'sandbox', returnUrl: 'https://a.b/' });
// @ts-expect-error a book or a plan, not both
coko.payments.checkout({ bookId: 'b', planId: 'p', provider: 'sandbox', returnUrl: 'https://a.b/' });
// @ts-expect-error only the known providers
coko.payments.checkout({ bookId: 'b', provider: 'cash', returnUrl: 'https://a.b/' });
expectTypeOf<Order['status']>().toEqualTypeOf<'pending' | 'paid' | 'failed' | 'expired' | 'refunded'>();
expectTypeOf<Order['amount']>().toBeNumber();
expectTypeOf<Order['receiptId']>().toEqualTypeOf<string | null>();
expectTypeOf(coko.payments.orders).returns.resolves.toEqualTypeOf<OrdersPage>();
expectTypeOf<OrdersPage['nextCursor']>().toEqualTypeOf<string | null>();
expectTypeOf(coko.payments.order).returns.resolves.toEqualTypeOf<Order>();
expectTypeOf(coko.payments.waitForOrder).returns.resolves.toEqualTypeOf<Order>();
expectTypeOf(coko.payments.waitForOrder)
  .parameter(1)
  .toEqualTypeOf<{ timeoutMs?: number; signal?: AbortSignal } | undefined>();
expectTypeOf(coko.payments.receipts).returns.resolves.toEqualTypeOf<Receipt[]>();
expectTypeOf(coko.payments.receipt).returns.resolves.toEqualTypeOf<Receipt>();
expectTypeOf(coko.payments.receiptMarkdown).returns.resolves.toBeString();
expectTypeOf(coko.payments.receiptPdf).returns.resolves.toEqualTypeOf<Blob>();
expectTypeOf<Receipt['language']>().toEqualTypeOf<'fr' | 'en'>();
expectTypeOf(coko.payments.entitlements).returns.resolves.toEqualTypeOf<Entitlement[]>();
expectTypeOf<Entitlement['validUntil']>().toEqualTypeOf<string | null>();
expectTypeOf(coko.payments.canRead).returns.resolves.toBeBoolean();
expectTypeOf(coko.payments.access).returns.resolves.toEqualTypeOf<Access>();
expectTypeOf<Access['right']>().toEqualTypeOf<'free' | 'purchase' | 'subscription'>();
expectTypeOf<Access['manifest']>().toEqualTypeOf<{ url: string } | null>();

// @coko/sdk/server.
const server = createCokoServer({ url: 'https://x.supabase.co', secretKey: 'sk' });
expectTypeOf(server).toEqualTypeOf<CokoServer>();
expectTypeOf(server.sessions.create).returns.resolves.toEqualTypeOf<CokoSession>();
expectTypeOf(server.sessions.create).parameter(0).toHaveProperty('externalUserId');
expectTypeOf(server.orders.list).returns.resolves.toEqualTypeOf<PartnerOrdersPage>();
expectTypeOf<PartnerOrdersPage['data'][number]['externalUserId']>().toEqualTypeOf<string>();
expectTypeOf(server.moderation.actions).returns.resolves.toEqualTypeOf<PartnerModerationActionsPage>();

// @coko/sdk/progress.
expectTypeOf<ProgressSaver['save']>().returns.toEqualTypeOf<ProgressSave>();

// The generated database types are not part of the client's surface.
expectTypeOf<CokoClient>().not.toHaveProperty('rest');

// Nor of the package's exports: the public types are Coko's own (schema-drift.test-d.ts keeps
// them in step with the schema), so a migration never changes the SDK's surface by accident.
export type RemovedExports = [
  // @ts-expect-error not exported
  import('../src').Database,
  // @ts-expect-error not exported
  import('../src').Tables<'books'>,
  // @ts-expect-error not exported
  import('../src').TablesInsert<'books'>,
  // @ts-expect-error not exported
  import('../src').TablesUpdate<'books'>,
  // @ts-expect-error not exported
  import('../src').Enums<'book_format'>,
];
// Rows are plain interfaces (snake_case, as stored).
expectTypeOf<import('../src').ListBook['price']>().toBeNumber();
// Reading results are camelCase (keys only: the locator keeps Readium's spelling).
expectTypeOf<import('../src').ReadingSession['deviceType']>().toEqualTypeOf<'web' | 'android' | 'ios' | 'other'>();
expectTypeOf<import('../src').Annotation>().toHaveProperty('selectedText');
expectTypeOf<import('../src').Annotation>().not.toHaveProperty('selected_text');
expectTypeOf<import('../src').SyncResult['changes']['progress'][number]>().toHaveProperty('deviceUpdatedAt');

// Partner webhooks: the verified event, typed data on request; a refusal carries its reason.
expectTypeOf(verifyWebhook('{}', 't=1,v1=00', 'whsec_x')).toEqualTypeOf<Promise<WebhookEvent>>();
expectTypeOf(verifyWebhook<{ bookId: string }>('{}', null, ['a', 'b'], { now: new Date() })).resolves.toHaveProperty(
  'data',
);
expectTypeOf<WebhookVerificationError['reason']>().toEqualTypeOf<
  'malformed_header' | 'stale' | 'signature_mismatch' | 'malformed_body'
>();
