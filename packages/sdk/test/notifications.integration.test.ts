import { randomUUID } from 'node:crypto';
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { AuthenticationError, type CokoClient, createCoko, ValidationError } from '../src';

// coko.notifications against the real stack: the inbox rows the consumer writes (inserted here as it would),
// RLS on them through PostgREST, the unread count RPC, preferences and push devices.
const url = process.env.COKO_TEST_URL ?? '';
const publishableKey = process.env.COKO_TEST_PUBLISHABLE_KEY ?? 'unused';
const databaseUrl = process.env.COKO_TEST_ADMIN_DATABASE_URL ?? '';

describe.skipIf(!process.env.COKO_TEST_URL)('coko.notifications against the real stack', () => {
  const db = new pg.Pool({ connectionString: databaseUrl, max: 2 });
  afterAll(() => db.end());

  async function reader(): Promise<{ id: string; coko: CokoClient }> {
    const id = randomUUID();
    const email = `${id.slice(0, 8)}@notifications.test`;
    await db.query(
      `insert into auth.users (instance_id, id, aud, role, email, email_confirmed_at, raw_app_meta_data, raw_user_meta_data, created_at, updated_at)
       values ('00000000-0000-0000-0000-000000000000', $1, 'authenticated', 'authenticated', $2, now(), '{"provider":"email"}', '{}', now(), now())`,
      [id, email],
    );
    const [{ mintUserToken }, { testStack }] = await Promise.all([
      import('@coko/server/dev'),
      import('../../../test/stack.js'),
    ]);
    const token = await mintUserToken(testStack().keys, { id, email }, { expiresInSeconds: 600 });
    return { id, coko: createCoko({ url, publishableKey, accessToken: token, retries: 0 }) };
  }

  async function notify(userId: string, title: string, minutesAgo: number, inApp = true): Promise<string> {
    const { rows } = await db.query<{ id: string }>(
      `insert into public.notifications (user_id, kind, title, body, data, in_app, created_at)
       values ($1, 'badge_earned', $2, 'Bravo', '{"badgeId":"b1"}', $4, now() - make_interval(mins => $3)) returning id`,
      [userId, title, minutesAgo, inApp],
    );
    return rows[0]!.id;
  }

  it('lists the inbox newest first by pages, counts, marks read and deletes', async () => {
    const awa = await reader();
    const other = await reader();
    for (let i = 5; i >= 1; i--) await notify(awa.id, `n${i}`, i);
    await notify(awa.id, 'hidden', 0, false);
    await notify(other.id, 'not mine', 0);

    const first = await awa.coko.notifications.list({ limit: 3 });
    expect(first.data.map((n) => n.title)).toEqual(['n1', 'n2', 'n3']);
    expect(first.data[0]).toMatchObject({ kind: 'badge_earned', body: 'Bravo', data: { badgeId: 'b1' }, readAt: null });
    const second = await awa.coko.notifications.list({ limit: 3, cursor: first.nextCursor });
    expect(second.data.map((n) => n.title)).toEqual(['n4', 'n5']);
    expect(second.nextCursor).toBeNull();
    expect(await awa.coko.notifications.unreadCount()).toBe(5);

    expect(await awa.coko.notifications.markRead([first.data[0]!.id, first.data[1]!.id])).toBe(2);
    expect(await awa.coko.notifications.unreadCount()).toBe(3);
    expect((await awa.coko.notifications.list({ unreadOnly: true })).data.map((n) => n.title)).toEqual([
      'n3',
      'n4',
      'n5',
    ]);
    expect(await awa.coko.notifications.markRead('all')).toBe(3);
    expect(await awa.coko.notifications.unreadCount()).toBe(0);
    expect(await other.coko.notifications.unreadCount()).toBe(1);

    await awa.coko.notifications.delete(first.data[0]!.id);
    expect((await awa.coko.notifications.list()).data).toHaveLength(4);
    // Another reader's notification is not theirs to delete: nothing happens.
    const [theirs] = (await other.coko.notifications.list()).data;
    await awa.coko.notifications.delete(theirs!.id);
    expect((await other.coko.notifications.list()).data).toHaveLength(1);
  });

  it('validates before any request and needs a reader', async () => {
    const { coko } = await reader();
    await expect(coko.notifications.markRead([])).rejects.toBeInstanceOf(ValidationError);
    await expect(coko.notifications.markRead(['nope'])).rejects.toBeInstanceOf(ValidationError);
    await expect(coko.notifications.delete('nope')).rejects.toBeInstanceOf(ValidationError);
    await expect(coko.notifications.list({ limit: 0 })).rejects.toBeInstanceOf(ValidationError);
    await expect(coko.notifications.devices.register('t', 'blackberry' as 'web')).rejects.toBeInstanceOf(
      ValidationError,
    );
    await expect(createCoko({ url, publishableKey }).notifications.unreadCount()).rejects.toBeInstanceOf(
      AuthenticationError,
    );
  });

  it('preferences: read and update the notifications part only', async () => {
    const { coko } = await reader();
    expect(await coko.notifications.preferences.get()).toEqual({ email: true, push: true, sms: false });
    expect(
      await coko.notifications.preferences.update({
        inApp: true,
        kinds: { post_reply: { push: false } },
        quietHours: { start: '21:00', end: '06:30' },
        timeZone: 'Europe/Paris',
      }),
    ).toEqual({
      email: true,
      push: true,
      sms: false,
      inApp: true,
      kinds: { post_reply: { push: false } },
      quietHours: { start: '21:00', end: '06:30' },
      timeZone: 'Europe/Paris',
    });
    expect((await coko.account.preferences.get()).theme).toBe('system');
    expect(await coko.notifications.preferences.update({ quietHours: null })).toMatchObject({ quietHours: null });
    await expect(
      coko.notifications.preferences.update({ kinds: { spam: { email: true } } as never }),
    ).rejects.toBeInstanceOf(ValidationError);
  });

  it('devices: register (twice is once), move to another reader, unregister', async () => {
    const awa = await reader();
    const moussa = await reader();
    const token = `fcm-${randomUUID()}`;
    await awa.coko.notifications.devices.register(token, 'android');
    await awa.coko.notifications.devices.register(token, 'android');
    const owner = async () =>
      (await db.query<{ user_id: string }>('select user_id from public.push_devices where token = $1', [token])).rows;
    expect(await owner()).toEqual([{ user_id: awa.id }]);
    await moussa.coko.notifications.devices.register(token, 'android');
    expect(await owner()).toEqual([{ user_id: moussa.id }]);
    await awa.coko.notifications.devices.unregister(token); // not hers any more: nothing happens
    expect(await owner()).toHaveLength(1);
    await moussa.coko.notifications.devices.unregister(token);
    expect(await owner()).toEqual([]);
  });
});
