/**
 * Whom a signed-in reader's catalog search answers for: editors (`books:update`) see every country;
 * a plain reader sees what a guest of their country sees. `country` is their profile's country, the
 * first source of `private.reader_country()` (the token claim and the header come from the request).
 */
export interface SearchScope {
  editor: boolean;
  country: string | null;
}

/** The search scope of a user id; rejects when the database cannot say (the cache then steps aside). */
export interface SearchScopeResolver {
  scopeOf(userId: string): Promise<SearchScope>;
}

/** Where scopes are read (the gateway's small `pg.Pool`, as `postgres`, a member of `service_role`). */
export interface SearchScopeDatabase {
  query(text: string, values?: unknown[]): Promise<{ rows: unknown[] }>;
}

export interface SearchScopeOptions {
  /** Seconds a scope is reused: the search cache's TTL, so a scope is never staler than an answer. */
  ttlSeconds: number;
  /** Most users kept (least recently used evicted first; default 10,000). */
  maxEntries?: number | undefined;
  /** Clock (tests). */
  now?: () => number;
}

const COUNTRY = /^[A-Z]{2}$/;

/**
 * Reads scopes with `private.search_scope(user_id)` (two primary-key lookups), kept per user id for
 * `ttlSeconds` in a bounded LRU; concurrent lookups of one user share one query; failures are not kept.
 *
 * Staleness is safe in both directions: a reader promoted to editor gets readers' answers for at
 * most the TTL (less than they may see, never more), and a demoted editor bypasses the cache and
 * PostgREST applies their current rights. A changed profile country shows within the TTL, the
 * staleness every cached answer already has.
 */
export function createSearchScopes(db: SearchScopeDatabase, options: SearchScopeOptions): SearchScopeResolver {
  const ttlMs = Math.max(0, options.ttlSeconds) * 1000;
  const maxEntries = Math.max(1, options.maxEntries ?? 10_000);
  const now = options.now ?? Date.now;
  const entries = new Map<string, { at: number; scope: SearchScope }>();
  const pending = new Map<string, Promise<SearchScope>>();

  async function ask(userId: string): Promise<SearchScope> {
    const { rows } = await db.query('select editor, country from private.search_scope($1::uuid)', [userId]);
    const row = rows[0] as { editor: boolean; country: string | null } | undefined;
    const country = row?.country ?? null;
    return { editor: row?.editor === true, country: country && COUNTRY.test(country) ? country : null };
  }

  return {
    async scopeOf(userId) {
      const at = now();
      const kept = entries.get(userId);
      if (kept) {
        entries.delete(userId);
        if (at - kept.at < ttlMs) {
          entries.set(userId, kept);
          return kept.scope;
        }
      }
      const shared = pending.get(userId);
      if (shared) return shared;
      const asked = ask(userId);
      pending.set(userId, asked);
      try {
        const scope = await asked;
        entries.set(userId, { at, scope });
        while (entries.size > maxEntries) entries.delete(entries.keys().next().value as string);
        return scope;
      } finally {
        pending.delete(userId);
      }
    },
  };
}
