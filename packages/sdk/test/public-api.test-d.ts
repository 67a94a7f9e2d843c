// Type tests of the public surface, checked by `tsc -p packages/sdk` (part of `npm test`): a
// change to these signatures is a breaking change and must show up here.
import { expectTypeOf } from 'vitest';
import {
  type Account,
  type CokoClient,
  type CokoError,
  type CokoErrorCode,
  type Consent,
  createCoko,
  type Me,
  type Page,
  type Preferences,
  type Profile,
  type Publisher,
  type UserExport,
} from '../src';
import type { ProgressSave, ProgressSaver } from '../src/reading/progress-saver';
import { type CokoServer, type CokoSession, createCokoServer } from '../src/server';

const coko = createCoko({ url: 'https://x.supabase.co', publishableKey: 'pk' });
expectTypeOf(coko).toEqualTypeOf<CokoClient>();
expectTypeOf(coko.account).toEqualTypeOf<Account>();

// Error codes: the one vocabulary, not any string.
expectTypeOf<CokoError['code']>().toEqualTypeOf<CokoErrorCode>();
expectTypeOf<'VALIDATION_ERROR'>().toExtend<CokoErrorCode>();
expectTypeOf<'SYNC_REJECTED'>().not.toExtend<CokoErrorCode>();

// Catalog: results are rows (snake_case), parameters camelCase.
expectTypeOf(coko.catalog.publishers).returns.resolves.toEqualTypeOf<Page<Publisher>>();
expectTypeOf<Publisher>().toHaveProperty('website');

// Account.
expectTypeOf(coko.account.me).returns.resolves.toEqualTypeOf<Me>();
expectTypeOf(coko.account.profile.get).returns.resolves.toEqualTypeOf<Profile>();
expectTypeOf<Profile['preferences']>().toEqualTypeOf<Preferences>();
expectTypeOf(coko.account.profile.update).parameter(0).toHaveProperty('displayName');
expectTypeOf(coko.account.consents.set).parameters.toEqualTypeOf<
  [kind: 'tracking' | 'marketing' | 'analytics', granted: boolean]
>();
expectTypeOf(coko.account.consents.list).returns.resolves.toEqualTypeOf<Consent[]>();
expectTypeOf(coko.account.export).returns.resolves.toEqualTypeOf<UserExport>();
expectTypeOf(coko.account.delete).returns.resolves.toBeVoid();

// Reading notes.
expectTypeOf(coko.reading.notes.markdown).returns.resolves.toBeString();
expectTypeOf(coko.reading.notes.pdf).returns.resolves.toEqualTypeOf<Blob>();

// @coko/sdk/server.
const server = createCokoServer({ url: 'https://x.supabase.co', secretKey: 'sk' });
expectTypeOf(server).toEqualTypeOf<CokoServer>();
expectTypeOf(server.sessions.create).returns.resolves.toEqualTypeOf<CokoSession>();
expectTypeOf(server.sessions.create).parameter(0).toHaveProperty('externalUserId');

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
expectTypeOf<import('../src').ReadingSession['device_type']>().toEqualTypeOf<'web' | 'android' | 'ios' | 'other'>();
