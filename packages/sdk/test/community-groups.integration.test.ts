import { randomUUID } from 'node:crypto';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  AuthenticationError,
  type CokoClient,
  ConflictError,
  createCoko,
  NotFoundError,
  PermissionDeniedError,
  RateLimitError,
  ValidationError,
} from '../src';

// Real-stack tests of coko.community.groups and coko.community.discussions: PostgREST, the groups
// migration (RLS, triggers), get_public_profiles and group_progress. Readers are users inserted in
// auth.users with tokens minted from the stack's keys, as Supabase Auth issues them.
const url = process.env.COKO_TEST_URL ?? '';
const publishableKey = process.env.COKO_TEST_PUBLISHABLE_KEY ?? 'unused';
const databaseUrl = process.env.COKO_TEST_ADMIN_DATABASE_URL ?? '';

describe.skipIf(!process.env.COKO_TEST_URL)('community groups and discussions against the real stack', () => {
  const db = new pg.Pool({ connectionString: databaseUrl, max: 2 });
  afterAll(() => db.end());

  let book: string;
  const guest = () => createCoko({ url, publishableKey });

  async function newBook(): Promise<string> {
    const id = randomUUID();
    await db.query(
      `insert into public.books (id, title, language, status, format) values ($1, $2, 'fr', 'published', 'epub')`,
      [id, `Livre ${id.slice(0, 8)}`],
    );
    return id;
  }

  /** A reader with a display name and a client signed in as them. */
  async function reader(name: string): Promise<{ id: string; coko: CokoClient }> {
    const id = randomUUID();
    await db.query(
      `insert into auth.users (instance_id, id, aud, role, email, email_confirmed_at, raw_app_meta_data, raw_user_meta_data, created_at, updated_at)
       values ('00000000-0000-0000-0000-000000000000', $1, 'authenticated', 'authenticated', $2, now(), '{"provider":"email"}', '{}', now(), now())`,
      [id, `${id.slice(0, 8)}@groups.test`],
    );
    await db.query('update public.profiles set display_name = $2 where id = $1', [id, name]);
    const [{ mintUserToken }, { testStack }] = await Promise.all([
      import('@coko/server/dev'),
      import('../../../test/stack.js'),
    ]);
    const token = await mintUserToken(
      testStack().keys,
      { id, email: `${id.slice(0, 8)}@groups.test` },
      { expiresInSeconds: 600 },
    );
    return { id, coko: createCoko({ url, publishableKey, accessToken: token, retries: 0 }) };
  }

  beforeAll(async () => {
    book = await newBook();
  });

  it('a private group: create, invite, accept, read together, share progress', async () => {
    const awa = await reader('Awa');
    const moussa = await reader('Moussa');
    const group = await awa.coko.community.groups.create({
      name: 'Club de Dakar',
      description: 'On lit **ensemble**',
      visibility: 'private',
      currentBookId: book,
    });
    expect(group).toMatchObject({ name: 'Club de Dakar', visibility: 'private', ownerId: awa.id, memberCount: 1 });

    await expect(moussa.coko.community.groups.join(group.id)).rejects.toBeInstanceOf(PermissionDeniedError);
    const invitation = await awa.coko.community.groups.invite(group.id, moussa.id);
    expect((await moussa.coko.community.groups.invitations()).map((i) => i.id)).toEqual([invitation.id]);
    await expect(moussa.coko.community.discussions.threads({ groupId: group.id })).resolves.toEqual({
      data: [],
      nextCursor: null,
    });
    const accepted = await moussa.coko.community.groups.respondToInvitation(invitation.id, true);
    expect(accepted.status).toBe('accepted');

    const members = await moussa.coko.community.groups.members(group.id);
    expect(members.map((m) => [m.person.displayName, m.role])).toEqual([
      ['Awa', 'owner'],
      ['Moussa', 'member'],
    ]);
    const mine = await moussa.coko.community.groups.mine();
    expect(mine).toEqual([
      expect.objectContaining({ id: group.id, role: 'member', shareProgress: false, memberCount: 2 }),
    ]);

    await db.query(
      `insert into public.reading_progress (user_id, book_id, locator, percentage, device_id, change_seq)
       values ($1, $2, '{"href":"c1.xhtml","type":"application/xhtml+xml","locations":{"progression":0.5,"totalProgression":0.3}}', 30, 'web', 1)`,
      [moussa.id, book],
    );
    expect(await awa.coko.community.groups.progress(group.id)).toEqual([]);
    await moussa.coko.community.groups.shareProgress(group.id, true);
    expect(await awa.coko.community.groups.progress(group.id)).toEqual([
      { userId: moussa.id, displayName: 'Moussa', avatarPath: null, percentage: 30, updatedAt: expect.any(String) },
    ]);
    const outsider = await reader('Dehors');
    await expect(outsider.coko.community.groups.progress(group.id)).rejects.toBeInstanceOf(PermissionDeniedError);
    await expect(awa.coko.community.groups.leave(group.id)).rejects.toBeInstanceOf(ConflictError);
  });

  it('a public group: join, full, request refused, roles, removal', async () => {
    const owner = await reader('Fatou');
    const group = await owner.coko.community.groups.create({ name: 'Lecteurs de Thiès', memberLimit: 2 });
    const first = await reader('Ibou');
    const second = await reader('Khady');
    await first.coko.community.groups.join(group.id);
    await expect(second.coko.community.groups.join(group.id)).rejects.toMatchObject({
      name: 'ConflictError',
      message: 'The group is full',
    });
    await expect(second.coko.community.groups.requestToJoin(group.id)).rejects.toBeInstanceOf(ValidationError);
    await owner.coko.community.groups.setRole(group.id, first.id, 'moderator');
    expect((await owner.coko.community.groups.members(group.id)).map((m) => m.role)).toEqual(['owner', 'moderator']);
    await owner.coko.community.groups.update(group.id, { memberLimit: 3 });
    await second.coko.community.groups.join(group.id);
    await first.coko.community.groups.removeMember(group.id, second.id);
    expect((await owner.coko.community.groups.get(group.id)).memberCount).toBe(2);
    const page = await guest().community.groups.list({ visibility: 'public', limit: 50 });
    expect(page.data.map((g) => g.id)).toContain(group.id);
  });

  it('a private group by request: ask, approve', async () => {
    const owner = await reader('Aminata');
    const asker = await reader('Cheikh');
    const group = await owner.coko.community.groups.create({ name: 'Cercle fermé', visibility: 'private' });
    const request = await asker.coko.community.groups.requestToJoin(group.id, { message: 'Puis-je venir ?' });
    expect((await owner.coko.community.groups.joinRequests(group.id)).map((r) => r.id)).toEqual([request.id]);
    const approved = await owner.coko.community.groups.decideJoinRequest(request.id, true);
    expect(approved).toMatchObject({ status: 'approved', decidedBy: owner.id });
    expect((await asker.coko.community.groups.mine()).map((g) => g.id)).toEqual([group.id]);
  });

  it('discussions: threads by tag, a reply tree, edits, soft deletes, cursor pages', async () => {
    const awa = await reader('Awa');
    const moussa = await reader('Moussa');
    const thread = await awa.coko.community.discussions.createThread({
      bookId: book,
      title: 'La fin ?',
      body: 'Qu’en pensez-vous ?',
      tags: ['spoilers', 'fin'],
    });
    expect(thread).toMatchObject({ replyCount: 0, author: { id: awa.id, displayName: 'Awa' }, deleted: false });
    await awa.coko.community.discussions.createThread({ bookId: book, title: 'Le style', tags: ['style'] });
    const tagged = await guest().community.discussions.threads(book, { tag: 'spoilers' });
    expect(tagged.data.map((t) => t.id)).toEqual([thread.id]);

    const root = await moussa.coko.community.discussions.reply(thread.id, { body: 'Triste', mentions: [awa.id] });
    expect(root).toMatchObject({ depth: 0, parentId: null, mentions: [awa.id], author: { displayName: 'Moussa' } });
    const child = await awa.coko.community.discussions.reply(thread.id, { body: 'Oui', parentId: root.id });
    expect(child).toMatchObject({ depth: 1, parentId: root.id });
    const third = await moussa.coko.community.discussions.reply(thread.id, { body: 'Et après ?', parentId: child.id });

    const edited = await moussa.coko.community.discussions.editPost(root.id, { body: 'Très triste' });
    expect(edited.editedAt).not.toBeNull();
    await expect(awa.coko.community.discussions.editPost(root.id, { body: 'Piraté' })).rejects.toBeInstanceOf(
      NotFoundError,
    );
    await moussa.coko.community.discussions.deletePost(root.id);

    const first = await guest().community.discussions.posts(thread.id, { limit: 2 });
    expect(first.data.map((p) => [p.id, p.deleted, p.body])).toEqual([
      [root.id, true, null],
      [child.id, false, 'Oui'],
    ]);
    expect(first.nextCursor).not.toBeNull();
    const next = await guest().community.discussions.posts(thread.id, { limit: 2, cursor: first.nextCursor });
    expect(next).toEqual({ data: [expect.objectContaining({ id: third.id })], nextCursor: null });
    const newest = await guest().community.discussions.posts(thread.id, { order: 'newest', limit: 1 });
    expect(newest.data.map((p) => p.id)).toEqual([third.id]);
    expect((await guest().community.discussions.thread(thread.id)).replyCount).toBe(2);

    await awa.coko.community.discussions.deleteThread(thread.id);
    expect(await guest().community.discussions.thread(thread.id)).toMatchObject({
      deleted: true,
      title: null,
      replyCount: 2,
    });
  });

  it('refuses before any request, for guests, suspended readers and past the limit', async () => {
    await expect(guest().community.discussions.reply(randomUUID(), { body: 'Salut' })).rejects.toBeInstanceOf(
      AuthenticationError,
    );
    const awa = await reader('Awa');
    await expect(
      awa.coko.community.discussions.createThread({ bookId: book, groupId: randomUUID(), title: 'x' }),
    ).rejects.toBeInstanceOf(ValidationError);
    await expect(
      awa.coko.community.discussions.createThread({ bookId: book, title: 'x', tags: ['Pas Bon'] }),
    ).rejects.toMatchObject({
      name: 'ValidationError',
    });
    await expect(awa.coko.community.discussions.posts(book, { cursor: 'bad cursor!' })).rejects.toBeInstanceOf(
      ValidationError,
    );

    const thread = await awa.coko.community.discussions.createThread({ bookId: book, title: 'Limites' });
    const flood = await reader('Flood');
    const results = await Promise.allSettled(
      Array.from({ length: 11 }, (_, i) => flood.coko.community.discussions.reply(thread.id, { body: `n° ${i}` })),
    );
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(10);
    expect(results.find((r) => r.status === 'rejected')).toMatchObject({ reason: expect.any(RateLimitError) });

    await db.query(`insert into public.community_suspensions (user_id, reason) values ($1, 'Spam')`, [awa.id]);
    await expect(awa.coko.community.discussions.reply(thread.id, { body: 'Encore' })).rejects.toBeInstanceOf(
      PermissionDeniedError,
    );
  });
});
