// Row level security of the catalog: every table × every kind of caller × select/insert/update/delete,
// asserted twice: in SQL (as the API role, inside a rolled-back transaction) and through PostgREST
// with supabase-js (committed, on throwaway rows).
//
// Rules under test (supabase/migrations/*_catalog.sql, *_catalog_editors.sql):
// - editors are signed-in users holding books:update (moderators, admins); deleting needs
//   books:delete (admins). The service role bypasses RLS.
// - authors, publishers, categories: everyone reads; editors insert and update, admins delete.
// - books: published books are visible to everyone, drafts only to editors and the service role;
//   editors insert and update (publish, unpublish), admins delete.
// - book_authors, book_categories: visible when their book is (links of drafts are hidden from
//   readers); editors insert, update and delete them (changing a book's authors is editing it).
// - anon has no write privilege at all (permission denied); signed-in readers are stopped by
//   RLS (insert: "new row violates row-level security policy"; update/delete: no row affected).
import { randomUUID } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  adminQuery,
  CLIENT_KINDS,
  type ClientKind,
  clientAs,
  countRows,
  ensureTestUsers,
  permissionDenied,
  type Row,
  rlsTable,
  rlsViolation,
  sql,
  sqlError,
  sqlFor,
  USERS,
} from './helpers.js';

// =============================================================================================
// Fixtures (created as the superuser in this file's own database)
// =============================================================================================
const FIX = {
  publisher: '30000000-0000-4000-8000-000000000001',
  author: '30000000-0000-4000-8000-000000000011',
  category: '30000000-0000-4000-8000-000000000021',
  published: '30000000-0000-4000-8000-000000000031',
  draft: '30000000-0000-4000-8000-000000000032',
} as const;

const DRAFT_TITLE = 'Zyxwvut brouillon secret';

async function createFixtures(): Promise<void> {
  await adminQuery(`insert into public.publishers (id, name, slug) values ($1, 'RLS Publisher', 'rls-publisher')`, [
    FIX.publisher,
  ]);
  await adminQuery(`insert into public.authors (id, name, slug) values ($1, 'RLS Author', 'rls-author')`, [FIX.author]);
  await adminQuery(`insert into public.categories (id, name, slug) values ($1, 'RLS Category', 'rls-category')`, [
    FIX.category,
  ]);
  await adminQuery(
    `insert into public.books (id, title, language, status, format, publisher_id) values
       ($1, 'RLS published book', 'fr', 'published', 'epub', $3),
       ($2, $4, 'fr', 'draft', null, $3)`,
    [FIX.published, FIX.draft, FIX.publisher, DRAFT_TITLE],
  );
  await adminQuery('insert into public.book_authors (book_id, author_id, position) values ($1, $3, 0), ($2, $3, 0)', [
    FIX.published,
    FIX.draft,
    FIX.author,
  ]);
  await adminQuery(`insert into public.book_categories (book_id, category_id) values ($1, $3), ($2, $3)`, [
    FIX.published,
    FIX.draft,
    FIX.category,
  ]);
}

let counter = 0;
const unique = () => `${++counter}-${randomUUID().slice(0, 8)}`;

async function newAuthor(): Promise<string> {
  const id = randomUUID();
  await adminQuery('insert into public.authors (id, name, slug) values ($1, $2, $3)', [
    id,
    'Throwaway author',
    `a-${id}`,
  ]);
  return id;
}

async function newPublisher(): Promise<string> {
  const id = randomUUID();
  await adminQuery('insert into public.publishers (id, name, slug) values ($1, $2, $3)', [
    id,
    'Throwaway publisher',
    `p-${id}`,
  ]);
  return id;
}

async function newCategory(): Promise<string> {
  const id = randomUUID();
  await adminQuery('insert into public.categories (id, name, slug, parent_id) values ($1, $2, $3, $4)', [
    id,
    'Throwaway category',
    `c-${id}`,
    FIX.category,
  ]);
  return id;
}

async function newBook(status: 'draft' | 'published'): Promise<string> {
  const id = randomUUID();
  await adminQuery(
    `insert into public.books (id, title, language, status, format) values ($1, 'Throwaway book', 'fr', $2, 'epub')`,
    [id, status],
  );
  return id;
}

// =============================================================================================
// The tables
// =============================================================================================
type CatalogTable = 'authors' | 'publishers' | 'categories' | 'books' | 'book_authors' | 'book_categories';

