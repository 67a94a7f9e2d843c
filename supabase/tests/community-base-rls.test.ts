// Community foundations (supabase/migrations/20261208090000_community_base.sql):
// - public.community_suspensions per caller kind: readers see their own, moderators and admins see and
//   write all (never themselves), anon nothing;
// - private.community_can_write(): signed in, community:participate, not suspended;
// - private.community_throttle(): a sliding minute per reader and action, 429 past the limit;
// - private.is_community_text(): the body rule.
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

const TABLE = rlsTable('community_suspensions');
const MODERATES = (kind: ClientKind) => kind === 'moderator' || kind === 'admin' || kind === 'service';

beforeAll(ensureTestUsers);

beforeEach(async () => {
  await adminQuery('delete from public.community_suspensions');
  await adminQuery('delete from private.community_write_log');
  await adminQuery(
    `insert into public.community_suspensions (user_id, reason, ends_at, created_by)
     values ($1, 'Spam', now() + interval '1 day', $2), ($3, 'Insults', null, $2)`,
    [USERS.user.id, USERS.moderator.id, USERS.otherUser.id],
  );
});

describe.each(CLIENT_KINDS.map((kind) => ({ kind })))('community_suspensions as $kind', ({ kind }) => {
  it('select: own rows for readers, all for moderators, nothing for anon', async () => {
    const { data, error, status } = await (await clientAs(kind)).from(TABLE).select('user_id').order('reason');
    if (kind === 'anon') {
      expect(status).toBe(401);
      expect(error?.code).toBe('42501');
      return;
    }
    expect(error).toBeNull();
    const users = (data ?? []).map((row) => row.user_id);
    if (MODERATES(kind)) expect(users).toEqual([USERS.otherUser.id, USERS.user.id]);
    else if (kind === 'user') expect(users).toEqual([USERS.user.id]);
    else if (kind === 'otherUser') expect(users).toEqual([USERS.otherUser.id]);
    else expect(users).toEqual([]);
  });

  it('insert: moderators suspend others; readers cannot', async () => {
    const { error, status } = await (await clientAs(kind))
      .from(TABLE)
      .insert({ user_id: USERS.partnerUser.id, reason: 'Flood' });
    if (MODERATES(kind)) {
      expect(error).toBeNull();
      expect(status).toBe(201);
    } else {
      expect(status).toBe(kind === 'anon' ? 401 : 403);
      expect(error?.code).toBe('42501');
    }
    const rows = await adminQuery('select 1 from public.community_suspensions where user_id = $1', [
      USERS.partnerUser.id,
    ]);
    expect(rows).toHaveLength(MODERATES(kind) ? 1 : 0);
  });

  it('update: moderators lift suspensions; readers cannot lift their own', async () => {
    const { error } = await (await clientAs(kind))
      .from(TABLE)
      .update({ lifted_at: new Date().toISOString() })
      .eq('user_id', USERS.user.id);
    const [row] = await adminQuery<{ lifted: boolean }>(
      'select lifted_at is not null as lifted from public.community_suspensions where user_id = $1',
      [USERS.user.id],
    );
    expect(row!.lifted).toBe(MODERATES(kind));
    if (kind === 'anon') expect(error?.code).toBe('42501');
  });

  it('delete: nobody through the API but the service role', async () => {
    await (await clientAs(kind)).from(TABLE).delete().eq('user_id', USERS.user.id);
    const rows = await adminQuery('select 1 from public.community_suspensions where user_id = $1', [USERS.user.id]);
    expect(rows).toHaveLength(kind === 'service' ? 0 : 1);
  });
});

