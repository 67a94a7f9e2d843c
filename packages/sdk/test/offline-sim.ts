// A deterministic stand-in for the reading backend and for a bad network, for the reading and
// offline tests: an in-memory `sync_reading` with the migration's rules (last writer wins by
// (deviceUpdatedAt, deviceId), tombstones, sessions that only grow, per-reader change_seq feed
// without echoes, 1000-row pages), a few PostgREST reads, and a seeded network that drops,
// delays (hence reorders) and loses responses.

type Row = Record<string, unknown>;
type Change = Record<string, unknown> & { op: string; bookId: string; deviceId: string; deviceUpdatedAt: string };

/** mulberry32: a small seeded PRNG, so every "random" network run is reproducible. */
export function seeded(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const json = (body: unknown, status = 200) =>
  new Response(body === undefined ? null : JSON.stringify(body), {
    status,
    headers: { 'content-type': 'application/json' },
  });

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** `sub` of the bearer token (the tests' tokens are unsigned JWTs). */
function userOf(request: Request): string | undefined {
  const token = request.headers.get('authorization')?.replace(/^Bearer /, '') ?? '';
  try {
    return JSON.parse(Buffer.from(token.split('.')[1] ?? '', 'base64url').toString()).sub;
  } catch {
    return undefined;
  }
}

const version = (row: Row | Change) =>
  `${new Date(String(row.device_updated_at ?? row.deviceUpdatedAt)).toISOString()} ${row.device_id ?? row.deviceId}`;

/** The reading backend, in memory. */
export class FakeReadingServer {
  seq = 0;
  /** Rows by key: `p:<user>:<book>`, `a:<id>`, `s:<id>`. */
  rows = new Map<string, Row>();
  /** Every sync_reading call's changes, in arrival order. */
  syncCalls: Change[][] = [];
  /** How many rows each key was inserted (must stay 1: retries never duplicate). */
  inserts = new Map<string, number>();
  /** Books that exist (any UUID when empty). */
  books = new Set<string>();
  /** Rows per feed page (the migration's is 1000). */
  pageSize = 1000;
  /** Answer every sync_reading call with this (e.g. a 400) instead. */
  failWith: (() => Response) | undefined;

  private keyOf(user: string, c: Change): string {
    return c.op === 'progress.save' ? `p:${user}:${c.bookId}` : `${c.op[0]}:${String(c.id)}`;
  }

  private write(key: string, user: string, row: Row): void {
    const existing = this.rows.get(key);
    if (!existing) this.inserts.set(key, (this.inserts.get(key) ?? 0) + 1);
    const now = new Date().toISOString();
    this.rows.set(key, {
      ...existing,
      ...row,
      user_id: user,
      created_at: existing?.created_at ?? now,
      updated_at: now,
      change_seq: ++this.seq,
    });
  }

  /** Applies one change like public.sync_reading; returns its status and error. */
  private apply(user: string, c: Change): { status: string; error?: string; key?: string } {
    if (!['progress.save', 'annotation.upsert', 'annotation.delete', 'session.upsert'].includes(c.op)) {
      return { status: 'rejected', error: `unknown op ${c.op}` };
    }
    if (c.op !== 'progress.save' && !UUID.test(String(c.id))) return { status: 'rejected', error: 'id must be a UUID' };
    if (!UUID.test(String(c.bookId))) return { status: 'rejected', error: 'bookId must be a UUID' };
    if (typeof c.deviceId !== 'string' || !c.deviceId)
      return { status: 'rejected', error: 'deviceId must be a string' };
    if (Number.isNaN(Date.parse(String(c.deviceUpdatedAt)))) {
      return { status: 'rejected', error: 'deviceUpdatedAt must be an ISO 8601 timestamp' };
    }
    if ((c.op === 'progress.save' || c.op === 'annotation.upsert') && typeof c.locator !== 'object') {
      return { status: 'rejected', error: 'locator is not a valid Readium locator' };
    }
    if (c.op === 'annotation.upsert' && !['highlight', 'note', 'bookmark'].includes(String(c.kind))) {
      return { status: 'rejected', error: 'kind must be highlight, note or bookmark' };
    }
    if (c.op === 'session.upsert' && Number.isNaN(Date.parse(String(c.startedAt)))) {
      return { status: 'rejected', error: 'startedAt must be an ISO 8601 timestamp' };
    }
    const key = this.keyOf(user, c);
    const stored = this.rows.get(key);
    if (stored && stored.user_id !== user)
      return { status: 'rejected', error: "id is already used by another reader's row" };
    if (stored && stored.book_id !== c.bookId) {
      return { status: 'rejected', error: 'bookId does not match the book this id belongs to' };
    }
    if (!stored && this.books.size > 0 && !this.books.has(c.bookId) && c.op !== 'annotation.delete') {
      return { status: 'rejected', error: 'book not found' };
    }
    const base = { book_id: c.bookId, device_id: c.deviceId };
    if (c.op === 'session.upsert') {
      const ended = (row: Row | Change) => String(row.ended_at ?? row.endedAt ?? '');
      if (stored && ended(c) < ended(stored)) return { status: 'stale' };
      if (stored && ended(c) === ended(stored)) return { status: 'applied' };
      this.write(key, user, {
        ...base,
        id: c.id,
        started_at: c.startedAt,
        ended_at: c.endedAt ?? null,
        start_progression: c.startProgression ?? null,
        end_progression: c.endProgression ?? null,
        pages_read: c.pagesRead ?? 0,
        device_type: c.deviceType ?? 'other',
      });
      return { status: 'applied', key };
    }
    if (stored && version(c) < version(stored)) return { status: 'stale' };
    if (stored && version(c) === version(stored)) return { status: 'applied' };
    const at = { device_updated_at: c.deviceUpdatedAt };
    if (c.op === 'progress.save') {
      const total = (c.locator as { locations: { totalProgression: number } }).locations.totalProgression;
      this.write(key, user, { ...base, ...at, locator: c.locator, percentage: Math.round(total * 10_000) / 100 });
    } else if (c.op === 'annotation.delete') {
      if (!stored) return { status: 'applied' };
      this.write(key, user, { ...base, ...at, selected_text: null, note: null, deleted_at: new Date().toISOString() });
    } else {
      this.write(key, user, {
        ...base,
        ...at,
        id: c.id,
        kind: c.kind,
        locator: c.locator,
        selected_text: c.selectedText ?? null,
        note: c.note ?? null,
        color: String(c.color ?? '#ffd54f').toLowerCase(),
        deleted_at: null,
      });
    }
    return { status: 'applied', key };
  }

  /** `public.sync_reading(changes, since)`. */
  sync(user: string | undefined, body: { changes?: Change[]; since?: number }): Response {
    if (!user) return json({ code: '42501', message: 'sync_reading needs a signed-in reader' }, 401);
    if (this.failWith) return this.failWith();
    const changes = body.changes ?? [];
    if (changes.length > 1000) return json({ code: '22023', message: 'too many changes' }, 400);
    this.syncCalls.push(changes);
    const since = body.since ?? 0;
    const written = new Set<string>();
    const results = changes.map((change, index) => {
      const { status, error, key } = this.apply(user, change);
      if (key) written.add(key);
      return error ? { index, status, error } : { index, status };
    });
    const mine = [...this.rows]
      .filter(([, row]) => row.user_id === user && Number(row.change_seq) > since)
      .sort(([, a], [, b]) => Number(a.change_seq) - Number(b.change_seq));
    const page = mine.slice(0, this.pageSize);
    const camel = (row: Row) =>
      Object.fromEntries(
        Object.entries(row)
          .filter(([k]) => k !== 'user_id')
          .map(([k, v]) => [k.replace(/_([a-z])/g, (_, ch: string) => ch.toUpperCase()), v]),
      );
    const feed = (prefix: string) => page.filter(([k]) => k[0] === prefix && !written.has(k)).map(([, r]) => camel(r));
    return json({
      results,
      changes: { progress: feed('p'), annotations: feed('a'), sessions: feed('s') },
      checkpoint: Math.max(since, ...page.map(([, r]) => Number(r.change_seq))),
      hasMore: mine.length > this.pageSize,
    });
  }

  /** Rows of one table for `user` matching PostgREST `eq.` filters (enough for the SDK's reads). */
  private select(user: string | undefined, prefix: string, url: URL): Row[] {
    const filters = [...url.searchParams].filter(([k, v]) => !['select', 'order'].includes(k) && v.startsWith('eq.'));
    const columns = url.searchParams.get('select')?.split(',');
    return [...this.rows]
      .filter(([k, row]) => k[0] === prefix && row.user_id === user)
      .map(([, row]) => row)
      .filter((row) => filters.every(([k, v]) => String(row[k]) === v.slice(3)))
      .filter((row) => url.searchParams.get('deleted_at') !== 'is.null' || row.deleted_at === null)
      .map((row) => (columns ? Object.fromEntries(columns.map((c) => [c, row[c] ?? null])) : row));
  }

  /** Answers one request (PostgREST paths only). */
  async handle(request: Request): Promise<Response> {
    const url = new URL(request.url);
    const user = userOf(request);
    const path = url.pathname.replace(/^\/rest\/v1\//, '');
    if (path === 'rpc/sync_reading') return this.sync(user, JSON.parse(await request.text()));
    const table = { reading_progress: 'p', annotations: 'a', reading_sessions: 's' }[path];
    if (table && request.method === 'GET') {
      const rows = this.select(user, table, url);
      const single = request.headers.get('accept') === 'application/vnd.pgrst.object+json';
      if (single)
        return rows[0] ? json(rows[0]) : json({ code: 'PGRST116', message: 'no rows', details: '0 rows' }, 406);
      return json(rows);
    }
    return json({ code: 'PGRST125', message: `not simulated: ${request.method} ${path}` }, 404);
  }

  /** The rows of one kind (`p`, `a`, `s`), without bookkeeping columns, for assertions. */
  table(prefix: 'p' | 'a' | 's'): Row[] {
    return [...this.rows].filter(([k]) => k[0] === prefix).map(([, r]) => r);
  }
}

/** Options of `simulateNetwork`. */
export interface NetworkOptions {
  seed?: number;
  /** Probability that a request is lost before reaching the server. */
  drop?: number;
  /** Probability that the server handles the request but the response is lost. */
  loseResponse?: number;
  /** Extra latency each way, in ms, drawn uniformly (so concurrent requests overtake each other). */
  delay?: [min: number, max: number];
}

/**
 * A `fetch` in front of `server` on a bad network. `online = false` fails every request at once
 * (like a phone in airplane mode). Latency uses `setTimeout`, so fake timers drive it.
 */
export function simulateNetwork(server: FakeReadingServer, options: NetworkOptions = {}) {
  const random = seeded(options.seed ?? 1);
  const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
  const latency = () => {
    const [min, max] = net.delay;
    return min + random() * (max - min);
  };
  const net = {
    online: true,
    drop: options.drop ?? 0,
    loseResponse: options.loseResponse ?? 0,
    delay: options.delay ?? ([0, 0] as [number, number]),
    /** Requests attempted (including failed ones), by path. */
    attempts: [] as string[],
    /** Requests lost on the way, and answers lost on the way back (the server did handle those). */
    dropped: 0,
    lost: 0,
    /** When each sync_reading call was attempted (Date.now()). */
    syncTimes: [] as number[],
    fetch: (async (input: RequestInfo | URL, init?: RequestInit) => {
      const request = new Request(input, init);
      const path = new URL(request.url).pathname.replace(/^\/rest\/v1\//, '');
      net.attempts.push(path);
      if (path === 'rpc/sync_reading') net.syncTimes.push(Date.now());
      if (!net.online) throw new TypeError('Failed to fetch (offline)');
      if (net.delay[1] > 0) await sleep(latency());
      if (random() < net.drop) {
        net.dropped++;
        throw new TypeError('Failed to fetch (dropped)');
      }
      const response = await server.handle(request);
      if (net.delay[1] > 0) await sleep(latency());
      if (random() < net.loseResponse) {
        net.lost++;
        throw new TypeError('Failed to fetch (response lost)');
      }
      return response;
    }) as typeof fetch,
    /** sync_reading calls attempted. */
    get syncAttempts() {
      return net.attempts.filter((p) => p === 'rpc/sync_reading').length;
    },
  };
  return net;
}

/** A NetworkMonitor the test switches by hand. */
export function manualNetwork(online = true) {
  const listeners = new Set<(online: boolean) => void>();
  return {
    online: () => online,
    subscribe(listener: (online: boolean) => void) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    set(next: boolean) {
      online = next;
      for (const listener of listeners) listener(next);
    },
  };
}

/** A valid locator at `total` (0..1) through the book. */
export function locator(total: number, href = 'chapter-1.xhtml') {
  return {
    href,
    type: 'application/xhtml+xml',
    locations: { progression: total, totalProgression: total, position: Math.max(1, Math.round(total * 300)) },
  };
}
