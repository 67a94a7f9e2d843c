// The editors' API (/v1/admin/books, authors, publishers, categories) against a real database: the
// permission matrix (moderators edit and publish but do not delete, readers 403, anonymous 401), validation
// naming the field, SQL conflicts as 409, publication refused without a file, the category tree kept valid,
// and audit rows whose actor is the editor.
import { randomUUID } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import { call, newUser, sql, type User } from './helpers.ts';

let admin: User;
let moderator: User;
let reader: User;

beforeAll(async () => {
  [admin, moderator, reader] = await Promise.all([newUser('admin'), newUser('moderator'), newUser()]);
});

const uniq = () => randomUUID().slice(0, 8);

/** Gives a book a readable file, as the upload pipeline does. */
const attachFile = (id: string) =>
  sql(`update public.books set format = 'epub', file_path = $2, file_size = 1000 where id = $1`, [
    id,
    `books/${id}/book.epub`,
  ]);

describe('the permission matrix', () => {
  it('anonymous → 401, reader → 403 on every route', async () => {
    const id = randomUUID();
    const routes: [string, string, unknown?][] = [
      ['GET', '/v1/admin/books'],
      ['POST', '/v1/admin/books', { title: 'Interdit' }],
      ['PATCH', `/v1/admin/books/${id}`, { title: 'Interdit' }],
      ['DELETE', `/v1/admin/books/${id}`],
      ['POST', `/v1/admin/books/${id}/publish`],
      ['POST', '/v1/admin/authors', { name: 'Interdit' }],
      ['PATCH', `/v1/admin/categories/${id}`, { parentId: null }],
      ['DELETE', `/v1/admin/publishers/${id}`],
    ];
    for (const [method, path, body] of routes) {
      const anonymous = await call(undefined, method, path, body);
      expect([method, path, anonymous.status, anonymous.body.error.code]).toEqual([
        method,
        path,
        401,
        'AUTHENTICATION_ERROR',
      ]);
      const denied = await call(reader, method, path, body);
      expect([method, path, denied.status, denied.body.error.code]).toEqual([method, path, 403, 'PERMISSION_DENIED']);
    }
  });

  it('a moderator creates, edits, publishes and unpublishes a book, but cannot delete it', async () => {
    const created = await call(moderator, 'POST', '/v1/admin/books', { title: 'Une si longue lettre', price: 2500 });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({
      title: 'Une si longue lettre',
      status: 'draft',
      price: 2500,
      currency: 'XOF',
    });
    const id = created.body.id as string;

    const edited = await call(moderator, 'PATCH', `/v1/admin/books/${id}`, { subtitle: 'Roman', language: 'fr-SN' });
    expect(edited.status).toBe(200);
    expect(edited.body).toMatchObject({ subtitle: 'Roman', language: 'fr-SN', title: 'Une si longue lettre' });

    await attachFile(id);
    const published = await call(moderator, 'POST', `/v1/admin/books/${id}/publish`);
    expect(published.status).toBe(200);
    expect(published.body).toMatchObject({ status: 'published', publishedAt: expect.any(String) });
    const unpublished = await call(moderator, 'POST', `/v1/admin/books/${id}/unpublish`);
    expect(unpublished.body).toMatchObject({ status: 'draft' });

    const deleted = await call(moderator, 'DELETE', `/v1/admin/books/${id}`);
    expect(deleted.status).toBe(403);
    expect(deleted.body.error).toMatchObject({ code: 'PERMISSION_DENIED', details: { permission: 'books:delete' } });
    expect(await sql('select id from public.books where id = $1', [id])).toHaveLength(1);

    expect((await call(admin, 'DELETE', `/v1/admin/books/${id}`)).status).toBe(204);
    expect((await call(admin, 'GET', `/v1/admin/books/${id}`)).status).toBe(404);
  });

  it('the list shows drafts to editors, newest first, a page at a time', async () => {
    const title = `Brouillon ${uniq()}`;
    const ids: string[] = [];
    for (let i = 0; i < 3; i++)
      ids.push((await call(moderator, 'POST', '/v1/admin/books', { title: `${title} ${i}` })).body.id);
    const first = await call(moderator, 'GET', `/v1/admin/books?q=${encodeURIComponent(title)}&limit=2&status=draft`);
    expect(first.status).toBe(200);
    expect(first.body.data.map((b: { id: string }) => b.id)).toEqual([ids[2], ids[1]]);
    const second = await call(
      moderator,
      'GET',
      `/v1/admin/books?q=${encodeURIComponent(title)}&limit=2&cursor=${first.body.nextCursor}`,
    );
    expect(second.body).toEqual({ data: [expect.objectContaining({ id: ids[0] })], nextCursor: null });
    expect((await call(moderator, 'GET', '/v1/admin/books?cursor=nope')).status).toBe(400);
  });
});

