// Row level security of reading groups and discussions (supabase/migrations/*_community_groups.sql):
// every table × every kind of caller (the standard kinds plus a group's owner, group moderator,
// member and a non-member) × select (through PostgREST) and writes (in SQL as the API role, rolled
// back).
//
// Fixture: a private group P (owner, group moderator, member; the owner invited the non-member, the
// partner reader asked to join), a public group G (owner, member), a hidden public group H, threads on
// a published book (TB), in P (TP), in G (TG) and on a draft book (TD, by the member), replies in TB and TP.
import { beforeAll, describe, expect, it } from 'vitest';
import {
  ALL_KINDS,
  clientOf,
  ensureGroupUsers,
  GROUP_USERS,
  type Kind,
  newBook,
  newGroup,
  newPost,
  newThread,
  sqlOf,
} from './community-groups-helpers.js';
import { adminQuery, ensureTestUsers, type Row, rlsTable, USERS } from './helpers.js';

const f = {
  book: '',
  draft: '',
  P: '',
  G: '',
  H: '',
  TB: '',
  TP: '',
  TG: '',
  TD: '',
  PB: '',
  PP: '',
  invite: '',
  request: '',
};
const { owner, groupModerator, member, nonMember } = GROUP_USERS;

beforeAll(async () => {
  await ensureTestUsers();
  await ensureGroupUsers();
  f.book = await newBook();
  f.draft = await newBook('draft');
  f.P = await newGroup({
    visibility: 'private',
    currentBookId: f.book,
    members: [{ userId: groupModerator.id, role: 'moderator' }, { userId: member.id }],
  });
  f.G = await newGroup({ members: [{ userId: member.id }] });
  f.H = await newGroup({ hidden: true });
  f.TB = await newThread({ bookId: f.book }, member.id);
  f.TP = await newThread({ groupId: f.P }, member.id);
  f.TG = await newThread({ groupId: f.G }, member.id);
  f.TD = await newThread({ bookId: f.draft }, member.id);
  f.PB = await newPost(f.TB, member.id);
  f.PP = await newPost(f.TP, member.id);
  const [invite] = await adminQuery<{ id: string }>(
    `insert into public.group_invitations (group_id, user_id, invited_by) values ($1, $2, $3) returning id`,
    [f.P, nonMember.id, owner.id],
  );
  const [request] = await adminQuery<{ id: string }>(
    `insert into public.group_join_requests (group_id, user_id, message) values ($1, $2, 'Bonjour') returning id`,
    [f.P, USERS.partnerUser.id],
  );
  f.invite = invite!.id;
  f.request = request!.id;
});

const MODS: Kind[] = ['moderator', 'admin', 'service'];
const P_MEMBERS: Kind[] = ['owner', 'groupModerator', 'member'];
const SIGNED_IN: Kind[] = ALL_KINDS.filter((kind) => kind !== 'anon' && kind !== 'service');
const names = (ids: Record<string, string>) => Object.fromEntries(Object.entries(ids).map(([k, v]) => [v, k]));

/** Names of the fixture rows a kind sees through PostgREST, or the HTTP status of a refusal. */
async function visible(
  kind: Kind,
  table: string,
  column: string,
  ids: Record<string, string>,
): Promise<string[] | number> {
  const { data, error, status } = await (await clientOf(kind))
    .from(table)
    .select(column)
    .in(column, Object.values(ids));
  if (error) return status;
  const byId = names(ids);
  return (data as unknown as Row[]).map((row) => byId[row[column] as string]!).sort();
}

describe.each(ALL_KINDS.map((kind) => ({ kind })))('select as $kind', ({ kind }) => {
  const mod = MODS.includes(kind);
  const pMember = P_MEMBERS.includes(kind);

  it(`${rlsTable('reading_groups')}: public for all, private cards for readers, hidden for owner and moderators`, async () => {
    const expected = kind === 'anon' ? ['G'] : mod || kind === 'owner' ? ['G', 'H', 'P'] : ['G', 'P'];
    expect(await visible(kind, 'reading_groups', 'id', { P: f.P, G: f.G, H: f.H })).toEqual(expected);
  });

  it(`${rlsTable('group_members')}: a private group's members for members, a public group's for readers`, async () => {
    const { data, error, status } = await (await clientOf(kind))
      .from('group_members')
      .select('group_id, user_id')
      .in('group_id', [f.P, f.G]);
    if (kind === 'anon') {
      expect([status, error?.code]).toEqual([401, '42501']);
      return;
    }
    const rows = (data ?? []) as Row[];
    expect(rows.filter((row) => row.group_id === f.P)).toHaveLength(pMember || mod ? 3 : 0);
    expect(rows.filter((row) => row.group_id === f.G)).toHaveLength(2);
  });

  it(`${rlsTable('group_invitations')}: invitee, inviter, the group's moderators, community moderators`, async () => {
    const sees = mod || ['owner', 'groupModerator', 'nonMember'].includes(kind);
    expect(await visible(kind, 'group_invitations', 'id', { invite: f.invite })).toEqual(
      kind === 'anon' ? 401 : sees ? ['invite'] : [],
    );
  });

  it(`${rlsTable('group_join_requests')}: requester, the group's moderators, community moderators`, async () => {
    const sees = mod || ['owner', 'groupModerator', 'partnerUser'].includes(kind);
    expect(await visible(kind, 'group_join_requests', 'id', { request: f.request })).toEqual(
      kind === 'anon' ? 401 : sees ? ['request'] : [],
    );
  });

  it(`${rlsTable('discussion_threads')}: with their book or group; the draft book's thread to its author and moderators`, async () => {
    const expected = mod || kind === 'member' ? ['TB', 'TD', 'TG', 'TP'] : pMember ? ['TB', 'TG', 'TP'] : ['TB', 'TG'];
    expect(await visible(kind, 'discussion_threads', 'id', { TB: f.TB, TP: f.TP, TG: f.TG, TD: f.TD })).toEqual(
      expected,
    );
  });

  it(`${rlsTable('discussion_posts')}: with their thread`, async () => {
    expect(await visible(kind, 'discussion_posts', 'id', { PB: f.PB, PP: f.PP })).toEqual(
      mod || pMember ? ['PB', 'PP'] : ['PB'],
    );
  });
});

