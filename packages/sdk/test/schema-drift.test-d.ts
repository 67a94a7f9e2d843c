// Drift guard, checked by `tsc -p packages/sdk` (part of `npm test`). The SDK's public types are
// written by hand (src/*/types.ts) so that a migration cannot change the SDK's surface by
// accident. Each check below compares a public type with the generated database types
// (src/database.types.ts, regenerated after every migration; its columns in the public camelCase
// through `Camel`, docs/DECISIONS.md "One casing"): a failure names the public type and
// its drifted fields. Then either keep the column as it was, or update the public type
// deliberately — a changed or removed field is a breaking change of @coko/sdk (changeset).
import { expectTypeOf } from 'vitest';
import type { Camel } from '../src/core/case';
import type { Enums, Json as GeneratedJson, Tables } from '../src/database.types';
import type {
  Annotation,
  AnnotationKind,
  AnnotationRow,
  Author,
  AuthorSummary,
  Book,
  Category,
  Consent,
  ConsentKind,
  DeviceType,
  Json,
  ListBook,
  OrderStatus,
  Plan,
  Profile,
  ProviderName,
  Publisher,
  ReadingProgress,
  ReadingProgressRow,
  ReadingSession,
  ReadingSessionRow,
  SearchFacets,
} from '../src/index';

/** Mutual assignability (a field may be spelled differently, e.g. an inline union for an enum). */
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;

/**
 * The fields of `Public` (minus `Except`: embeds, and `jsonb` columns the SDK types more
 * precisely) that are missing from the generated `Row` or typed differently there. `never` when
 * none drifted.
 */
type Drift<Public, Row, Except extends keyof Public = never> = {
  [K in Exclude<keyof Public, Except>]-?: K extends keyof Row ? (Same<Public[K], Row[K]> extends true ? never : K) : K;
}[Exclude<keyof Public, Except>];

/** Columns of the table that a public "whole row" type lacks (a migration added one). */
type Missing<Public, Row> = Exclude<keyof Row, keyof Public>;

/** Compiles only when nothing drifted; otherwise the error names the fields (`Type '"price"' does not satisfy the constraint 'never'`). */
const noDrift = <Fields extends never>(): Fields | undefined => undefined;

// Enums and JSON.
expectTypeOf<Same<AnnotationKind, Enums<'annotation_kind'>>>().toEqualTypeOf<true>();
expectTypeOf<Same<DeviceType, Enums<'device_type'>>>().toEqualTypeOf<true>();
expectTypeOf<Same<ConsentKind, Enums<'consent_kind'>>>().toEqualTypeOf<true>();
expectTypeOf<Same<Json, GeneratedJson>>().toEqualTypeOf<true>();
// Payments' shapes are the API's (camelCase), but their vocabularies are the database's enums.
expectTypeOf<Same<ProviderName, Enums<'payment_provider'>>>().toEqualTypeOf<true>();
expectTypeOf<Same<OrderStatus, Enums<'order_status'>>>().toEqualTypeOf<true>();
expectTypeOf<Same<Plan['interval'], Enums<'plan_interval'>>>().toEqualTypeOf<true>();

// Catalog.
noDrift<Drift<AuthorSummary, Camel<Tables<'authors'>>>>();
noDrift<Drift<Author, Camel<Tables<'authors'>>>>();
noDrift<Drift<Category, Camel<Tables<'categories'>>>>();
noDrift<Drift<Publisher, Camel<Tables<'publishers'>>>>();
noDrift<Drift<ListBook, Camel<Tables<'books'>>, 'authors'>>();
noDrift<Drift<Book, Camel<Tables<'books'>>, 'authors' | 'categories' | 'publisher'>>();
noDrift<Drift<Book['authors'][number], Camel<Tables<'authors'>>>>();
noDrift<Drift<Book['categories'][number], Camel<Tables<'categories'>>>>();
noDrift<Drift<NonNullable<Book['publisher']>, Camel<Tables<'publishers'>>>>();
noDrift<Drift<SearchFacets['categories'][number], Camel<Tables<'categories'>>, 'count'>>();
noDrift<Drift<SearchFacets['languages'][number], Camel<Tables<'books'>>, 'count'>>();
noDrift<Drift<SearchFacets['price'][number], Camel<Tables<'books'>>, 'count'>>();

// Reading: whole rows (what `sync()` returns) with their keys in camelCase (`Camel<…>`, as the SDK
// returns them), `locator` typed as a Readium locator.
noDrift<Drift<ReadingProgressRow, Camel<Tables<'reading_progress'>>, 'locator'>>();
noDrift<Missing<ReadingProgressRow, Camel<Tables<'reading_progress'>>>>();
noDrift<Drift<AnnotationRow, Camel<Tables<'annotations'>>, 'locator'>>();
noDrift<Missing<AnnotationRow, Camel<Tables<'annotations'>>>>();
noDrift<Drift<ReadingSessionRow, Camel<Tables<'reading_sessions'>>>>();
noDrift<Missing<ReadingSessionRow, Camel<Tables<'reading_sessions'>>>>();
noDrift<Drift<ReadingProgress, Camel<Tables<'reading_progress'>>, 'locator'>>();
noDrift<Drift<Annotation, Camel<Tables<'annotations'>>, 'locator'>>();
noDrift<Drift<ReadingSession, Camel<Tables<'reading_sessions'>>>>();

// Account (`preferences` is typed as `Preferences`, not the column's JSON).
noDrift<Drift<Profile, Camel<Tables<'profiles'>>, 'preferences'>>();
noDrift<Drift<Consent, Camel<Tables<'consents'>>>>();