describe('community_suspensions rules', () => {
  it('a moderator cannot suspend themselves', async () => {
    const error = await sqlError(
      sqlFor('moderator', (db) =>
        db.query('insert into public.community_suspensions (user_id, reason) values ($1, $2)', [
          USERS.moderator.id,
          'Self',
        ]),
      ),
    );
    expect(error.code).toBe('42501');
  });

  it('refuses a blank reason and a period that ends before it starts', async () => {
    for (const [reason, ends] of [
      ['   ', null],
      ['Spam', '2000-01-01T00:00:00Z'],
    ] as const) {
      const error = await sqlError(
        adminQuery('insert into public.community_suspensions (user_id, reason, ends_at) values ($1, $2, $3)', [
          USERS.partnerUser.id,
          reason,
          ends,
        ]),
      );
      expect(error.code).toBe('23514');
    }
  });

  it('audits suspensions with the moderator as actor', async () => {
    await sqlFor('moderator', (db) =>
      db.query('insert into public.community_suspensions (user_id, reason) values ($1, $2)', [
        USERS.partnerUser.id,
        'Flood',
      ]),
    );
    // sqlFor rolls back: audit in the same transaction is checked through a committed write instead.
    const { error } = await (await clientAs('moderator'))
      .from(TABLE)
      .insert({ user_id: USERS.partnerUser.id, reason: 'Flood' });
    expect(error).toBeNull();
    const [entry] = await adminQuery<{ actor_id: string; action: string }>(
      `select actor_id::text, action from public.audit_logs
        where resource_type = 'community_suspension' order by created_at desc limit 1`,
    );
    expect(entry).toMatchObject({ actor_id: USERS.moderator.id });
  });
});

describe('private.community_can_write()', () => {
  const canWrite = (kind: ClientKind) =>
    sqlFor(kind, async (db) => (await db.query('select private.community_can_write() as ok')).rows[0].ok as boolean);

  it('is true for readers in good standing, false for anon and suspended readers', async () => {
    expect(await canWrite('anon')).toBe(false);
    expect(await canWrite('user')).toBe(false); // suspended until tomorrow
    expect(await canWrite('otherUser')).toBe(false); // suspended until lifted
    expect(await canWrite('partnerUser')).toBe(true);
    expect(await canWrite('moderator')).toBe(true);
    expect(await canWrite('admin')).toBe(true);
  });

  it('ends with the suspension: lifted or past its end', async () => {
    await adminQuery(`update public.community_suspensions set lifted_at = now() where user_id = $1`, [
      USERS.otherUser.id,
    ]);
    await adminQuery(
      `update public.community_suspensions set starts_at = now() - interval '2 days', ends_at = now() - interval '1 day'
        where user_id = $1`,
      [USERS.user.id],
    );
    expect(await canWrite('otherUser')).toBe(true);
    expect(await canWrite('user')).toBe(true);
  });
});

describe('private.community_throttle()', () => {
  it('allows the per-minute limit and refuses the next write with PT429', async () => {
    await adminQuery(`update private.community_limits set per_minute = 3 where action = 'report'`);
    const error = await sqlError(
      sqlFor('partnerUser', async (db) => {
        for (let i = 0; i < 3; i++) await db.query(`select private.community_throttle('report')`);
        await db.query(`select private.community_throttle('report')`);
      }),
    );
    expect(error.code).toBe('PT429');
    expect(error.message).toBe('Too many report writes: at most 3 per minute');
  });

  it('counts per reader and per action, and forgets writes older than a minute', async () => {
    await adminQuery(`update private.community_limits set per_minute = 1 where action = 'post'`);
    await adminQuery(
      `insert into private.community_write_log (user_id, action, at) values ($1, 'post', clock_timestamp() - interval '61 seconds')`,
      [USERS.partnerUser.id],
    );
    await sqlFor('partnerUser', async (db) => {
      await db.query(`select private.community_throttle('post')`);
      await db.query(`select private.community_throttle('review')`);
    });
    await sqlFor('admin', (db) => db.query(`select private.community_throttle('post')`));
  });

  it('does not limit the service role', async () => {
    await adminQuery(`update private.community_limits set per_minute = 1 where action = 'vote'`);
    await sqlFor('service', async (db) => {
      for (let i = 0; i < 5; i++) await db.query(`select private.community_throttle('vote')`);
    });
  });
});

describe('private.is_community_text()', () => {
  it('accepts text with line breaks and refuses blank, too long and control characters', async () => {
    const [row] = await adminQuery<Record<string, boolean>>(
      `select private.is_community_text(E'Bonjour\\n\\n**bien** <b>', 40) as ok,
              private.is_community_text(E' \\n\\t', 20) as blank,
              private.is_community_text(repeat('a', 21), 20) as long,
              private.is_community_text(E'a\\x07b', 20) as bell`,
    );
    expect(row).toEqual({ ok: true, blank: false, long: false, bell: false });
  });
});
