// The headers the gateway drops from answers (answer-headers.ts), on a bare Hono app.
import { Hono } from 'hono';
import { describe, expect, it } from 'vitest';
import { trimAnswerHeaders } from '../../src/gateway/answer-headers.ts';

const POSTGREST_HEADERS = {
  server: 'postgrest/12.0.2',
  'content-range': '*/*',
  'preference-applied': 'resolution=merge-duplicates',
  'x-request-id': 'abc',
};

function app(answer: () => Response) {
  const hono = new Hono();
  hono.use('*', trimAnswerHeaders());
  hono.all('*', () => answer());
  return hono;
}

const names = (response: Response) => [...response.headers.keys()].sort();

describe('trimAnswerHeaders', () => {
  it('drops server, content-range and preference-applied from a write nobody asked them of', async () => {
    const hono = app(() => new Response(null, { status: 201, headers: POSTGREST_HEADERS }));
    const saved = await hono.request('/', { method: 'POST', headers: { prefer: 'resolution=merge-duplicates' } });
    expect(names(saved)).toEqual(['x-request-id']);
  });

  it('keeps content-range for a count, preference-applied for a count, a representation or a transaction', async () => {
    const hono = app(() => new Response(null, { status: 201, headers: POSTGREST_HEADERS }));
    const counted = await hono.request('/', { method: 'PATCH', headers: { prefer: 'count=exact' } });
    expect(names(counted)).toEqual(['content-range', 'preference-applied', 'x-request-id']);
    for (const prefer of ['return=representation', 'tx=rollback']) {
      const answer = await hono.request('/', { method: 'POST', headers: { prefer } });
      expect(names(answer), prefer).toEqual(['preference-applied', 'x-request-id']);
    }
  });

  it("keeps a read's content-range and preference-applied, never its server", async () => {
    const hono = app(() => new Response('[]', { status: 200, headers: POSTGREST_HEADERS }));
    const read = await hono.request('/', { method: 'GET' });
    expect(names(read)).toEqual(['content-range', 'content-type', 'preference-applied', 'x-request-id']);
  });

  it('copies an answer whose headers are immutable (a fetch() response) rather than failing', async () => {
    const hono = app(() => {
      const answer = new Response(null, { status: 204, headers: { server: 'upstream', 'x-request-id': 'abc' } });
      // What fetch() returns: headers that throw on change.
      answer.headers.delete = () => {
        throw new TypeError('immutable');
      };
      return answer;
    });
    const answer = await hono.request('/', { method: 'DELETE' });
    expect(answer.status).toBe(204);
    expect(names(answer)).toEqual(['x-request-id']);
  });

  it("names on a write's expose-headers only what the answer has (x-request-id always); reads keep the whole list", async () => {
    const expose = 'content-range,content-location,preference-applied,x-request-id,retry-after,etag,ratelimit-limit';
    const hono = app(
      () =>
        new Response(null, {
          status: 201,
          headers: { ...POSTGREST_HEADERS, 'ratelimit-limit': '60', 'access-control-expose-headers': expose },
        }),
    );
    const saved = await hono.request('/', { method: 'POST' });
    expect(saved.headers.get('access-control-expose-headers')).toBe('x-request-id,ratelimit-limit');
    const counted = await hono.request('/', { method: 'POST', headers: { prefer: 'count=exact' } });
    expect(counted.headers.get('access-control-expose-headers')).toBe(
      'content-range,preference-applied,x-request-id,ratelimit-limit',
    );
    const read = await hono.request('/', { method: 'GET' });
    expect(read.headers.get('access-control-expose-headers')).toBe(expose);
  });
});
