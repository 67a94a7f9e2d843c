import { describe, expect, it } from 'vitest';
import { loadGatewayConfig } from '../../src/gateway/config.ts';
import { catalogReadsOn } from '../../src/gateway/read-replica.ts';
import { postgrestUpstream } from '../../src/gateway/upstream.ts';

const routing = catalogReadsOn(postgrestUpstream({ url: 'http://replica:3000', anonJwt: 'a', serviceRoleJwt: 's' }));
const serves = (method: string, path: string) =>
  routing.serves(new Request(`http://gateway/rest/v1/${path}`, { method }));

describe('catalogReadsOn', () => {
  it('sends catalog reads to the replica: tables, catalog embeddings, the search RPC', () => {
    expect(serves('GET', 'books?select=id,title&status=eq.published')).toBe(true);
    expect(serves('HEAD', 'categories')).toBe(true);
    expect(serves('GET', 'books?select=id,authors(name),publishers!books_publisher_id_fkey(name)')).toBe(true);
    expect(serves('POST', 'rpc/search_books')).toBe(true);
    expect(serves('GET', 'rpc/search_books?query=conte')).toBe(true);
  });

  it("keeps every write and every reader's own rows on the primary", () => {
    expect(serves('POST', 'books')).toBe(false);
    expect(serves('PATCH', 'books?id=eq.1')).toBe(false);
    expect(serves('DELETE', 'authors?id=eq.1')).toBe(false);
    expect(serves('GET', 'reading_progress?book_id=eq.1')).toBe(false);
    expect(serves('GET', 'annotations')).toBe(false);
    expect(serves('POST', 'rpc/sync_reading')).toBe(false);
    // An embedding of a reader's rows (or anything unknown, such as an aggregate) is not a catalog read.
    expect(serves('GET', 'books?select=id,reading_progress(locator)')).toBe(false);
    expect(serves('GET', 'books?select=id,progress:reading_progress!inner(locator)')).toBe(false);
    expect(serves('GET', 'books?select=count()')).toBe(false);
    // Not a table: the schema root and look-alike paths stay on the primary.
    expect(serves('GET', '')).toBe(false);
    expect(serves('GET', 'books/extra')).toBe(false);
  });
});

describe('SUPABASE_REPLICA_URL', () => {
  const base = {
    SUPABASE_URL: 'https://ref.supabase.co',
    SUPABASE_PUBLISHABLE_KEY: 'sb_publishable_x',
    SUPABASE_SECRET_KEY: 'sb_secret_x',
    DATABASE_URL: 'postgres://postgres:pw@db:6543/postgres',
    RATE_LIMITS: 'off',
  };

  it('is optional, and an http(s) URL when set', () => {
    expect(loadGatewayConfig(base).replicaUrl).toBeUndefined();
    expect(
      loadGatewayConfig({ ...base, SUPABASE_REPLICA_URL: 'https://ref-rr-eu-west-3.supabase.co/' }).replicaUrl,
    ).toBe('https://ref-rr-eu-west-3.supabase.co');
    expect(() => loadGatewayConfig({ ...base, SUPABASE_REPLICA_URL: 'postgres://replica' })).toThrow(
      /SUPABASE_REPLICA_URL: must be an http\(s\) URL/,
    );
  });
});
