import { randomUUID } from 'node:crypto';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cliActor, createPartner } from '../../server/src/admin/index.ts';
import {
  AuthenticationError,
  ConflictError,
  createCoko,
  NotFoundError,
  PermissionDeniedError,
  ValidationError,
} from '../src';
import { createCokoServer } from '../src/server';

// Real-stack tests of coko.admin: the gateway, the Coko API's /v1/admin/* routes (run as the editor, under
// RLS) and, for what readers then see, PostgREST through coko.catalog. Editors are readers minted by a
// partner's session and given the moderator or admin role as the superuser.
const url = process.env.COKO_TEST_URL ?? '';
const publishableKey = process.env.COKO_TEST_PUBLISHABLE_KEY ?? 'unused';

describe.skipIf(!process.env.COKO_TEST_URL)('coko.admin against the real stack', () => {
  const db = new pg.Pool({ connectionString: process.env.COKO_TEST_DATABASE_URL, max: 2 });
  const admin = new pg.Pool({ connectionString: process.env.COKO_TEST_ADMIN_DATABASE_URL, max: 2 });
  let secretKey: string;

  beforeAll(async () => {
    const partner = await createPartner(
      { db, actor: cliActor() },
      { name: `Editors ${randomUUID().slice(0, 8)}`, allowedOrigins: [], defaultCountry: 'SN' },
    );
    secretKey = partner.secretKey?.key as string;
  });
  afterAll(async () => {
    await db.end();
    await admin.end();
  });

  async function user(role?: 'moderator' | 'admin') {
    const server = createCokoServer({ url, secretKey });
    const session = await server.sessions.create({ externalUserId: `editor-${randomUUID()}`, name: 'Khady Sarr' });
    if (role)
      await admin.query('insert into public.user_roles (user_id, role) values ($1, $2)', [session.user.id, role]);
    return { id: session.user.id, coko: createCoko({ url, publishableKey, accessToken: session.accessToken }) };
  }

  it('a moderator builds a book from authors and categories, publishes it, and readers then see it', async () => {
    const { coko, id: moderatorId } = await user('moderator');
    const author = await coko.admin.authors.create({ name: 'Boubacar Boris Diop' });
    const publisher = await coko.admin.publishers.create({ name: `Éditions ${randomUUID().slice(0, 6)}` });
    const category = await coko.admin.categories.create({ name: `Romans ${randomUUID().slice(0, 6)}` });
    const title = `Murambi ${randomUUID().slice(0, 6)}`;
    const draft = await coko.admin.books.create({
      title,
      price: 3000,
      publisherId: publisher.id,
      authorIds: [author.id],
      categoryIds: [category.id],
      availableCountries: ['SN', 'CI'],
    });
    expect(draft).toMatchObject({ title, status: 'draft', authorIds: [author.id], categoryIds: [category.id] });
    expect((await coko.admin.books.list({ q: title })).data.map((b) => b.id)).toEqual([draft.id]);

    const refused = await coko.admin.books.publish(draft.id).catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(ValidationError);
    expect(refused).toMatchObject({ status: 422, details: { reason: 'NO_FILE' } });

    await admin.query(`update public.books set format = 'epub', file_path = 'books/x/book.epub' where id = $1`, [
      draft.id,
    ]);
    expect(await coko.admin.books.publish(draft.id)).toMatchObject({ status: 'published' });
    // Sold in SN and CI only: a guest in Senegal sees it, a guest without a country does not.
    const guest = createCoko({ url, publishableKey, country: 'SN' });
    expect(await guest.catalog.get(draft.id)).toMatchObject({ id: draft.id, title });
    await expect(createCoko({ url, publishableKey }).catalog.get(draft.id)).rejects.toBeInstanceOf(NotFoundError);

    await coko.admin.books.unpublish(draft.id);
    await expect(guest.catalog.get(draft.id)).rejects.toBeInstanceOf(NotFoundError);

    await expect(coko.admin.books.delete(draft.id)).rejects.toBeInstanceOf(PermissionDeniedError);
    const { rows } = await admin.query(
      `select count(*)::int as n from public.audit_logs where resource_id = $1 and actor_id = $2`,
      [draft.id, moderatorId],
    );
    expect(rows[0].n).toBe(5); // the insert, its two links, publish, unpublish
  });

  it('a category cycle is a ConflictError; an admin deletes', async () => {
    const { coko } = await user('admin');
    const top = await coko.admin.categories.create({ name: `Haut ${randomUUID().slice(0, 6)}` });
    const child = await coko.admin.categories.create({ name: `Bas ${randomUUID().slice(0, 6)}`, parentId: top.id });
    const cycle = await coko.admin.categories.update(top.id, { parentId: child.id }).catch((e: unknown) => e);
    expect(cycle).toBeInstanceOf(ConflictError);
    expect(cycle).toMatchObject({ details: { field: 'parentId' } });
    expect((await coko.admin.categories.list({ parentId: top.id })).data.map((c) => c.id)).toEqual([child.id]);
    await expect(coko.admin.categories.delete(top.id)).rejects.toBeInstanceOf(ConflictError);
    await coko.admin.categories.delete(child.id);
    await coko.admin.categories.delete(top.id);
    await expect(coko.admin.categories.get(top.id)).rejects.toBeInstanceOf(NotFoundError);
  });

  it('validates before any request; readers are refused, guests unauthenticated', async () => {
    const { coko } = await user('moderator');
    await expect(coko.admin.books.create({ title: 'x', language: 'French' })).rejects.toBeInstanceOf(ValidationError);
    await expect(coko.admin.books.create({ title: 'x', authorIds: ['nope'] })).rejects.toMatchObject({
      details: { field: 'authorIds.0' },
    });
    await expect(coko.admin.books.update('not-an-id', {})).rejects.toBeInstanceOf(ValidationError);
    const server = await coko.admin.books.create({ title: 'x', isbn: '978-2-07-036822-9' }).catch((e: unknown) => e);
    expect(server).toBeInstanceOf(ValidationError);
    expect(server).toMatchObject({ status: 400 });

    const { coko: reader } = await user();
    await expect(reader.admin.books.list()).rejects.toBeInstanceOf(PermissionDeniedError);
    await expect(createCoko({ url, publishableKey }).admin.authors.list()).rejects.toBeInstanceOf(AuthenticationError);
  });
});
