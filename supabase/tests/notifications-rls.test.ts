// Notifications (supabase/migrations/20261208130200_notifications.sql):
// - public.notifications and public.push_devices per caller kind (the RLS matrix), through PostgREST;
// - public.unread_notifications_count(), public.register_push_device() (a device follows its new reader);
// - the preferences shape: old documents stay valid, the new keys are checked;
// - private.unsubscribe_notification_email() and the account anonymiser.
import { beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  adminQuery,
  CLIENT_KINDS,
  type ClientKind,
  clientAs,
  ensureTestUsers,
  rlsTable,
  sqlError,
  sqlFor,
  USERS,
} from './helpers.js';

const NOTIFICATIONS = rlsTable('notifications');
const DEVICES = rlsTable('push_devices');
const reader = USERS.user.id;
const other = USERS.otherUser.id;

async function notify(userId: string, { inApp = true, kind = 'welcome' } = {}): Promise<string> {
  const rows = await adminQuery<{ id: string }>(
    `insert into public.notifications (user_id, kind, title, body, in_app) values ($1, $2, 'Titre', 'Texte', $3) returning id`,
    [userId, kind, inApp],
  );
  return rows[0]!.id;
}

let mine: string;
let hidden: string;
let theirs: string;

beforeAll(ensureTestUsers);
beforeEach(async () => {
  await adminQuery('delete from public.notifications where user_id = any($1)', [[reader, other]]);
  await adminQuery('delete from public.push_devices where user_id = any($1)', [[reader, other]]);
  mine = await notify(reader);
  hidden = await notify(reader, { inApp: false });
  theirs = await notify(other);
  await adminQuery(
    `insert into public.push_devices (user_id, token, platform) values ($1, 'tok-reader', 'android'), ($2, 'tok-other', 'web')`,
    [reader, other],
  );
});

describe('public.notifications RLS matrix', () => {
  it.each(CLIENT_KINDS)('%s reads only their own in-app notifications', async (kind: ClientKind) => {
    const client = await clientAs(kind);
    const { data, error } = await client.from(NOTIFICATIONS).select('id').in('id', [mine, hidden, theirs]);
    if (kind === 'anon') {
      expect(error?.message).toMatch(/permission denied/);
      return;
    }
    expect(error).toBeNull();
    const ids = (data ?? []).map((r) => r.id).sort();
    if (kind === 'service') expect(ids).toEqual([mine, hidden, theirs].sort());
    else if (kind === 'user') expect(ids).toEqual([mine]);
    else if (kind === 'otherUser') expect(ids).toEqual([theirs]);
    else expect(ids).toEqual([]); // moderators and admins read no one's inbox
  });

  it('a reader marks their own read, not another reader’s, and cannot rewrite the text', async () => {
    const client = await clientAs('user');
    const now = new Date().toISOString();
    const own = await client.from(NOTIFICATIONS).update({ read_at: now }).in('id', [mine, theirs]).select('id');
    expect(own.error).toBeNull();
    expect(own.data?.map((r) => r.id)).toEqual([mine]);
    const [row] = await adminQuery<{ read_at: Date | null }>('select read_at from public.notifications where id = $1', [
      theirs,
    ]);
    expect(row?.read_at).toBeNull();
    const rewrite = await client.from(NOTIFICATIONS).update({ title: 'x' }).eq('id', mine);
    expect(rewrite.error?.message).toMatch(/permission denied/);
  });

  it('nobody but the service inserts; a reader deletes only their own', async () => {
    const client = await clientAs('user');
    const insert = await client.from(NOTIFICATIONS).insert({ user_id: reader, kind: 'welcome', title: 't', body: 'b' });
    expect(insert.error?.message).toMatch(/permission denied/);
    const del = await client.from(NOTIFICATIONS).delete().in('id', [mine, theirs]).select('id');
    expect(del.data?.map((r) => r.id)).toEqual([mine]);
    expect(await adminQuery('select 1 from public.notifications where id = $1', [theirs])).toHaveLength(1);
  });

  it('unread_notifications_count counts the caller’s unread in-app rows', async () => {
    await notify(reader);
    const client = await clientAs('user');
    expect((await client.rpc('unread_notifications_count')).data).toBe(2);
    await client.from(NOTIFICATIONS).update({ read_at: new Date().toISOString() }).eq('id', mine);
    expect((await client.rpc('unread_notifications_count')).data).toBe(1);
    expect((await (await clientAs('anon')).rpc('unread_notifications_count')).error?.message).toMatch(
      /permission denied/,
    );
  });
});

