// Fixtures for the notes export tests: books, readers and annotations written as the superuser in the
// test file's own database, requests through the gateway with user tokens, PDF text read back with unpdf.
import { randomUUID } from 'node:crypto';
import { mintUserToken } from '@coko/server/dev';
import pg from 'pg';
import { extractText, getDocumentProxy } from 'unpdf';
import { afterAll } from 'vitest';
import { testStack } from '../../../../test/stack.ts';
import { withTransaction } from '../../src/db/transaction.ts';

export const stack = testStack();
export const API = `${stack.url}/functions/v1/api`;
export const DEMO_READER = '00000000-0000-4000-8000-000000000001';
export const DEMO_ADMIN = '00000000-0000-4000-8000-000000000002';

/** The file's database as the superuser (fixtures). */
export const admin = new pg.Pool({ connectionString: stack.adminDatabaseUrl, max: 2 });

afterAll(async () => {
  await admin.end();
});

export async function sql<R = Record<string, unknown>>(text: string, values: unknown[] = []): Promise<R[]> {
  return (await admin.query(text, values)).rows as R[];
}

/** A reader of their own (auth.users row; the profile, with `language`, comes from its trigger). */
export async function newReader(language?: 'fr' | 'en'): Promise<string> {
  const id = randomUUID();
  await sql(
    `insert into auth.users (instance_id, id, aud, role, email, email_confirmed_at, raw_app_meta_data,
       raw_user_meta_data, created_at, updated_at)
     values ('00000000-0000-0000-0000-000000000000', $1, 'authenticated', 'authenticated', $2, now(),
       '{"provider":"email","providers":["email"]}', $3, now(), now())`,
    [id, `reader-${id.slice(0, 8)}@notes.test`, JSON.stringify(language ? { language } : {})],
  );
  return id;
}

export interface BookInput {
  title: string;
  subtitle?: string | null;
  /** In credit order. */
  authors?: string[];
  publisher?: string | null;
  status?: 'published' | 'draft';
}

const slug = (prefix: string) => `${prefix}-${randomUUID().slice(0, 8)}`;

/** A book with its publisher and authors, as the superuser. */
export async function newBook(input: BookInput): Promise<string> {
  const id = randomUUID();
  let publisherId: string | null = null;
  if (input.publisher) {
    [{ id: publisherId } = { id: null }] = await sql<{ id: string }>(
      'insert into public.publishers (name, slug) values ($1, $2) returning id',
      [input.publisher, slug('publisher')],
    );
  }
  const status = input.status ?? 'published';
  await sql(
    `insert into public.books (id, title, subtitle, language, status, format, publisher_id)
     values ($1, $2, $3, 'fr', $4, $5, $6)`,
    [id, input.title, input.subtitle ?? null, status, status === 'published' ? 'epub' : null, publisherId],
  );
  // Credited in reverse so that the export's order comes from `position`, not from insertion.
  const authors = input.authors ?? [];
  for (let position = authors.length - 1; position >= 0; position--) {
    const [author] = await sql<{ id: string }>('insert into public.authors (name, slug) values ($1, $2) returning id', [
      authors[position],
      slug('author'),
    ]);
    await sql('insert into public.book_authors (book_id, author_id, position) values ($1, $2, $3)', [
      id,
      author?.id,
      position,
    ]);
  }
  return id;
}

export interface AnnotationInput {
  userId: string;
  bookId: string;
  kind: 'highlight' | 'note' | 'bookmark';
  locator: Record<string, unknown>;
  selectedText?: string | null;
  note?: string | null;
  color?: string;
  createdAt: string;
  updatedAt?: string;
  deletedAt?: string | null;
}

/**
 * Inserts an annotation as the superuser with the reading triggers off (session_replication_role = replica),
 * so that created_at / updated_at keep the fixture's values (the triggers stamp now()). Check constraints
 * (locator, lengths, colour) still apply.
 */
export async function insertAnnotation(input: AnnotationInput): Promise<string> {
  const id = randomUUID();
  await withTransaction(admin, async (tx) => {
    await tx.query('set local session_replication_role = replica');
    await tx.query(
      `insert into public.annotations (id, user_id, book_id, kind, locator, selected_text, note, color, device_id,
         device_updated_at, deleted_at, created_at, updated_at, change_seq)
       values ($1, $2, $3, $4, $5, $6, $7, $8, 'test-device', $9, $10, $9, $11, nextval('private.reading_change_seq'))`,
      [
        id,
        input.userId,
        input.bookId,
        input.kind,
        JSON.stringify(input.locator),
        input.selectedText ?? null,
        input.note ?? null,
        input.color ?? '#ffd54f',
        input.createdAt,
        input.deletedAt ?? null,
        input.updatedAt ?? input.createdAt,
      ],
    );
  });
  return id;
}

/** A Readium locator (type and progression filled in). */
export function locator(input: {
  href: string;
  title?: string;
  totalProgression: number;
  position?: number;
}): Record<string, unknown> {
  const locations: Record<string, unknown> = { progression: 0.5, totalProgression: input.totalProgression };
  if (input.position !== undefined) locations.position = input.position;
  return {
    href: input.href,
    type: 'application/xhtml+xml',
    ...(input.title === undefined ? {} : { title: input.title }),
    locations,
  };
}

export function tokenFor(userId: string): Promise<string> {
  return mintUserToken(stack.keys, { id: userId }, { expiresInSeconds: 600 });
}

/** GET through the gateway, with the user's token unless `userId` is null. */
export async function get(path: string, userId: string | null): Promise<Response> {
  const headers: Record<string, string> = {};
  if (userId) headers.authorization = `Bearer ${await tokenFor(userId)}`;
  return fetch(`${API}${path}`, { headers });
}

/** The text of each page of a PDF (pdf.js through unpdf). */
export async function pdfPages(bytes: ArrayBuffer): Promise<string[]> {
  const pdf = await getDocumentProxy(new Uint8Array(bytes));
  const { text } = await extractText(pdf, { mergePages: false });
  return text;
}