interface TableSpec {
  table: CatalogTable;
  /** Key of a fixture row that everyone sees. */
  visible: Row;
  /** Key of a fixture row only admins and the service role see (the draft book or its links). */
  hidden?: Row;
  /** A new row to insert (its dependencies are created as the superuser). */
  newRow(): Promise<Row>;
  /** A change to apply in updates. */
  patch(): Promise<Row>;
  /** Creates, as the superuser, a row to update or delete (`hidden`: of / linked to a draft). */
  throwaway(hidden: boolean): Promise<Row>;
}

const SPECS: TableSpec[] = [
  {
    table: rlsTable('authors'),
    visible: { id: FIX.author },
    newRow: async () => ({ id: randomUUID(), name: 'New author', slug: `new-author-${unique()}` }),
    patch: async () => ({ biography: `Changed ${unique()}` }),
    throwaway: async () => ({ id: await newAuthor() }),
  },
  {
    table: rlsTable('publishers'),
    visible: { id: FIX.publisher },
    newRow: async () => ({ id: randomUUID(), name: 'New publisher', slug: `new-publisher-${unique()}` }),
    patch: async () => ({ description: `Changed ${unique()}` }),
    throwaway: async () => ({ id: await newPublisher() }),
  },
  {
    table: rlsTable('categories'),
    visible: { id: FIX.category },
    newRow: async () => ({
      id: randomUUID(),
      name: 'New category',
      slug: `new-category-${unique()}`,
      parent_id: FIX.category,
    }),
    patch: async () => ({ description: `Changed ${unique()}` }),
    throwaway: async () => ({ id: await newCategory() }),
  },
  {
    table: rlsTable('books'),
    visible: { id: FIX.published },
    hidden: { id: FIX.draft },
    newRow: async () => ({ id: randomUUID(), title: `New book ${unique()}`, language: 'fr', status: 'draft' }),
    patch: async () => ({ title: `Changed ${unique()}` }),
    throwaway: async (hidden) => ({ id: await newBook(hidden ? 'draft' : 'published') }),
  },
  {
    table: rlsTable('book_authors'),
    visible: { book_id: FIX.published, author_id: FIX.author },
    hidden: { book_id: FIX.draft, author_id: FIX.author },
    newRow: async () => ({ book_id: FIX.published, author_id: await newAuthor(), position: 1 }),
    patch: async () => ({ position: 7 }),
    throwaway: async (hidden) => {
      const row = { book_id: hidden ? FIX.draft : FIX.published, author_id: await newAuthor() };
      await adminQuery('insert into public.book_authors (book_id, author_id) values ($1, $2)', [
        row.book_id,
        row.author_id,
      ]);
      return row;
    },
  },
  {
    table: rlsTable('book_categories'),
    visible: { book_id: FIX.published, category_id: FIX.category },
    hidden: { book_id: FIX.draft, category_id: FIX.category },
    newRow: async () => ({ book_id: FIX.published, category_id: await newCategory() }),
    patch: async () => ({ category_id: await newCategory() }),
    throwaway: async (hidden) => {
      const row = { book_id: hidden ? FIX.draft : FIX.published, category_id: await newCategory() };
      await adminQuery('insert into public.book_categories (book_id, category_id) values ($1, $2)', [
        row.book_id,
        row.category_id,
      ]);
      return row;
    },
  },
];

// =============================================================================================
// Statements
// =============================================================================================

// =============================================================================================
// Expectations
// =============================================================================================
/** Who sees drafts, adds and edits (books:update). */
const WRITERS: readonly ClientKind[] = ['moderator', 'admin', 'service'];
/** Who deletes authors, publishers, categories and books (books:delete). */
const DELETERS: readonly ClientKind[] = ['admin', 'service'];
/** Links (book_authors, book_categories) are part of editing a book: editors remove them too. */
const LINK_TABLES: readonly CatalogTable[] = ['book_authors', 'book_categories'];
const isWriter = (kind: ClientKind) => WRITERS.includes(kind);

type Outcome = 'allowed' | 'no-privilege' | 'rls';

/** What a write by `kind` does: succeed, fail on privileges (anon), or be stopped by RLS. */
function writeOutcome(kind: ClientKind, table: CatalogTable, action: 'insert' | 'update' | 'delete'): Outcome {
  const allowed = action === 'delete' && !LINK_TABLES.includes(table) ? DELETERS : WRITERS;
  if (allowed.includes(kind)) return 'allowed';
  return kind === 'anon' ? 'no-privilege' : 'rls';
}

const INSERT_VERDICT = {
  allowed: 'allowed',
  'no-privilege': 'permission denied (42501)',
  rls: 'RLS violation (42501)',
} as const;
const CHANGE_VERDICT = {
  allowed: 'allowed',
  'no-privilege': 'permission denied (42501)',
  rls: 'no row affected',
} as const;