describe('public.push_devices RLS matrix', () => {
  it.each(CLIENT_KINDS)('%s sees only their own devices', async (kind: ClientKind) => {
    const client = await clientAs(kind);
    const { data, error } = await client.from(DEVICES).select('token').in('token', ['tok-reader', 'tok-other']);
    if (kind === 'anon') {
      expect(error?.message).toMatch(/permission denied/);
      return;
    }
    const tokens = (data ?? []).map((r) => r.token).sort();
    if (kind === 'service') expect(tokens).toEqual(['tok-other', 'tok-reader']);
    else if (kind === 'user') expect(tokens).toEqual(['tok-reader']);
    else if (kind === 'otherUser') expect(tokens).toEqual(['tok-other']);
    else expect(tokens).toEqual([]);
  });

  it('register_push_device registers, refreshes, and moves a token to its new reader', async () => {
    const client = await clientAs('user');
    const first = await client.rpc('register_push_device', { token: 'tok-new', platform: 'ios' });
    expect(first.error).toBeNull();
    const again = await client.rpc('register_push_device', { token: 'tok-new', platform: 'ios' });
    expect(again.data).toBe(first.data);
    const moved = await (await clientAs('user')).rpc('register_push_device', { token: 'tok-other', platform: 'web' });
    expect(moved.error).toBeNull();
    const rows = await adminQuery<{ user_id: string }>(
      `select user_id from public.push_devices where token = 'tok-other'`,
    );
    expect(rows[0]?.user_id).toBe(reader);
    const bad = await client.rpc('register_push_device', { token: 'tok-x', platform: 'blackberry' });
    expect(bad.error?.code).toBe('23514');
    expect(
      (await (await clientAs('anon')).rpc('register_push_device', { token: 't', platform: 'web' })).error,
    ).not.toBeNull();
  });

  it('a reader removes their own device, never another reader’s, and inserts none directly', async () => {
    const client = await clientAs('user');
    const del = await client.from(DEVICES).delete().in('token', ['tok-reader', 'tok-other']).select('token');
    expect(del.data?.map((r) => r.token)).toEqual(['tok-reader']);
    const insert = await client.from(DEVICES).insert({ token: 'direct', platform: 'web' });
    expect(insert.error?.message).toMatch(/permission denied/);
  });
});

describe('private tables are not exposed', () => {
  it.each(['notification_deliveries', 'dev_outbox'])('private.%s refuses readers', async (table) => {
    const error = await sqlError(sqlFor('user', (db) => db.query(`select * from private.${table}`)));
    expect(error.message).toMatch(/permission denied/);
  });
});