describe('books', () => {
  it('sets ordered author and category lists, and replaces them', async () => {
    const authors = await Promise.all(
      ['Mariama Bâ', 'Cheikh Hamidou Kane', 'Aminata Sow Fall'].map(
        async (name) => (await call(moderator, 'POST', '/v1/admin/authors', { name })).body.id as string,
      ),
    );
    const parent = (await call(moderator, 'POST', '/v1/admin/categories', { name: `Romans ${uniq()}` })).body.id;
    const child = (
      await call(moderator, 'POST', '/v1/admin/categories', { name: `Classiques ${uniq()}`, parentId: parent })
    ).body.id;
    const created = await call(moderator, 'POST', '/v1/admin/books', {
      title: 'Livre à plusieurs mains',
      authorIds: [authors[1], authors[0]],
      categoryIds: [child, parent],
    });
    expect(created.body).toMatchObject({ authorIds: [authors[1], authors[0]], categoryIds: [child, parent] });
    const id = created.body.id;
    const changed = await call(moderator, 'PATCH', `/v1/admin/books/${id}`, { authorIds: [authors[2], authors[1]] });
    expect(changed.body).toMatchObject({ authorIds: [authors[2], authors[1]], categoryIds: [child, parent] });
    const [row] = await sql<{ list_authors: { name: string }[] }>(
      'select list_authors from public.books where id = $1',
      [id],
    );
    expect(row?.list_authors.map((a) => a.name)).toEqual(['Aminata Sow Fall', 'Cheikh Hamidou Kane']);
  });

  it.each([
    [{ title: '' }, 'title'],
    [{ title: 'x', isbn: '978-2-07-036822-9' }, 'isbn'],
    [{ title: 'x', language: 'FR' }, 'language'],
    [{ title: 'x', currency: 'cfa' }, 'currency'],
    [{ title: 'x', price: -1 }, 'price'],
    [{ title: 'x', isFree: true, price: 500 }, 'price'],
    [{ title: 'x', availableCountries: ['SEN'] }, 'availableCountries.0'],
    [{ title: 'x', authorIds: ['not-a-uuid'] }, 'authorIds.0'],
    [{ title: 'x', status: 'published' }, ''],
  ])('refuses %j with a 400 naming %s', async (body, path) => {
    const response = await call(moderator, 'POST', '/v1/admin/books', body);
    expect(response.status).toBe(400);
    expect(response.body.error.code).toBe('VALIDATION_ERROR');
    expect(response.body.error.details.issues.map((issue: { path: string }) => issue.path)).toContain(path);
  });

  it('a price on a free book already in the database is a 400 naming price (the table check)', async () => {
    const id = (await call(moderator, 'POST', '/v1/admin/books', { title: 'Gratuit', isFree: true })).body.id;
    const response = await call(moderator, 'PATCH', `/v1/admin/books/${id}`, { price: 1000 });
    expect(response.status).toBe(400);
    expect(response.body.error).toMatchObject({
      code: 'VALIDATION_ERROR',
      details: { field: 'price', constraint: 'books_free_has_no_price' },
    });
  });

  it('a duplicate ISBN (even in the other form) is a 409 naming isbn; an unknown author a 409 naming authorIds', async () => {
    expect((await call(moderator, 'POST', '/v1/admin/books', { title: 'A', isbn: '2-07-036822-X' })).status).toBe(201);
    const duplicate = await call(moderator, 'POST', '/v1/admin/books', { title: 'B', isbn: '9782070368228' });
    expect(duplicate.status).toBe(409);
    expect(duplicate.body.error).toMatchObject({ code: 'CONFLICT', details: { field: 'isbn' } });
    const unknown = await call(moderator, 'POST', '/v1/admin/books', { title: 'C', authorIds: [randomUUID()] });
    expect(unknown.status).toBe(409);
    expect(unknown.body.error).toMatchObject({ code: 'CONFLICT', details: { field: 'authorIds' } });
  });

  it('values only the database refuses are 400s, never 500s', async () => {
    for (const body of [
      { title: 'x', metadata: { note: 'nul \u0000 inside' } },
      { title: 'x', publicationDate: '2026-02-30' },
    ]) {
      const response = await call(moderator, 'POST', '/v1/admin/books', body);
      expect([JSON.stringify(body), response.status, response.body.error.code]).toEqual([
        JSON.stringify(body),
        400,
        'VALIDATION_ERROR',
      ]);
    }
  });

  it('a search with % or _ matches them literally', async () => {
    const tag = uniq();
    const exact = (await call(moderator, 'POST', '/v1/admin/books', { title: `Remise 50% ${tag}` })).body.id;
    await call(moderator, 'POST', '/v1/admin/books', { title: `Remise 50 ans ${tag}` });
    const found = await call(moderator, 'GET', `/v1/admin/books?q=${encodeURIComponent(`50% ${tag}`)}`);
    expect(found.body.data.map((b: { id: string }) => b.id)).toEqual([exact]);
  });

  it('publishing a book without a file is refused with 422 and a reason', async () => {
    const id = (await call(moderator, 'POST', '/v1/admin/books', { title: 'Sans fichier' })).body.id;
    const response = await call(moderator, 'POST', `/v1/admin/books/${id}/publish`);
    expect(response.status).toBe(422);
    expect(response.body.error).toMatchObject({ code: 'VALIDATION_ERROR', details: { reason: 'NO_FILE' } });
    expect((await call(moderator, 'GET', `/v1/admin/books/${id}`)).body.status).toBe('draft');
  });

  it('every change is audited with the editor as actor', async () => {
    const id = (await call(moderator, 'POST', '/v1/admin/books', { title: 'Audité' })).body.id;
    await call(moderator, 'PATCH', `/v1/admin/books/${id}`, { title: 'Audité deux fois' });
    await attachFile(id);
    await call(moderator, 'POST', `/v1/admin/books/${id}/publish`);
    const rows = await sql<{ actor_id: string | null; action: string; user_agent: string | null }>(
      `select actor_id, action, user_agent from public.audit_logs
       where resource_type = 'book' and resource_id = $1 order by created_at`,
      [id],
    );
    const byModerator = rows.filter((row) => row.actor_id === moderator.id);
    expect(byModerator.map((row) => row.action)).toEqual(['book.insert', 'book.update', 'book.update']);
    expect(byModerator.every((row) => row.user_agent === 'editors-test')).toBe(true);
  });
});