/** PostgREST maps 42501 to 401 for anon and 403 for a signed-in role. */
const deniedStatus = (kind: ClientKind) => (kind === 'anon' ? 401 : 403);

beforeAll(async () => {
  await ensureTestUsers();
  await createFixtures();
});

// =============================================================================================
// The matrix
// =============================================================================================
describe.each(SPECS)('$table', (spec) => {
  const { table } = spec;

  describe.each(CLIENT_KINDS.map((kind) => ({ kind })))('as $kind', ({ kind }) => {
    const insertOutcome = writeOutcome(kind, table, 'insert');
    const updateOutcome = writeOutcome(kind, table, 'update');
    const deleteOutcome = writeOutcome(kind, table, 'delete');
    const targets: { label: string; hidden: boolean }[] = [{ label: '', hidden: false }];
    if (spec.hidden) targets.push({ label: ' (draft)', hidden: true });

    // ----- select --------------------------------------------------------------------------
    it('SQL select: sees the visible row', async () => {
      const result = await sqlFor(kind, (db) => sql.select(db, table, spec.visible));
      expect(result.rowCount).toBe(1);
    });

    it('API select: sees the visible row', async () => {
      const client = await clientAs(kind);
      const { data, error, status } = await client.from(table).select('*').match(spec.visible);
      expect(error).toBeNull();
      expect(status).toBe(200);
      expect(data).toHaveLength(1);
      expect(data![0]).toMatchObject(spec.visible);
    });

    if (spec.hidden) {
      const hidden = spec.hidden;
      const seesDrafts = isWriter(kind);
      it(`SQL select (draft): ${seesDrafts ? 'sees' : 'does not see'} the draft row`, async () => {
        const result = await sqlFor(kind, (db) => sql.select(db, table, hidden));
        expect(result.rowCount).toBe(seesDrafts ? 1 : 0);
      });

      it(`API select (draft): ${seesDrafts ? 'sees' : 'gets an empty list for'} the draft row`, async () => {
        const client = await clientAs(kind);
        const { data, error } = await client.from(table).select('*').match(hidden);
        expect(error).toBeNull();
        expect(data).toEqual(seesDrafts ? [expect.objectContaining(hidden)] : []);
      });
    }

    // ----- insert --------------------------------------------------------------------------
    it(`SQL insert: ${INSERT_VERDICT[insertOutcome]}`, async () => {
      const outcome = insertOutcome;
      const row = await spec.newRow();
      if (outcome === 'allowed') {
        const inserted = await sqlFor(kind, async (db) => {
          const result = await sql.insert(db, table, row);
          return { result, readBack: await sql.select(db, table, row) };
        });
        expect(inserted.result.rowCount).toBe(1);
        expect(inserted.readBack.rowCount).toBe(1);
        return;
      }
      const error = await sqlError(sqlFor(kind, (db) => sql.insert(db, table, row)));
      expect(error.code).toBe('42501');
      expect(error.message).toBe(outcome === 'no-privilege' ? permissionDenied(table) : rlsViolation(table));
    });

    it(`API insert: ${INSERT_VERDICT[insertOutcome]}`, async () => {
      const outcome = insertOutcome;
      const client = await clientAs(kind);
      const row = await spec.newRow();
      const { data, error, status } = await client.from(table).insert(row).select();
      if (outcome === 'allowed') {
        expect(error).toBeNull();
        expect(status).toBe(201);
        expect(data).toEqual([expect.objectContaining(row)]);
        expect(await countRows(table, row)).toBe(1);
        return;
      }
      expect(status).toBe(deniedStatus(kind));
      expect(error).toMatchObject({
        code: '42501',
        message: outcome === 'no-privilege' ? permissionDenied(table) : rlsViolation(table),
      });
      expect(data).toBeNull();
      expect(await countRows(table, row)).toBe(0);
    });

    // ----- update and delete -------------------------------------------------------------
    for (const { label, hidden } of targets) {
      it(`SQL update${label}: ${CHANGE_VERDICT[updateOutcome]}`, async () => {
        const outcome = updateOutcome;
        const key = await spec.throwaway(hidden);
        const patch = await spec.patch();
        if (outcome === 'no-privilege') {
          const error = await sqlError(sqlFor(kind, (db) => sql.update(db, table, key, patch)));
          expect(error.code).toBe('42501');
          expect(error.message).toBe(permissionDenied(table));
          return;
        }
        const result = await sqlFor(kind, (db) => sql.update(db, table, key, patch));
        expect(result.rowCount).toBe(outcome === 'allowed' ? 1 : 0);
      });

      it(`API update${label}: ${CHANGE_VERDICT[updateOutcome]}`, async () => {
        const outcome = updateOutcome;
        const client = await clientAs(kind);
        const key = await spec.throwaway(hidden);
        const patch = await spec.patch();
        const { data, error, status } = await client.from(table).update(patch).match(key).select();
        if (outcome === 'no-privilege') {
          expect(status).toBe(401);
          expect(error).toMatchObject({ code: '42501', message: permissionDenied(table) });
        } else if (outcome === 'rls') {
          expect(error).toBeNull();
          expect(data).toEqual([]);
        } else {
          expect(error).toBeNull();
          expect(data).toEqual([expect.objectContaining(patch)]);
        }
        const changed = await countRows(table, { ...key, ...patch });
        expect(changed).toBe(outcome === 'allowed' ? 1 : 0);
        if (outcome !== 'allowed') expect(await countRows(table, key)).toBe(1);
      });

      it(`SQL delete${label}: ${CHANGE_VERDICT[deleteOutcome]}`, async () => {
        const outcome = deleteOutcome;
        const key = await spec.throwaway(hidden);
        if (outcome === 'no-privilege') {
          const error = await sqlError(sqlFor(kind, (db) => sql.delete(db, table, key)));
          expect(error.code).toBe('42501');
          expect(error.message).toBe(permissionDenied(table));
          return;
        }
        const result = await sqlFor(kind, (db) => sql.delete(db, table, key));
        expect(result.rowCount).toBe(outcome === 'allowed' ? 1 : 0);
      });

      it(`API delete${label}: ${CHANGE_VERDICT[deleteOutcome]}`, async () => {
        const outcome = deleteOutcome;
        const client = await clientAs(kind);
        const key = await spec.throwaway(hidden);
        const { data, error, status } = await client.from(table).delete().match(key).select();
        if (outcome === 'no-privilege') {
          expect(status).toBe(401);
          expect(error).toMatchObject({ code: '42501', message: permissionDenied(table) });
        } else if (outcome === 'rls') {
          expect(error).toBeNull();
          expect(data).toEqual([]);
        } else {
          expect(error).toBeNull();
          expect(data).toEqual([expect.objectContaining(key)]);
        }
        expect(await countRows(table, key)).toBe(outcome === 'allowed' ? 0 : 1);
      });
    }
  });
});

