// private.account_anonymizers names its steps by text (schema.name(uuid)), checked on write and
// resolved when private.anonymize_account() runs (migration 20261203100200; no reg* column, so
// pg_upgrade can carry the database to the next Postgres major).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { adminQuery, createUser, sqlError } from './helpers.js';

const USER = { id: '30000000-0000-4000-8000-000000000001', email: 'anonymizers@rls.test', roles: [] };

beforeAll(async () => {
  await adminQuery(`create table private.test_notes (user_id uuid primary key, note text)`);
  // anonymize_account() runs as its owner (postgres), like every registered step.
  await adminQuery(`grant all on private.test_notes to postgres`);
  await adminQuery(
    `create function private.test_erase_notes(user_id uuid) returns void
     language sql set search_path = '' as $$ delete from private.test_notes n where n.user_id = test_erase_notes.user_id $$`,
  );
  await adminQuery(
    `create function private.test_wrong_shape(user_id uuid) returns boolean language sql as $$ select true $$`,
  );
  await createUser(USER);
});

afterAll(async () => {
  await adminQuery(`delete from private.account_anonymizers where function_name like 'private.test\\_%'`);
  await adminQuery(
    `drop function if exists private.test_erase_notes(uuid), private.test_wrong_shape(uuid);
     drop table if exists private.test_notes`,
  );
});

describe('registering an anonymizer', () => {
  it('stores a text identity, not a reg* type', async () => {
    const [column] = await adminQuery<{ type: string }>(
      `select format_type(a.atttypid, a.atttypmod) as type from pg_attribute a
       where a.attrelid = 'private.account_anonymizers'::regclass and a.attname = 'function_name'`,
    );
    expect(column).toEqual({ type: 'text' });
  });

  it('keeps the steps registered by earlier migrations, in canonical form', async () => {
    const rows = await adminQuery<{ function_name: string }>(
      `select function_name from private.account_anonymizers where function_name = 'private.erase_reading_data(uuid)'`,
    );
    expect(rows).toHaveLength(1);
  });

  it('stores the canonical spelling, so one function cannot be registered twice', async () => {
    await adminQuery(
      `insert into private.account_anonymizers (function_name, position, description)
       values ('private.test_erase_notes( uuid )', 900, 'Test notes')`,
    );
    const inserted = await adminQuery(
      `insert into private.account_anonymizers (function_name, position, description)
       values ('"private"."test_erase_notes"(pg_catalog.uuid)', 901, 'Test notes again')
       on conflict do nothing returning function_name`,
    );
    expect(inserted).toEqual([]);
    expect(
      await adminQuery(
        `select function_name, position from private.account_anonymizers where description like 'Test notes%'`,
      ),
    ).toEqual([{ function_name: 'private.test_erase_notes(uuid)', position: 900 }]);
  });

  it('refuses a function that does not exist (42883), including an unqualified name', async () => {
    for (const name of ['private.no_such_step(uuid)', 'test_erase_notes(uuid)', 'not a function']) {
      const error = await sqlError(
        adminQuery(`insert into private.account_anonymizers (function_name, description) values ($1, 'x')`, [name]),
      );
      expect(error.code, name).toBe('42883');
    }
  });

  it('refuses a function that is not (user_id uuid) returns void (22023)', async () => {
    for (const name of ['private.test_wrong_shape(uuid)', 'private.has_role(public.app_role)']) {
      const error = await sqlError(
        adminQuery(`insert into private.account_anonymizers (function_name, description) values ($1, 'x')`, [name]),
      );
      expect(error.code, name).toBe('22023');
    }
  });
});

describe('private.anonymize_account() resolves the steps by name', () => {
  it('runs a registered step', async () => {
    await adminQuery(`insert into private.test_notes values ($1, 'personal')`, [USER.id]);
    // The step was registered above; resolution happens now, by name.
    await adminQuery(`select private.anonymize_account($1)`, [USER.id]);
    expect(await adminQuery(`select * from private.test_notes where user_id = $1`, [USER.id])).toEqual([]);
  });

  it('fails (42883) and erases nothing when a registered step has gone', async () => {
    const other = { id: '30000000-0000-4000-8000-000000000002', email: 'anonymizers-2@rls.test', roles: [] };
    await createUser(other);
    await adminQuery(`insert into private.test_notes values ($1, 'personal')`, [other.id]);
    await adminQuery(
      `create function private.test_vanishing(user_id uuid) returns void language sql as $$ select $$;
       insert into private.account_anonymizers (function_name, position, description)
       values ('private.test_vanishing(uuid)', 1, 'Test vanishing');
       drop function private.test_vanishing(uuid)`,
    );
    try {
      const error = await sqlError(adminQuery(`select private.anonymize_account($1)`, [other.id]));
      expect(error.code).toBe('42883');
      expect(error.message).toBe('account anonymizer private.test_vanishing(uuid) does not exist');
      const [state] = await adminQuery(
        `select (select count(*)::int from private.test_notes where user_id = $1) as notes,
                (select email from auth.users where id = $1) as email,
                (select anonymized_at from private.account_states where user_id = $1) as anonymized_at`,
        [other.id],
      );
      expect(state).toEqual({ notes: 1, email: other.email, anonymized_at: null });
    } finally {
      await adminQuery(`delete from private.account_anonymizers where function_name = 'private.test_vanishing(uuid)'`);
    }
  });
});
