// Row-level security of the moderation and sharing tables (supabase/migrations/20261208110200_community_moderation.sql):
// - community_reports: readers insert and read their own, moderators and admins read all, anon nothing,
//   nobody updates or deletes through the API but the service role;
// - moderation_actions: the reader concerned reads them, moderators all; nobody writes but public.moderate();
// - share_links: readers create, read and revoke their own; moderators read all.
import { beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { ensureReportableKinds, newBook, newPost, newReview, resetModeration } from './community-moderation-helpers.js';
import { adminQuery, CLIENT_KINDS, type ClientKind, clientAs, ensureTestUsers, rlsTable, USERS } from './helpers.js';

const REPORTS = rlsTable('community_reports');
const ACTIONS = rlsTable('moderation_actions');
const SHARES = rlsTable('share_links');
const MODERATES = (kind: ClientKind) => kind === 'moderator' || kind === 'admin' || kind === 'service';
const READER_KINDS = new Set<ClientKind>(['user', 'otherUser', 'moderator', 'partnerUser', 'admin']);

let bookId: string;
let userPost: string;
let otherPost: string;

beforeAll(async () => {
  await ensureTestUsers();
  await ensureReportableKinds();
  bookId = await newBook();
});

beforeEach(async () => {
  await resetModeration();
  await adminQuery('delete from public.test_posts');
  await adminQuery('delete from public.reviews');
  userPost = await newPost(USERS.user.id, 'Post by user');
  otherPost = await newPost(USERS.otherUser.id, 'Post by other');
  // One report by each of user and otherUser on the other's post; one action on each; one share link each.
  await adminQuery(
    `insert into public.community_reports (target_type, target_id, reporter_id, reason) values
       ('test_post', $1, $3, 'spam'), ('test_post', $2, $4, 'hate')`,
    [otherPost, userPost, USERS.user.id, USERS.otherUser.id],
  );
  await adminQuery(
    `insert into public.moderation_actions (target_type, target_id, target_user_id, action, reason, moderator_id) values
       ('test_post', $1, $2, 'warn', 'Be kind', $4), ('test_post', $3, $5, 'hide', null, $4)`,
    [userPost, USERS.user.id, otherPost, USERS.moderator.id, USERS.otherUser.id],
  );
  await adminQuery(
    `insert into public.share_links (code, kind, target_id, created_by) values ('user-link-1', 'book', $1, $2), ('other-link-1', 'book', $1, $3)`,
    [bookId, USERS.user.id, USERS.otherUser.id],
  );
});

const ownerOf = (id: string) => (id === USERS.user.id ? 'user' : id === USERS.otherUser.id ? 'otherUser' : 'someone');

describe.each(CLIENT_KINDS.map((kind) => ({ kind })))('community_reports as $kind', ({ kind }) => {
  it('select: own reports for readers, all for moderators, nothing for anon', async () => {
    const { data, error, status } = await (await clientAs(kind))
      .from(REPORTS)
      .select('reporter_id, reason')
      .order('reason');
    if (kind === 'anon') {
      expect(status).toBe(401);
      expect(error?.code).toBe('42501');
      return;
    }
    expect(error).toBeNull();
    const reporters = (data ?? []).map((row) => ownerOf(row.reporter_id));
    if (MODERATES(kind))
      expect(reporters).toEqual(['user', 'otherUser']); // spam, hate (enum order)
    else if (kind === 'user' || kind === 'otherUser') expect(reporters).toEqual([kind]);
    else expect(reporters).toEqual([]);
  });

  it('insert: readers report what they see and did not write; anon and the service role cannot', async () => {
    const post = await newPost(USERS.otherUser.id, 'Another post by other');
    const { error, status } = await (await clientAs(kind))
      .from(REPORTS)
      .insert({ target_type: 'test_post', target_id: post, reason: 'spam' });
    const rows = await adminQuery<{ reporter_id: string }>(
      'select reporter_id::text from public.community_reports where target_id = $1',
      [post],
    );
    if (kind === 'anon') {
      expect(status).toBe(401);
      expect(rows).toEqual([]);
    } else if (kind === 'otherUser') {
      // Their own post.
      expect(status).toBe(403);
      expect(error?.message).toBe('You cannot report your own content');
      expect(rows).toEqual([]);
    } else if (kind === 'service') {
      // No reader to report as: the reporter is required.
      expect(status).toBe(400);
      expect(error?.code).toBe('23502');
      expect(rows).toEqual([]);
    } else {
      expect(error).toBeNull();
      expect(status).toBe(201);
      expect(rows).toEqual([{ reporter_id: USERS[kind].id }]);
    }
  });

  it('update and delete: only the service role', async () => {
    const client = await clientAs(kind);
    await client
      .from(REPORTS)
      .update({ status: 'dismissed', resolved_at: new Date().toISOString() })
      .eq('target_id', otherPost);
    await client.from(REPORTS).delete().eq('target_id', userPost);
    const [row] = await adminQuery<{ dismissed: number; left: number }>(
      `select count(*) filter (where status = 'dismissed')::int as dismissed, count(*)::int as left from public.community_reports`,
    );
    expect(row).toEqual(kind === 'service' ? { dismissed: 1, left: 1 } : { dismissed: 0, left: 2 });
  });
});

describe.each(CLIENT_KINDS.map((kind) => ({ kind })))('moderation_actions as $kind', ({ kind }) => {
  it('select: actions concerning the reader, all for moderators, nothing for anon', async () => {
    const { data, error, status } = await (await clientAs(kind))
      .from(ACTIONS)
      .select('target_user_id, action')
      .order('action');
    if (kind === 'anon') {
      expect(status).toBe(401);
      return;
    }
    expect(error).toBeNull();
    const concerned = (data ?? []).map((row) => ownerOf(row.target_user_id));
    if (MODERATES(kind))
      expect(concerned).toEqual(['otherUser', 'user']); // hide, warn (enum order)
    else if (kind === 'user' || kind === 'otherUser') expect(concerned).toEqual([kind]);
    else expect(concerned).toEqual([]);
  });

  it('insert, update, delete: only the service role (moderators go through public.moderate())', async () => {
    const client = await clientAs(kind);
    const inserted = await client
      .from(ACTIONS)
      .insert({ target_user_id: USERS.partnerUser.id, action: 'warn', reason: 'Forged' });
    if (kind !== 'service') expect(inserted.error?.code).toBe('42501');
    await client.from(ACTIONS).update({ reason: 'Changed' }).eq('target_user_id', USERS.user.id);
    await client.from(ACTIONS).delete().eq('target_user_id', USERS.otherUser.id);
    const [row] = await adminQuery<{ forged: number; changed: number; left: number }>(
      `select count(*) filter (where reason = 'Forged')::int as forged,
              count(*) filter (where reason = 'Changed')::int as changed,
              count(*) filter (where target_user_id = $1)::int as left
         from public.moderation_actions`,
      [USERS.otherUser.id],
    );
    expect(row).toEqual(kind === 'service' ? { forged: 1, changed: 1, left: 0 } : { forged: 0, changed: 0, left: 1 });
  });
});

describe.each(CLIENT_KINDS.map((kind) => ({ kind })))('share_links as $kind', ({ kind }) => {
  it('select: own links for readers, all for moderators, nothing for anon', async () => {
    const { data, error, status } = await (await clientAs(kind)).from(SHARES).select('code').order('code');
    if (kind === 'anon') {
      expect(status).toBe(401);
      return;
    }
    expect(error).toBeNull();
    const codes = (data ?? []).map((row) => row.code);
    if (MODERATES(kind)) expect(codes).toEqual(['other-link-1', 'user-link-1']);
    else if (kind === 'user') expect(codes).toEqual(['user-link-1']);
    else if (kind === 'otherUser') expect(codes).toEqual(['other-link-1']);
    else expect(codes).toEqual([]);
  });

  it('insert: signed-in readers share a published book; the code is generated', async () => {
    const { data, error, status } = await (await clientAs(kind))
      .from(SHARES)
      .insert({ kind: 'book', target_id: bookId })
      .select('code, created_by')
      .maybeSingle();
    if (READER_KINDS.has(kind)) {
      expect(error).toBeNull();
      expect(status).toBe(201);
      expect(data?.code).toMatch(/^[A-Za-z0-9_-]{11}$/);
      expect(data?.created_by).toBe(USERS[kind as keyof typeof USERS].id);
    } else if (kind === 'anon') {
      expect(status).toBe(401);
    } else {
      // No reader to share as: the creator is required.
      expect(status).toBe(400);
    }
  });

  it('update: the creator revokes their link, and may change nothing else', async () => {
    const client = await clientAs(kind);
    await client.from(SHARES).update({ revoked_at: new Date().toISOString() }).eq('code', 'user-link-1');
    const retarget = await client.from(SHARES).update({ target_id: otherPost }).eq('code', 'user-link-1');
    const [row] = await adminQuery<{ revoked: boolean; target_id: string }>(
      `select revoked_at is not null as revoked, target_id::text from public.share_links where code = 'user-link-1'`,
    );
    expect(row!.revoked).toBe(kind === 'user' || kind === 'service');
    expect(row!.target_id).toBe(kind === 'service' ? otherPost : bookId);
    if (kind !== 'service') expect(retarget.error?.code).toBe('42501');
  });

  it('delete: only the service role', async () => {
    await (await clientAs(kind)).from(SHARES).delete().eq('code', 'user-link-1');
    const rows = await adminQuery(`select 1 from public.share_links where code = 'user-link-1'`);
    expect(rows).toHaveLength(kind === 'service' ? 0 : 1);
  });
});

describe('reportable fixtures', () => {
  it('reviews can be reported too', async () => {
    const review = await newReview(USERS.otherUser.id, bookId);
    const { error } = await (await clientAs('user'))
      .from(REPORTS)
      .insert({ target_type: 'review', target_id: review, reason: 'spoiler', note: 'Révèle la fin' });
    expect(error).toBeNull();
  });
});