// =============================================================================================
// Drafts through joins, embedding and search
// =============================================================================================
describe('drafts stay hidden from readers everywhere', () => {
  const NON_ADMINS = CLIENT_KINDS.filter((kind) => !isWriter(kind));

  it.each(NON_ADMINS)('%s: an author lists only the links of published books (SQL)', async (kind) => {
    const result = await sqlFor(kind, (db) =>
      db.query('select book_id from public.book_authors where author_id = $1', [FIX.author]),
    );
    expect(result.rows).toEqual([{ book_id: FIX.published }]);
  });

  it.each(NON_ADMINS)('%s: embedding links from an author or a category skips the draft (API)', async (kind) => {
    const client = await clientAs(kind);
    const authors = await client.from('authors').select('id, book_authors(book_id)').eq('id', FIX.author);
    expect(authors.error).toBeNull();
    expect(authors.data).toEqual([{ id: FIX.author, book_authors: [{ book_id: FIX.published }] }]);
    const categories = await client.from('categories').select('id, book_categories(book_id)').eq('id', FIX.category);
    expect(categories.data).toEqual([{ id: FIX.category, book_categories: [{ book_id: FIX.published }] }]);
    const drafts = await client.from('books').select('id').eq('status', 'draft');
    expect(drafts.data).toEqual([]);
  });

  it.each(WRITERS)('%s: sees the draft and its links (API)', async (kind) => {
    const client = await clientAs(kind);
    const { data, error } = await client
      .from('books')
      .select('id, status, book_authors(author_id), book_categories(category_id)')
      .eq('id', FIX.draft)
      // The matrix adds throwaway links to the draft; look at the fixture's own links.
      .eq('book_authors.author_id', FIX.author)
      .eq('book_categories.category_id', FIX.category);
    expect(error).toBeNull();
    expect(data).toEqual([
      {
        id: FIX.draft,
        status: 'draft',
        book_authors: [{ author_id: FIX.author }],
        book_categories: [{ category_id: FIX.category }],
      },
    ]);
  });

  it.each(CLIENT_KINDS)('%s: search_books never returns a draft', async (kind) => {
    const client = await clientAs(kind);
    const { data, error } = await client.rpc('search_books', { query: DRAFT_TITLE });
    expect(error).toBeNull();
    expect(data.items.map((item: { id: string }) => item.id)).not.toContain(FIX.draft);
  });

  it('a signed-in reader cannot publish a draft (no row affected, still a draft)', async () => {
    const client = await clientAs('user');
    const { data, error } = await client.from('books').update({ status: 'published' }).eq('id', FIX.draft).select();
    expect(error).toBeNull();
    expect(data).toEqual([]);
    expect(await countRows('books', { id: FIX.draft, status: 'draft' })).toBe(1);
  });

  it('a moderator can publish and unpublish a book, but not delete it', async () => {
    const client = await clientAs('moderator');
    const id = await newBook('draft');
    const published = await client.from('books').update({ status: 'published' }).eq('id', id).select('id, status');
    expect(published.error).toBeNull();
    expect(published.data).toEqual([{ id, status: 'published' }]);
    const unpublished = await client.from('books').update({ status: 'draft' }).eq('id', id).select('id, status');
    expect(unpublished.data).toEqual([{ id, status: 'draft' }]);
    const deleted = await client.from('books').delete().eq('id', id).select();
    expect(deleted.data).toEqual([]);
    expect(await countRows('books', { id, status: 'draft' })).toBe(1);
  });

  it('a moderator cannot publish a book without a format (check constraint)', async () => {
    const client = await clientAs('moderator');
    const { error, status } = await client.from('books').update({ status: 'published' }).eq('id', FIX.draft);
    expect(status).toBe(400);
    expect(error).toMatchObject({ code: '23514' });
    expect(await countRows('books', { id: FIX.draft, status: 'draft' })).toBe(1);
  });
});