describe('authors, publishers, categories', () => {
  it('creates, edits, lists and (admins only) deletes; an author credited on a book cannot be deleted', async () => {
    const author = await call(moderator, 'POST', '/v1/admin/authors', { name: 'Ngũgĩ wa Thiong’o' });
    expect(author.status).toBe(201);
    expect(author.body).toMatchObject({ name: 'Ngũgĩ wa Thiong’o', slug: expect.stringMatching(/^ngugi-wa-thiong-o/) });
    const edited = await call(moderator, 'PATCH', `/v1/admin/authors/${author.body.id}`, { biography: 'Kényan.' });
    expect(edited.body.biography).toBe('Kényan.');
    await call(moderator, 'POST', '/v1/admin/books', { title: 'Petals of Blood', authorIds: [author.body.id] });
    expect((await call(moderator, 'DELETE', `/v1/admin/authors/${author.body.id}`)).status).toBe(403);
    const blocked = await call(admin, 'DELETE', `/v1/admin/authors/${author.body.id}`);
    expect(blocked.status).toBe(409);
    expect(blocked.body.error.code).toBe('CONFLICT');

    const publisher = await call(moderator, 'POST', '/v1/admin/publishers', {
      name: `NEAS ${uniq()}`,
      website: 'https://neas.example',
    });
    expect(publisher.status).toBe(201);
    const taken = await call(moderator, 'POST', '/v1/admin/publishers', { name: 'Autre', slug: publisher.body.slug });
    expect(taken.status).toBe(409);
    expect(taken.body.error.details.field).toBe('slug');
    expect((await call(moderator, 'POST', '/v1/admin/publishers', { name: 'X', website: 'ftp://x' })).status).toBe(400);
    expect((await call(admin, 'DELETE', `/v1/admin/publishers/${publisher.body.id}`)).status).toBe(204);

    const list = await call(moderator, 'GET', `/v1/admin/authors?q=${encodeURIComponent('ngugi')}`);
    expect(list.body.data.map((a: { id: string }) => a.id)).toContain(author.body.id);
  });

  it('moves a category; a cycle is a 409; a category with children cannot be deleted', async () => {
    const make = async (name: string, parentId?: string) =>
      (await call(moderator, 'POST', '/v1/admin/categories', { name: `${name} ${uniq()}`, parentId })).body
        .id as string;
    const top = await make('Littérature');
    const middle = await make('Afrique de l’Ouest', top);
    const leaf = await make('Sénégal', middle);
    const other = await make('Jeunesse');

    const cycle = await call(moderator, 'PATCH', `/v1/admin/categories/${top}`, { parentId: leaf });
    expect(cycle.status).toBe(409);
    expect(cycle.body.error).toMatchObject({ code: 'CONFLICT', details: { field: 'parentId' } });
    const self = await call(moderator, 'PATCH', `/v1/admin/categories/${top}`, { parentId: top });
    expect(self.status).toBe(409);

    const moved = await call(moderator, 'PATCH', `/v1/admin/categories/${middle}`, { parentId: other });
    expect(moved.status).toBe(200);
    expect(moved.body.parentId).toBe(other);
    const children = await call(moderator, 'GET', `/v1/admin/categories?parentId=${other}`);
    expect(children.body.data.map((c: { id: string }) => c.id)).toEqual([middle]);

    const withChildren = await call(admin, 'DELETE', `/v1/admin/categories/${middle}`);
    expect(withChildren.status).toBe(409);
    expect(withChildren.body.error.message).toMatch(/subcategories/);
    expect((await call(admin, 'DELETE', `/v1/admin/categories/${leaf}`)).status).toBe(204);
    expect((await call(admin, 'DELETE', `/v1/admin/categories/${leaf}`)).status).toBe(404);

    const audit = await sql<{ action: string; actor_id: string }>(
      `select action, actor_id from public.audit_logs where resource_type = 'category' and resource_id = $1 order by created_at`,
      [middle],
    );
    expect(audit).toEqual([
      { action: 'category.insert', actor_id: moderator.id },
      { action: 'category.update', actor_id: moderator.id },
    ]);
  });
});
