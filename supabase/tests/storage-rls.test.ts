// Storage buckets and policies (migration 20261207110000_storage_buckets.sql): covers readable by anyone,
// books by nobody but the service role, writes by the service role only; supabase/config.toml mirrors
// the buckets.
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  adminQuery,
  CLIENT_KINDS,
  type ClientKind,
  ensureTestUsers,
  rlsViolation,
  sqlError,
  sqlFor,
} from './helpers.js';

const here = dirname(fileURLToPath(import.meta.url));
const COVER = 'storage-rls/small.webp';
const BOOK = 'storage-rls/book.epub';

beforeAll(async () => {
  await ensureTestUsers();
  await adminQuery(
    `insert into storage.objects (bucket_id, name, metadata)
     values ('covers', $1, '{"mimetype": "image/webp"}'), ('books', $2, '{"mimetype": "application/epub+zip"}')
     on conflict (bucket_id, name) do nothing`,
    [COVER, BOOK],
  );
});

/** `[storage.buckets.<name>]` sections of supabase/config.toml (their values are JSON-compatible TOML). */
function tomlBuckets(): Record<string, Record<string, unknown>> {
  const toml = readFileSync(join(here, '..', 'config.toml'), 'utf8');
  const buckets: Record<string, Record<string, unknown>> = {};
  for (const section of toml.split(/^\[/m)) {
    const name = section.match(/^storage\.buckets\.([a-z0-9_-]+)\]/)?.[1];
    if (!name) continue;
    buckets[name] = Object.fromEntries(
      [...section.matchAll(/^([a-z_]+)\s*=\s*(.+)$/gm)].map((match) => [match[1], JSON.parse(match[2]!)]),
    );
  }
  return buckets;
}

async function visible(kind: ClientKind, bucket: string, name: string): Promise<number> {
  return sqlFor(kind, async (db) => {
    const result = await db.query('select 1 from storage.objects where bucket_id = $1 and name = $2', [bucket, name]);
    return result.rowCount ?? 0;
  });
}

describe('storage buckets', () => {
  it('has a private books bucket and a public covers bucket limited to images', async () => {
    const buckets = await adminQuery(
      `select id, public, file_size_limit::int as limit, allowed_mime_types as types
       from storage.buckets where id in ('books', 'covers') order by id`,
    );
    expect(buckets).toEqual([
      { id: 'books', public: false, limit: 52428800, types: null },
      { id: 'covers', public: true, limit: 2097152, types: ['image/webp', 'image/jpeg', 'image/png'] },
    ]);
  });

  it('is mirrored in supabase/config.toml', () => {
    expect(tomlBuckets()).toEqual({
      books: { public: false, file_size_limit: '50MiB' },
      covers: { public: true, file_size_limit: '2MiB', allowed_mime_types: ['image/webp', 'image/jpeg', 'image/png'] },
    });
  });
});

describe('storage.objects policies', () => {
  it.each(CLIENT_KINDS)('lets %s read covers', async (kind) => {
    expect(await visible(kind, 'covers', COVER)).toBe(1);
  });

  it.each(CLIENT_KINDS.filter((kind) => kind !== 'service'))('hides books from %s', async (kind) => {
    expect(await visible(kind, 'books', BOOK)).toBe(0);
  });

  it('shows books to the service role only', async () => {
    expect(await visible('service', 'books', BOOK)).toBe(1);
  });

  it.each(CLIENT_KINDS.filter((kind) => kind !== 'service'))('refuses writes from %s', async (kind) => {
    const error = await sqlError(
      sqlFor(kind, (db) => db.query(`insert into storage.objects (bucket_id, name) values ('covers', 'x/evil.webp')`)),
    );
    expect(error.message).toBe(rlsViolation('objects'));
    const changed = await sqlFor(kind, async (db) => {
      const updated = await db.query(
        `update storage.objects set metadata = '{}' where bucket_id in ('covers', 'books')`,
      );
      const deleted = await db.query(`delete from storage.objects where bucket_id in ('covers', 'books')`);
      return (updated.rowCount ?? 0) + (deleted.rowCount ?? 0);
    });
    expect(changed).toBe(0);
  });
});