// =============================================================================================
// Writes: each runs as the kind in a rolled-back transaction; the outcome is the affected row count
// or the SQLSTATE of the refusal.
// =============================================================================================
type Outcome = number | string;

async function outcome(kind: Kind, text: string, params: (kind: Kind) => unknown[]): Promise<Outcome> {
  try {
    return await sqlOf(kind, async (db) => (await db.query(text, params(kind))).rowCount ?? 0);
  } catch (error) {
    return (error as { code: string }).code;
  }
}

const idOf = (kind: Kind): string | null =>
  kind === 'anon' || kind === 'service'
    ? null
    : kind in GROUP_USERS
      ? GROUP_USERS[kind as keyof typeof GROUP_USERS].id
      : USERS[kind as keyof typeof USERS].id;

/** Expected outcome per kind: listed kinds get their value, the rest `otherwise`. */
function expectOutcomes(results: Record<Kind, Outcome>, listed: Partial<Record<Kind, Outcome>>, otherwise: Outcome) {
  const expected = Object.fromEntries(ALL_KINDS.map((kind) => [kind, kind in listed ? listed[kind] : otherwise]));
  expect(results).toEqual(expected);
}

async function each(text: string, params: (kind: Kind) => unknown[]): Promise<Record<Kind, Outcome>> {
  const results = {} as Record<Kind, Outcome>;
  for (const kind of ALL_KINDS) results[kind] = await outcome(kind, text, params);
  return results;
}

const DENIED = '42501';