describe('preferences shape', () => {
  const base = { theme: 'system', fontSize: 16 };
  const valid = async (preferences: unknown) =>
    (
      await adminQuery<{ ok: boolean }>('select private.is_valid_preferences($1) as ok', [JSON.stringify(preferences)])
    )[0]!.ok;

  it('keeps old documents valid', async () => {
    expect(await valid({ ...base, notifications: { email: true, push: true, sms: false } })).toBe(true);
  });

  it('accepts the full new shape', async () => {
    expect(
      await valid({
        ...base,
        leaderboards: false,
        notifications: {
          email: true,
          push: true,
          sms: false,
          inApp: true,
          kinds: { badge_earned: { email: false }, welcome: { sms: true, inApp: false } },
          quietHours: { start: '22:00', end: '07:00' },
          timeZone: 'Africa/Dakar',
        },
      }),
    ).toBe(true);
    expect(await valid({ ...base, notifications: { email: true, push: true, sms: false, quietHours: null } })).toBe(
      true,
    );
  });

  it.each([
    ['an unknown top-level key', { ...base, extra: 1, notifications: { email: true, push: true, sms: false } }],
    [
      'leaderboards not boolean',
      { ...base, leaderboards: 'yes', notifications: { email: true, push: true, sms: false } },
    ],
    ['a missing channel', { ...base, notifications: { email: true, push: true } }],
    [
      'an unknown kind',
      { ...base, notifications: { email: true, push: true, sms: false, kinds: { spam: { email: true } } } },
    ],
    [
      'an unknown channel in a kind',
      { ...base, notifications: { email: true, push: true, sms: false, kinds: { welcome: { fax: true } } } },
    ],
    [
      'a bad quiet hour',
      { ...base, notifications: { email: true, push: true, sms: false, quietHours: { start: '25:00', end: '07:00' } } },
    ],
    [
      'quiet hours missing end',
      { ...base, notifications: { email: true, push: true, sms: false, quietHours: { start: '22:00' } } },
    ],
    [
      'a time zone that is no name',
      { ...base, notifications: { email: true, push: true, sms: false, timeZone: 'x; drop' } },
    ],
  ])('refuses %s', async (_, preferences) => {
    expect(await valid(preferences)).toBe(false);
  });

  it('a reader saves the new shape through PostgREST', async () => {
    const client = await clientAs('user');
    const preferences = {
      ...base,
      notifications: {
        email: true,
        push: false,
        sms: false,
        quietHours: { start: '21:30', end: '06:00' },
        timeZone: 'Europe/Paris',
      },
    };
    const { error } = await client.from('profiles').update({ preferences }).eq('id', reader);
    expect(error).toBeNull();
  });
});

describe('unsubscribe and anonymiser', () => {
  it('unsubscribe_notification_email turns one kind’s email off and keeps the rest', async () => {
    await adminQuery(
      `update public.profiles set preferences = '{"theme":"dark","fontSize":18,"notifications":{"email":true,"push":true,"sms":false,"kinds":{"badge_earned":{"push":false}}}}' where id = $1`,
      [reader],
    );
    await adminQuery(`select private.unsubscribe_notification_email($1, 'badge_earned')`, [reader]);
    await adminQuery(`select private.unsubscribe_notification_email($1, 'welcome')`, [reader]);
    const [row] = await adminQuery<{ preferences: Record<string, unknown> }>(
      'select preferences from public.profiles where id = $1',
      [reader],
    );
    expect(row?.preferences).toEqual({
      theme: 'dark',
      fontSize: 18,
      notifications: {
        email: true,
        push: true,
        sms: false,
        kinds: { badge_earned: { push: false, email: false }, welcome: { email: false } },
      },
    });
  });

  it('the anonymiser deletes notifications, their deliveries and devices', async () => {
    await adminQuery(`insert into private.notification_deliveries (notification_id, channel) values ($1, 'email')`, [
      mine,
    ]);
    await adminQuery('select private.erase_notifications($1)', [reader]);
    expect(await adminQuery('select 1 from public.notifications where user_id = $1', [reader])).toHaveLength(0);
    expect(await adminQuery('select 1 from public.push_devices where user_id = $1', [reader])).toHaveLength(0);
    expect(
      await adminQuery('select 1 from private.notification_deliveries where notification_id = $1', [mine]),
    ).toHaveLength(0);
    expect(await adminQuery('select 1 from public.notifications where user_id = $1', [other])).toHaveLength(1);
    const registered = await adminQuery(
      `select 1 from private.account_anonymizers where function_name = 'private.erase_notifications(uuid)'`,
    );
    expect(registered).toHaveLength(1);
  });
});
