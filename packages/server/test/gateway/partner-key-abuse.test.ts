// Random pk_ keys against the gateway (in process, in front of the test stack's real PostgREST and
// database): refusals are cached briefly, and a client that keeps failing gets 429 without a database
// round trip, while partners whose keys are known keep going. A fake clock drives every expiry.
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import {
  clientIp,
  createFailureThrottle,
  createGateway,
  createPartnerKeyResolver,
  type PartnerKeyDatabase,
  postgrestUpstream,
} from '../../src/gateway/index.ts';
import { errorOf, newPartner, stack } from '../identity/helpers.ts';

const pool = new pg.Pool({ connectionString: stack.databaseUrl, max: 2 });
afterAll(() => pool.end());

const ORIGIN = 'https://reader.partner.example';
const randomKey = () => {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
  const pick = (length: number) =>
    Array.from(crypto.getRandomValues(new Uint8Array(length)), (byte) => alphabet[byte % alphabet.length]).join('');
  return `pk_${pick(16)}_${pick(32)}`;
};

function setup() {
  let clock = 0;
  let queries = 0;
  const database: PartnerKeyDatabase = {
    query(text, values) {
      queries++;
      return pool.query(text, values);
    },
  };
  const now = () => clock;
  const gateway = createGateway({
    rest: postgrestUpstream({ url: stack.postgrestUrl, anonJwt: stack.anonJwt, serviceRoleJwt: stack.serviceRoleJwt }),
    keys: { publishableKey: stack.publishableKey, secretKey: stack.secretKey },
    partnerKeys: createPartnerKeyResolver(database, {
      now,
      throttle: createFailureThrottle({ burst: 3, perSecond: 1, now }),
    }),
    functions: { fetch: () => new Response(null, { status: 204 }) },
    // One load balancer in front: the client is the last X-Forwarded-For hop.
    client: clientIp(1),
  });
  const books = (apikey: string, client: string, origin = ORIGIN) =>
    gateway.request('/rest/v1/books?select=id&limit=1', {
      headers: { apikey, origin, 'x-forwarded-for': client },
    });
  return {
    books,
    advance: (ms: number) => {
      clock += ms;
    },
    queries: () => queries,
  };
}

describe('gateway: random partner keys', () => {
  it('caches a refusal for 5 s: the same unknown key asks the database once', async () => {
    const { books, advance, queries } = setup();
    const key = randomKey();
    for (let i = 0; i < 3; i++) {
      const response = await books(key, '198.51.100.1');
      expect(response.status).toBe(401);
      expect((await errorOf(response)).code).toBe('AUTHENTICATION_ERROR');
    }
    expect(queries()).toBe(1);
    advance(5_000);
    expect((await books(key, '198.51.100.1')).status).toBe(401);
    expect(queries()).toBe(2);
  });

  it('throttles a client whose keys keep failing (429, Retry-After), not the partners it does not share', async () => {
    const { books, advance, queries } = setup();
    const partner = await newPartner({ allowedOrigins: [ORIGIN] });
    const attacker = '203.0.113.7';
    for (let i = 0; i < 3; i++) expect((await books(randomKey(), attacker)).status).toBe(401);
    const asked = queries();

    const throttled = await books(randomKey(), attacker);
    expect(throttled.status).toBe(429);
    expect(throttled.headers.get('retry-after')).toBe('1');
    expect((await errorOf(throttled)).code).toBe('RATE_LIMITED');
    expect(queries()).toBe(asked);

    // A real partner's readers, elsewhere, are neither refused nor slowed by a database queue.
    const reader = await books(partner.publishableKey, '192.0.2.10');
    expect(reader.status).toBe(200);
    expect(await reader.json()).toHaveLength(1);
    // Once known, the partner's key is answered from the cache even for the throttled address
    // (readers behind the attacker's NAT keep reading).
    expect((await books(partner.publishableKey, attacker)).status).toBe(200);

    // One failure's worth of tokens comes back per second.
    advance(1_000);
    expect((await books(randomKey(), attacker)).status).toBe(401);
    expect((await books(randomKey(), attacker)).status).toBe(429);
  });

  it('never lets a valid key use up the budget: successes give their token back', async () => {
    const { books, queries } = setup();
    const partner = await newPartner({ allowedOrigins: ['*'] });
    const client = '198.51.100.2';
    // Five origins, five database checks (answers are cached per key and origin), all successful.
    for (let i = 0; i < 5; i++) {
      expect((await books(partner.publishableKey, client, `https://app${i}.example`)).status).toBe(200);
    }
    expect(queries()).toBe(5);
    for (let i = 0; i < 3; i++) expect((await books(randomKey(), client)).status).toBe(401);
    expect((await books(randomKey(), client)).status).toBe(429);
  });
});