describe('writes', () => {
  it('reading_groups insert: readers create groups (the service role names the owner)', async () => {
    const results = await each(
      `insert into public.reading_groups (name, visibility, owner_id) values ('Club', 'private', coalesce($1::uuid, $2::uuid))`,
      (kind) => [idOf(kind), owner.id],
    );
    expectOutcomes(results, { anon: DENIED }, 1);
  });

  it('reading_groups update: the owner, group moderators and community moderators', async () => {
    const results = await each(`update public.reading_groups set name = 'Nouveau nom' where id = $1`, () => [f.P]);
    expectOutcomes(results, { anon: DENIED, owner: 1, groupModerator: 1, moderator: 1, admin: 1, service: 1 }, 0);
  });

  it('reading_groups delete: the owner and community moderators (members go with the group)', async () => {
    const results = await each(`delete from public.reading_groups where id = $1`, () => [f.P]);
    expectOutcomes(results, { anon: DENIED, owner: 1, moderator: 1, admin: 1, service: 1 }, 0);
  });

  it('group_members insert: readers join a public group; nobody joins a private one directly', async () => {
    const pub = await each(
      `insert into public.group_members (group_id, user_id) values ($1, coalesce($2::uuid, $3::uuid))`,
      (kind) => [f.G, idOf(kind), nonMember.id],
    );
    expectOutcomes(pub, { anon: DENIED, owner: '23505', member: '23505' }, 1);
    const priv = await each(
      `insert into public.group_members (group_id, user_id) values ($1, coalesce($2::uuid, $3::uuid))`,
      (kind) => [f.P, idOf(kind), nonMember.id],
    );
    expectOutcomes(priv, { service: 1 }, DENIED);
  });

  it('group_members update: only the member shares their progress', async () => {
    const results = await each(
      `update public.group_members set share_progress = true where group_id = $1 and user_id = $2`,
      () => [f.P, member.id],
    );
    expectOutcomes(
      results,
      { member: 1, service: 1, anon: DENIED, owner: DENIED, groupModerator: DENIED, moderator: DENIED, admin: DENIED },
      0,
    );
  });

  it('group_members update: only the owner (and community moderators) appoint group moderators', async () => {
    const results = await each(
      `update public.group_members set role = 'moderator' where group_id = $1 and user_id = $2`,
      () => [f.P, member.id],
    );
    expectOutcomes(
      results,
      { owner: 1, moderator: 1, admin: 1, service: 1, anon: DENIED, groupModerator: DENIED, member: DENIED },
      0,
    );
  });

  it('group_members delete: members leave; the owner, group moderators and community moderators remove', async () => {
    const results = await each(`delete from public.group_members where group_id = $1 and user_id = $2`, () => [
      f.P,
      member.id,
    ]);
    expectOutcomes(
      results,
      { anon: DENIED, member: 1, owner: 1, groupModerator: 1, moderator: 1, admin: 1, service: 1 },
      0,
    );
  });

  it('group_invitations insert: the owner and group moderators of a private group', async () => {
    const results = await each(`insert into public.group_invitations (group_id, user_id) values ($1, $2)`, () => [
      f.P,
      USERS.otherUser.id,
    ]);
    expectOutcomes(results, { owner: 1, groupModerator: 1, service: 1 }, DENIED);
  });

  it('group_invitations update: only the invitee accepts', async () => {
    const results = await each(`update public.group_invitations set status = 'accepted' where id = $1`, () => [
      f.invite,
    ]);
    expectOutcomes(
      results,
      {
        nonMember: 1,
        service: 1,
        anon: DENIED,
        owner: DENIED,
        groupModerator: DENIED,
        moderator: DENIED,
        admin: DENIED,
      },
      0,
    );
  });

  it('group_join_requests insert: readers ask to join a private group (members and pending requesters cannot)', async () => {
    const results = await each(
      `insert into public.group_join_requests (group_id, user_id) values ($1, coalesce($2::uuid, $3::uuid))`,
      (kind) => [f.P, idOf(kind), USERS.otherUser.id],
    );
    expectOutcomes(
      results,
      { anon: DENIED, owner: 'PT409', groupModerator: 'PT409', member: 'PT409', partnerUser: '23505' },
      1,
    );
  });

  it('group_join_requests update: the group moderators approve', async () => {
    const results = await each(`update public.group_join_requests set status = 'approved' where id = $1`, () => [
      f.request,
    ]);
    expectOutcomes(
      results,
      { anon: DENIED, owner: 1, groupModerator: 1, moderator: 1, admin: 1, service: 1, partnerUser: DENIED },
      0,
    );
  });

  it('discussion_threads insert: members in their group, readers on books they see', async () => {
    const inGroup = await each(
      `insert into public.discussion_threads (group_id, title) values ($1, 'Chapitre 3')`,
      () => [f.P],
    );
    expectOutcomes(inGroup, { owner: 1, groupModerator: 1, member: 1, service: 1 }, DENIED);
    const onBook = await each(`insert into public.discussion_threads (book_id, title) values ($1, 'Avis')`, () => [
      f.book,
    ]);
    expectOutcomes(onBook, { anon: DENIED }, 1);
    const onDraft = await each(`insert into public.discussion_threads (book_id, title) values ($1, 'Avis')`, () => [
      f.draft,
    ]);
    expectOutcomes(onDraft, { admin: 1, service: 1 }, DENIED);
  });

  it('discussion_threads update and delete: the author edits; nobody deletes rows through the API', async () => {
    const edit = await each(`update public.discussion_threads set title = 'Modifié' where id = $1`, () => [f.TP]);
    expectOutcomes(
      edit,
      { anon: DENIED, member: 1, moderator: 1, admin: 1, service: 1, owner: DENIED, groupModerator: DENIED },
      0,
    );
    const remove = await each(`delete from public.discussion_threads where id = $1`, () => [f.TP]);
    expectOutcomes(remove, { service: 1 }, DENIED);
  });

  it("discussion_posts insert: members reply in their group's threads", async () => {
    const results = await each(`insert into public.discussion_posts (thread_id, body) values ($1, 'Oui !')`, () => [
      f.TP,
    ]);
    expectOutcomes(results, { owner: 1, groupModerator: 1, member: 1, service: 1 }, DENIED);
  });

  it('discussion_posts update: the author edits; group moderators only delete', async () => {
    const edit = await each(`update public.discussion_posts set body = 'Corrigé' where id = $1`, () => [f.PP]);
    expectOutcomes(
      edit,
      { anon: DENIED, member: 1, moderator: 1, admin: 1, service: 1, owner: DENIED, groupModerator: DENIED },
      0,
    );
    const softDelete = await each(`update public.discussion_posts set deleted_at = now() where id = $1`, () => [f.PP]);
    expectOutcomes(
      softDelete,
      { anon: DENIED, member: 1, owner: 1, groupModerator: 1, moderator: 1, admin: 1, service: 1 },
      0,
    );
    const remove = await each(`delete from public.discussion_posts where id = $1`, () => [f.PP]);
    expectOutcomes(remove, { service: 1 }, DENIED);
  });

  it('group_progress: members only', async () => {
    const results = await each(`select * from public.group_progress($1)`, () => [f.P]);
    expectOutcomes(results, { owner: 0, groupModerator: 0, member: 0, moderator: 0, admin: 0, service: 0 }, DENIED);
  });
});