describe('books.search_vector is maintained by triggers only', () => {
  it('admin cannot write it through the API (no column privilege)', async () => {
    const client = await clientAs('admin');
    const { error, status } = await client.from('books').update({ search_vector: 'spam' }).eq('id', FIX.published);
    expect(status).toBe(403);
    expect(error).toMatchObject({ code: '42501', message: permissionDenied('books') });
  });

  it('admin cannot write it in SQL either', async () => {
    const error = await sqlError(
      sqlFor('admin', (db) =>
        db.query(`update public.books set search_vector = 'spam' where id = $1`, [FIX.published]),
      ),
    );
    expect(error.code).toBe('42501');
    expect(error.message).toBe(permissionDenied('books'));
  });
});

// =============================================================================================
// Audit: every catalog write is logged with the editor as the actor
// =============================================================================================
describe('catalog writes are audited with the editor as actor', () => {
  const auditOf = (resourceType: string, resourceId: string) =>
    adminQuery<{ actor_id: string | null; action: string; new_values: Row | null }>(
      `select actor_id, action, new_values from public.audit_logs
       where resource_type = $1 and resource_id = $2 order by created_at`,
      [resourceType, resourceId],
    );

  it('a moderator adding an author, a category and a book link leaves one entry each (API)', async () => {
    const client = await clientAs('moderator');
    const moderator = USERS.moderator.id;
    const author = { id: randomUUID(), name: 'Audited author', slug: `audited-${unique()}` };
    expect((await client.from('authors').insert(author)).error).toBeNull();
    const category = { id: randomUUID(), name: 'Audited category', slug: `audited-${unique()}` };
    expect((await client.from('categories').insert(category)).error).toBeNull();
    const book = await newBook('draft');
    expect((await client.from('book_authors').insert({ book_id: book, author_id: author.id })).error).toBeNull();
    expect((await client.from('authors').update({ biography: 'Née à Dakar.' }).eq('id', author.id)).error).toBeNull();

    expect(await auditOf('author', author.id)).toEqual([
      { actor_id: moderator, action: 'author.insert', new_values: expect.objectContaining({ name: 'Audited author' }) },
      {
        actor_id: moderator,
        action: 'author.update',
        new_values: expect.objectContaining({ biography: 'Née à Dakar.' }),
      },
    ]);
    expect(await auditOf('category', category.id)).toEqual([
      { actor_id: moderator, action: 'category.insert', new_values: expect.objectContaining({ id: category.id }) },
    ]);
    expect(await auditOf('book_author', book)).toEqual([
      {
        actor_id: moderator,
        action: 'book_author.insert',
        new_values: expect.objectContaining({ author_id: author.id }),
      },
    ]);
  });

  it('a refused write leaves no entry', async () => {
    const client = await clientAs('user');
    const author = { id: randomUUID(), name: 'Refused author', slug: `refused-${unique()}` };
    expect((await client.from('authors').insert(author)).error).toMatchObject({ code: '42501' });
    expect(await auditOf('author', author.id)).toEqual([]);
  });
});
