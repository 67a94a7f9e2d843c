// Rules of reading groups and discussions beyond who-sees-what (supabase/migrations/*_community_groups.sql),
// through PostgREST as the apps call it: invitations and join requests, the member limit under
// concurrent joins, the reply tree's depth cap, the edit window, soft deletion, mentions, shared
// progress, suspensions, the per-minute limits and account anonymisation.
import { beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { communityGroupsExporter } from '../../packages/server/src/gdpr/community-groups.ts';
import { newBook, newGroup, newPost, newReader, newThread, resetThrottle } from './community-groups-helpers.js';
import { adminQuery, clientAs, ensureTestUsers } from './helpers.js';
import { locator } from './reading-helpers.js';

beforeAll(ensureTestUsers);
beforeEach(resetThrottle);

const one = async <T>(rows: Promise<T[]>): Promise<T> => (await rows)[0]!;

describe('groups and membership', () => {
  it('makes the creator the owner and first member, and counts members', async () => {
    const owner = await newReader('Awa');
    const { data, error } = await owner.client
      .from('reading_groups')
      .insert({ name: 'Club de Dakar', visibility: 'private' })
      .select('id, owner_id, member_count')
      .single();
    expect(error).toBeNull();
    expect(data).toMatchObject({ owner_id: owner.user.id, member_count: 1 });
    const members = await adminQuery('select user_id, role from public.group_members where group_id = $1', [data!.id]);
    expect(members).toEqual([{ user_id: owner.user.id, role: 'owner' }]);
  });

  it('refuses the owner leaving (409) and a limit below the member count', async () => {
    const owner = await newReader();
    const member = await newReader();
    const group = await newGroup({ ownerId: owner.user.id, members: [{ userId: member.user.id }] });
    const leave = await owner.client.from('group_members').delete().eq('group_id', group).eq('user_id', owner.user.id);
    expect([leave.status, leave.error?.message]).toEqual([409, 'The owner cannot leave the group']);
    const below = await owner.client.from('reading_groups').update({ member_limit: 2 }).eq('id', group);
    expect(below.error).toBeNull();
    const third = await newReader();
    const full = await third.client.from('group_members').insert({ group_id: group, user_id: third.user.id });
    expect([full.status, full.error?.message]).toEqual([409, 'The group is full']);
    await adminQuery('update public.reading_groups set member_limit = 3 where id = $1', [group]);
    await third.client.from('group_members').insert({ group_id: group, user_id: third.user.id });
    const tooLow = await owner.client.from('reading_groups').update({ member_limit: 2 }).eq('id', group);
    expect([tooLow.status, tooLow.error?.code]).toEqual([400, '23514']);
    const left = await member.client.from('group_members').delete().eq('group_id', group).eq('user_id', member.user.id);
    expect(left.error).toBeNull();
    expect(await one(adminQuery('select member_count from public.reading_groups where id = $1', [group]))).toEqual({
      member_count: 2,
    });
  });

  it('takes exactly the free seats when many readers join at once', async () => {
    const owner = await newReader();
    const group = await newGroup({ ownerId: owner.user.id, memberLimit: 5 });
    const readers = await Promise.all(Array.from({ length: 12 }, (_, i) => newReader(`Lecteur ${i}`)));
    const results = await Promise.all(
      readers.map((r) => r.client.from('group_members').insert({ group_id: group, user_id: r.user.id })),
    );
    const statuses = results.map((r) => r.status).sort();
    expect(statuses.filter((s) => s === 201)).toHaveLength(4);
    expect(statuses.filter((s) => s === 409)).toHaveLength(8);
    expect(results.find((r) => r.status === 409)?.error?.message).toBe('The group is full');
    const [counts] = await adminQuery<{ stored: number; actual: number }>(
      `select g.member_count as stored, (select count(*)::int from public.group_members m where m.group_id = g.id) as actual
         from public.reading_groups g where g.id = $1`,
      [group],
    );
    expect(counts).toEqual({ stored: 5, actual: 5 });
  });
});

describe('invitations and join requests', () => {
  it('an invitee accepts and becomes a member; a second pending invitation is a conflict', async () => {
    const owner = await newReader();
    const friend = await newReader();
    const group = await newGroup({ ownerId: owner.user.id, visibility: 'private' });
    const invite = await owner.client
      .from('group_invitations')
      .insert({ group_id: group, user_id: friend.user.id })
      .select('id, invited_by, status')
      .single();
    expect(invite.data).toMatchObject({ invited_by: owner.user.id, status: 'pending' });
    const again = await owner.client.from('group_invitations').insert({ group_id: group, user_id: friend.user.id });
    expect(again.status).toBe(409);
    // The invitee sees the private group's card and the invitation, not its threads yet.
    const accepted = await friend.client
      .from('group_invitations')
      .update({ status: 'accepted' })
      .eq('id', invite.data!.id)
      .select('status, responded_at')
      .single();
    expect(accepted.error).toBeNull();
    expect(accepted.data!.responded_at).not.toBeNull();
    const members = await adminQuery('select role from public.group_members where group_id = $1 and user_id = $2', [
      group,
      friend.user.id,
    ]);
    expect(members).toEqual([{ role: 'member' }]);
    const twice = await friend.client
      .from('group_invitations')
      .update({ status: 'declined' })
      .eq('id', invite.data!.id);
    expect([twice.status, twice.error?.message]).toEqual([409, 'The invitation is already accepted']);
  });

  it('the inviter revokes; an invitation to a full group cannot be accepted', async () => {
    const owner = await newReader();
    const [a, b] = [await newReader(), await newReader()];
    const group = await newGroup({ ownerId: owner.user.id, visibility: 'private', memberLimit: 2 });
    const { data } = await owner.client
      .from('group_invitations')
      .insert([
        { group_id: group, user_id: a.user.id },
        { group_id: group, user_id: b.user.id },
      ])
      .select('id, user_id');
    const inviteOf = (id: string) => data!.find((row) => row.user_id === id)!.id;
    expect(
      (await a.client.from('group_invitations').update({ status: 'accepted' }).eq('id', inviteOf(a.user.id))).error,
    ).toBeNull();
    const full = await b.client.from('group_invitations').update({ status: 'accepted' }).eq('id', inviteOf(b.user.id));
    expect([full.status, full.error?.message]).toEqual([409, 'The group is full']);
    const revoked = await owner.client
      .from('group_invitations')
      .update({ status: 'revoked' })
      .eq('id', inviteOf(b.user.id))
      .select('status')
      .single();
    expect(revoked.data).toEqual({ status: 'revoked' });
  });

  it('a reader asks to join a private group; a group moderator approves; public groups need no request', async () => {
    const owner = await newReader();
    const mod = await newReader();
    const asker = await newReader();
    const group = await newGroup({
      ownerId: owner.user.id,
      visibility: 'private',
      members: [{ userId: mod.user.id, role: 'moderator' }],
    });
    const request = await asker.client
      .from('group_join_requests')
      .insert({ group_id: group, message: 'J’aime ce livre' })
      .select('id, user_id, status')
      .single();
    expect(request.data).toMatchObject({ user_id: asker.user.id, status: 'pending' });
    const self = await asker.client
      .from('group_join_requests')
      .update({ status: 'approved' })
      .eq('id', request.data!.id);
    expect(self.status).toBe(403);
    const approved = await mod.client
      .from('group_join_requests')
      .update({ status: 'approved' })
      .eq('id', request.data!.id)
      .select('status, decided_by')
      .single();
    expect(approved.data).toEqual({ status: 'approved', decided_by: mod.user.id });
    expect(
      await adminQuery('select 1 from public.group_members where group_id = $1 and user_id = $2', [
        group,
        asker.user.id,
      ]),
    ).toHaveLength(1);

    const open = await newGroup({ ownerId: owner.user.id });
    const needless = await asker.client.from('group_join_requests').insert({ group_id: open });
    expect([needless.status, needless.error?.message]).toEqual([
      400,
      'A public group is joined directly, without a request',
    ]);
  });

  it('the requester withdraws; a rejected reader is not a member', async () => {
    const owner = await newReader();
    const asker = await newReader();
    const group = await newGroup({ ownerId: owner.user.id, visibility: 'private' });
    const first = await asker.client.from('group_join_requests').insert({ group_id: group }).select('id').single();
    await asker.client.from('group_join_requests').update({ status: 'withdrawn' }).eq('id', first.data!.id);
    const second = await asker.client.from('group_join_requests').insert({ group_id: group }).select('id').single();
    expect(second.error).toBeNull();
    await owner.client.from('group_join_requests').update({ status: 'rejected' }).eq('id', second.data!.id);
    const statuses = await adminQuery(
      'select status from public.group_join_requests where group_id = $1 order by created_at',
      [group],
    );
    expect(statuses).toEqual([{ status: 'withdrawn' }, { status: 'rejected' }]);
    expect(await adminQuery('select 1 from public.group_members where user_id = $1', [asker.user.id])).toHaveLength(0);
  });
});

describe('threads and replies', () => {
  it('caps the depth at 4: a reply to a depth-4 post becomes its sibling', async () => {
    const reader = await newReader();
    const thread = await newThread({ bookId: await newBook() }, reader.user.id);
    let parent: string | null = null;
    const depths: { depth: number; parent_id: string | null }[] = [];
    const ids: string[] = [];
    for (let i = 0; i < 6; i++) {
      const { data, error }: { data: { id: string; depth: number; parent_id: string | null } | null; error: unknown } =
        await reader.client
          .from('discussion_posts')
          .insert({ thread_id: thread, parent_id: parent, body: `Niveau ${i}` })
          .select('id, depth, parent_id')
          .single();
      expect(error).toBeNull();
      ids.push(data!.id);
      depths.push({ depth: data!.depth, parent_id: data!.parent_id });
      parent = data!.id;
      await resetThrottle();
    }
    expect(depths.map((d) => d.depth)).toEqual([0, 1, 2, 3, 4, 4]);
    expect(depths[5]!.parent_id).toBe(ids[3]);
    const foreign = await newPost(await newThread({ bookId: await newBook() }, reader.user.id), reader.user.id);
    const wrong = await reader.client
      .from('discussion_posts')
      .insert({ thread_id: thread, parent_id: foreign, body: 'x' });
    expect([wrong.status, wrong.error?.message]).toEqual([400, 'The parent post is not in this thread']);
  });

  it('lets the author edit for 15 minutes, then only moderators', async () => {
    const reader = await newReader();
    const thread = await newThread({ bookId: await newBook() }, reader.user.id);
    const post = await newPost(thread, reader.user.id);
    const edited = await reader.client
      .from('discussion_posts')
      .update({ body: 'Corrigé' })
      .eq('id', post)
      .select('body, edited_at')
      .single();
    expect(edited.data!.body).toBe('Corrigé');
    expect(edited.data!.edited_at).not.toBeNull();
    await adminQuery(`update public.discussion_posts set created_at = now() - interval '16 minutes' where id = $1`, [
      post,
    ]);
    await adminQuery(`update public.discussion_threads set created_at = now() - interval '16 minutes' where id = $1`, [
      thread,
    ]);
    const late = await reader.client.from('discussion_posts').update({ body: 'Trop tard' }).eq('id', post);
    expect([late.status, late.error?.message]).toEqual([403, 'The edit window (15 minutes) has closed']);
    const lateThread = await reader.client.from('discussion_threads').update({ title: 'Trop tard' }).eq('id', thread);
    expect(lateThread.status).toBe(403);
    const moderator = await clientAs('moderator');
    const moderated = await moderator.from('discussion_posts').update({ body: '[modéré]' }).eq('id', post);
    expect(moderated.error).toBeNull();
    // Deleting has no window.
    const deleted = await reader.client
      .from('discussion_posts')
      .update({ deleted_at: new Date().toISOString() })
      .eq('id', post);
    expect(deleted.error).toBeNull();
  });

  it('soft deletion erases the text and keeps the tree and the reply count honest', async () => {
    const reader = await newReader();
    const other = await newReader();
    const thread = await newThread({ bookId: await newBook() }, reader.user.id);
    const root = await newPost(thread, reader.user.id, 'Racine');
    const child = await newPost(thread, other.user.id, 'Enfant', root);
    expect(await one(adminQuery('select reply_count from public.discussion_threads where id = $1', [thread]))).toEqual({
      reply_count: 2,
    });
    const { error } = await reader.client
      .from('discussion_posts')
      .update({ deleted_at: new Date().toISOString() })
      .eq('id', root);
    expect(error).toBeNull();
    const anon = await clientAs('anon');
    const { data } = await anon
      .from('discussion_posts')
      .select('id, parent_id, body, deleted_at')
      .eq('thread_id', thread)
      .order('created_at');
    expect(data).toEqual([
      { id: root, parent_id: null, body: null, deleted_at: expect.any(String) },
      { id: child, parent_id: root, body: 'Enfant', deleted_at: null },
    ]);
    expect(await one(adminQuery('select reply_count from public.discussion_threads where id = $1', [thread]))).toEqual({
      reply_count: 1,
    });
    const again = await reader.client.from('discussion_posts').update({ body: 'Revenu' }).eq('id', root);
    expect(again.status).toBe(409);
    // A deleted thread stays as a placeholder with its replies.
    await reader.client.from('discussion_threads').update({ deleted_at: new Date().toISOString() }).eq('id', thread);
    const placeholder = await anon
      .from('discussion_threads')
      .select('title, body, reply_count')
      .eq('id', thread)
      .single();
    expect(placeholder.data).toEqual({ title: null, body: null, reply_count: 1 });
    const closed = await other.client.from('discussion_posts').insert({ thread_id: thread, body: 'Encore ?' });
    expect(closed.status).toBe(409);
  });

  it('keeps only mentions of readers who can see the thread', async () => {
    const owner = await newReader();
    const member = await newReader();
    const outsider = await newReader();
    const group = await newGroup({
      ownerId: owner.user.id,
      visibility: 'private',
      members: [{ userId: member.user.id }],
    });
    const thread = await newThread({ groupId: group }, owner.user.id);
    const { data } = await owner.client
      .from('discussion_posts')
      .insert({
        thread_id: thread,
        body: '@membre @dehors',
        mentions: [member.user.id, outsider.user.id, owner.user.id, member.user.id],
      })
      .select('mentions')
      .single();
    expect(data).toEqual({ mentions: [member.user.id] });
    const publicThread = await newThread({ bookId: await newBook() }, owner.user.id);
    const open = await owner.client
      .from('discussion_posts')
      .insert({ thread_id: publicThread, body: '@dehors', mentions: [outsider.user.id] })
      .select('mentions')
      .single();
    expect(open.data).toEqual({ mentions: [outsider.user.id] });
  });

  it('refuses bad tags and text, and posts from suspended readers', async () => {
    const reader = await newReader();
    const book = await newBook();
    const badTags = await reader.client
      .from('discussion_threads')
      .insert({ book_id: book, title: 'x', tags: ['Majuscule'] });
    expect([badTags.status, badTags.error?.code]).toEqual([400, '23514']);
    const blank = await reader.client.from('discussion_threads').insert({ book_id: book, title: '   ' });
    expect(blank.status).toBe(400);
    const thread = await newThread({ bookId: book }, reader.user.id);
    await adminQuery(`insert into public.community_suspensions (user_id, reason) values ($1, 'Spam')`, [
      reader.user.id,
    ]);
    const suspended = await reader.client.from('discussion_posts').insert({ thread_id: thread, body: 'Je reviens' });
    expect([suspended.status, suspended.error?.code]).toEqual([403, '42501']);
    const group = await reader.client.from('reading_groups').insert({ name: 'Club' });
    expect(group.status).toBe(403);
  });

  it('answers 429 past the per-minute reply limit', async () => {
    await adminQuery(`update private.community_limits set per_minute = 2 where action = 'post'`);
    try {
      const reader = await newReader();
      const thread = await newThread({ bookId: await newBook() }, reader.user.id);
      const statuses: number[] = [];
      for (let i = 0; i < 3; i++) {
        statuses.push(
          (await reader.client.from('discussion_posts').insert({ thread_id: thread, body: `n° ${i}` })).status,
        );
      }
      expect(statuses).toEqual([201, 201, 429]);
    } finally {
      await adminQuery(`update private.community_limits set per_minute = 10 where action = 'post'`);
    }
  });
});

describe('shared progress', () => {
  it('lists the members who opted in, on the current book, for members only', async () => {
    const book = await newBook();
    const owner = await newReader('Awa');
    const member = await newReader('Moussa');
    const outsider = await newReader();
    const group = await newGroup({
      ownerId: owner.user.id,
      currentBookId: book,
      members: [{ userId: member.user.id }],
    });
    for (const [id, percentage] of [
      [owner.user.id, 12.5],
      [member.user.id, 40],
    ] as const) {
      await adminQuery(
        `insert into public.reading_progress (user_id, book_id, locator, percentage, device_id, change_seq)
         values ($1, $2, $4, $3, 'web', 1)`,
        [id, book, percentage, locator({ totalProgression: percentage / 100 })],
      );
    }
    expect((await member.client.rpc('group_progress', { group_id: group })).data).toEqual([]);
    await member.client
      .from('group_members')
      .update({ share_progress: true })
      .eq('group_id', group)
      .eq('user_id', member.user.id);
    const shared = await owner.client.rpc('group_progress', { group_id: group });
    expect(shared.data).toEqual([
      {
        user_id: member.user.id,
        display_name: 'Moussa',
        avatar_path: null,
        percentage: 40,
        updated_at: expect.any(String),
      },
    ]);
    const refused = await outsider.client.rpc('group_progress', { group_id: group });
    expect(refused.status).toBe(403);
    const forced = await owner.client
      .from('group_members')
      .update({ share_progress: false })
      .eq('group_id', group)
      .eq('user_id', member.user.id);
    expect(forced.status).toBe(403);
  });
});

describe('account anonymisation', () => {
  it('keeps posts without their author, hands the group over and drops memberships and mentions', async () => {
    const owner = await newReader();
    const mod = await newReader();
    const group = await newGroup({ ownerId: owner.user.id, members: [{ userId: mod.user.id, role: 'moderator' }] });
    const thread = await newThread({ groupId: group }, owner.user.id);
    const post = await newPost(thread, owner.user.id, 'Mon avis');
    await adminQuery(`update public.discussion_posts set mentions = $2 where id = $1`, [
      await newPost(thread, mod.user.id, '@owner'),
      [owner.user.id],
    ]);
    const lonely = await newGroup({ ownerId: owner.user.id });
    await adminQuery('select private.anonymize_account($1)', [owner.user.id]);

    expect(await one(adminQuery('select user_id, body from public.discussion_posts where id = $1', [post]))).toEqual({
      user_id: null,
      body: 'Mon avis',
    });
    expect(await one(adminQuery('select user_id from public.discussion_threads where id = $1', [thread]))).toEqual({
      user_id: null,
    });
    expect(
      await one(adminQuery('select owner_id, member_count from public.reading_groups where id = $1', [group])),
    ).toEqual({
      owner_id: mod.user.id,
      member_count: 1,
    });
    expect(await adminQuery('select role from public.group_members where group_id = $1', [group])).toEqual([
      { role: 'owner' },
    ]);
    expect(await adminQuery('select 1 from public.reading_groups where id = $1', [lonely])).toHaveLength(0);
    expect(
      await adminQuery('select 1 from public.discussion_posts where $1 = any(mentions)', [owner.user.id]),
    ).toHaveLength(0);
    expect(await adminQuery('select 1 from public.group_members where user_id = $1', [owner.user.id])).toHaveLength(0);
  });
});

describe('GDPR export: community-groups', () => {
  const db = { query: async (text: string, values?: unknown[]) => ({ rows: await adminQuery(text, values) }) };

  it("exports the reader's groups, memberships, invitations, requests, threads and posts, and nobody else's", async () => {
    const reader = await newReader('Fatou');
    const other = await newReader('Autre');
    const owned = await newGroup({ ownerId: reader.user.id });
    const joined = await newGroup({ ownerId: other.user.id, members: [{ userId: reader.user.id }] });
    const closed = await newGroup({ ownerId: other.user.id, visibility: 'private' });
    await adminQuery('insert into public.group_join_requests (group_id, user_id, message) values ($1, $2, $3)', [
      closed,
      reader.user.id,
      'Bonjour',
    ]);
    await adminQuery('insert into public.group_invitations (group_id, user_id, invited_by) values ($1, $2, $3)', [
      owned,
      other.user.id,
      reader.user.id,
    ]);
    const thread = await newThread({ groupId: joined }, reader.user.id, 'Mon sujet');
    const post = await newPost(thread, reader.user.id, 'Ma réponse');
    await newPost(thread, other.user.id, 'Pas la mienne');

    const exported = (await communityGroupsExporter.export(db, reader.user.id)) as Record<
      string,
      Record<string, unknown>[]
    >;
    expect(exported.ownedGroups!.map((g) => g.id)).toEqual([owned]);
    expect(exported.memberships!.map((m) => [m.group_id, m.role]).sort()).toEqual(
      [
        [owned, 'owner'],
        [joined, 'member'],
      ].sort(),
    );
    expect(exported.joinRequests).toEqual([expect.objectContaining({ group_id: closed, message: 'Bonjour' })]);
    expect(exported.invitationsSent).toEqual([expect.objectContaining({ group_id: owned, user_id: other.user.id })]);
    expect(exported.invitationsReceived).toEqual([]);
    expect(exported.threads).toEqual([expect.objectContaining({ id: thread, title: 'Mon sujet' })]);
    expect(exported.posts!.map((p) => [p.id, p.body])).toEqual([[post, 'Ma réponse']]);
  });
});
