// PostgREST killed under the gateway (a crash, the OOM killer): the gateway answers 503 in the error
// format meanwhile, and the stack `coko dev` runs (startServices) restarts PostgREST on its own. The
// test holds the restart until it has seen the 503, so nothing depends on timing. A PostgREST that
// accepts connections and never answers (hung, SIGSTOPped) gets 504 once the gateway's deadline passes.
import { createServer as createHttpServer } from 'node:http';
import { createServer, type Socket } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createGateway, postgrestUpstream } from '../../src/gateway/index.ts';
import { type Services, startServices } from '../../src/stack/services.ts';
import { errorOf, stack } from '../identity/helpers.ts';

let services: Services;
const log: string[] = [];
/** Resolves when the supervisor wants to restart PostgREST; `release` lets it. */
let restartWanted: () => void;
const wanted = new Promise<void>((resolveWanted) => {
  restartWanted = resolveWanted;
});
let release: () => void;
const released = new Promise<void>((resolveRelease) => {
  release = resolveRelease;
});

beforeAll(async () => {
  services = await startServices({
    adminDatabaseUrl: stack.adminDatabaseUrl,
    keys: stack.keys,
    createApi: async () => ({ fetch: () => new Response(null, { status: 204 }) }),
    postgrestPool: 2,
    postgrestRestartDelay: async () => {
      restartWanted();
      await released;
    },
    log: (line) => log.push(line),
  });
});

afterAll(async () => {
  release();
  await services?.stop();
});

const books = () =>
  fetch(`${services.url}/rest/v1/books?select=id&limit=1`, { headers: { apikey: stack.publishableKey } });

/** Polls until `check` holds; the deadline is only a safety net against a hang. */
async function eventually(check: () => Promise<boolean>, deadlineMs = 20_000): Promise<void> {
  const deadline = Date.now() + deadlineMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error('not true before the deadline');
    await new Promise((resolveWait) => setTimeout(resolveWait, 100));
  }
}

describe('PostgREST killed under the gateway', () => {
  it('answers 503 SERVICE_UNAVAILABLE in the error format, then recovers once PostgREST is restarted', async () => {
    expect((await books()).status).toBe(200);
    const pid = services.postgrest.pid;
    expect(pid).toEqual(expect.any(Number));
    process.kill(pid as number, 'SIGKILL');
    await wanted;

    const down = await books();
    expect(down.status).toBe(503);
    expect(down.headers.get('content-type')).toMatch(/application\/json/);
    expect(down.headers.get('retry-after')).toBe('1');
    const error = await errorOf(down);
    expect(error.code).toBe('SERVICE_UNAVAILABLE');
    expect(down.headers.get('x-request-id')).toBe(error.id);

    release();
    await eventually(async () => services.postgrest.restarts === 1);
    expect(services.postgrest.pid).not.toBe(pid);
    const up = await books();
    expect(up.status).toBe(200);
    expect(await up.json()).toHaveLength(1);
    expect(log.join('\n')).toMatch(/PostgREST exited \(SIGKILL\); restarting[\s\S]*PostgREST restarted/);
  });
});

/**
 * A gateway in front of a stub PostgREST answering `answer()` (status and JSON body) to every request;
 * `run` gets the gateway, and the stub is closed afterwards.
 */
async function withStubPostgrest(
  answer: () => { status: number; body: string },
  run: (gateway: ReturnType<typeof createGateway>) => Promise<void>,
): Promise<void> {
  const upstream = createHttpServer((_request, response) => {
    const { status, body } = answer();
    response.writeHead(status, { 'content-type': 'application/json; charset=utf-8' }).end(body);
  });
  const port = await new Promise<number>((resolveListen) =>
    upstream.listen(0, '127.0.0.1', () => resolveListen((upstream.address() as { port: number }).port)),
  );
  try {
    await run(
      createGateway({
        rest: postgrestUpstream({ url: `http://127.0.0.1:${port}`, anonJwt: 'anon', serviceRoleJwt: 'service' }),
        keys: { publishableKey: stack.publishableKey, secretKey: stack.secretKey },
        functions: { fetch: () => new Response(null, { status: 204 }) },
      }),
    );
  } finally {
    await new Promise<void>((resolveClose) => upstream.close(() => resolveClose()));
  }
}

describe('PostgREST losing its database connection under a statement', () => {
  it('answers 503 SERVICE_UNAVAILABLE for the 400 without a code PostgREST sends then; a real 400 passes', async () => {
    // What PostgREST answered in the Postgres kill -9 fault test (packages/server/test/faults).
    let body = '{"code":"","details":null,"hint":null,"message":""}';
    await withStubPostgrest(
      () => ({ status: 400, body }),
      async (gateway) => {
        const lost = await gateway.request('/rest/v1/rpc/sync_reading', {
          method: 'POST',
          headers: { apikey: stack.publishableKey, 'content-type': 'application/json' },
          body: '{}',
        });
        expect(lost.status).toBe(503);
        expect((await errorOf(lost)).code).toBe('SERVICE_UNAVAILABLE');

        body = '{"code":"22P02","details":null,"hint":null,"message":"invalid input syntax for type uuid: \\"x\\""}';
        const invalid = await gateway.request('/rest/v1/books?id=eq.x', { headers: { apikey: stack.publishableKey } });
        expect(invalid.status).toBe(400);
        expect(((await invalid.json()) as { code: string }).code).toBe('22P02');
      },
    );
  });
});

describe('PostgREST answering 503 with a SQLSTATE of a lost connection', () => {
  it('answers 503 SERVICE_UNAVAILABLE in the error format (57P01: Postgres killed under the statement)', async () => {
    const body =
      '{"code":"57P01","details":null,"hint":null,"message":"terminating connection due to administrator command"}';
    await withStubPostgrest(
      () => ({ status: 503, body }),
      async (gateway) => {
        const lost = await gateway.request('/rest/v1/rpc/sync_reading', {
          method: 'POST',
          headers: { apikey: stack.publishableKey, 'content-type': 'application/json' },
          body: '{}',
        });
        expect(lost.status).toBe(503);
        expect(await errorOf(lost)).toMatchObject({ code: 'SERVICE_UNAVAILABLE', details: { postgrestCode: '57P01' } });
      },
    );
  });
});

describe('a statement cancelled by statement_timeout', () => {
  it("answers 504 TIMEOUT in the error format, not PostgREST's 500; other 500s pass as they are", async () => {
    let answer = {
      status: 500,
      body: '{"code":"57014","details":null,"hint":null,"message":"canceling statement due to statement timeout"}',
    };
    await withStubPostgrest(
      () => answer,
      async (gateway) => {
        const slow = await gateway.request('/rest/v1/books?title=ilike.*histoire*', {
          headers: { apikey: stack.publishableKey },
        });
        expect(slow.status).toBe(504);
        expect(await errorOf(slow)).toMatchObject({ code: 'TIMEOUT', details: { postgrestCode: '57014' } });

        answer = { status: 500, body: '{"code":"XX000","details":null,"hint":null,"message":"internal error"}' };
        const other = await gateway.request('/rest/v1/books', { headers: { apikey: stack.publishableKey } });
        expect(other.status).toBe(500);
        expect(((await other.json()) as { code: string }).code).toBe('XX000');
      },
    );
  });
});

describe('PostgREST hung under the gateway', () => {
  it('answers 504 TIMEOUT in the error format once the upstream deadline passes', async () => {
    const sockets: Socket[] = [];
    const hung = createServer((socket) => {
      sockets.push(socket);
    });
    const port = await new Promise<number>((resolveListen) =>
      hung.listen(0, '127.0.0.1', () => resolveListen((hung.address() as { port: number }).port)),
    );
    try {
      const gateway = createGateway({
        rest: postgrestUpstream({ url: `http://127.0.0.1:${port}`, anonJwt: 'anon', serviceRoleJwt: 'service' }),
        keys: { publishableKey: stack.publishableKey, secretKey: stack.secretKey },
        functions: { fetch: () => new Response(null, { status: 204 }) },
        upstreamTimeoutMs: 200,
      });
      const response = await gateway.request('/rest/v1/books', { headers: { apikey: stack.publishableKey } });
      expect(response.status).toBe(504);
      expect((await errorOf(response)).code).toBe('TIMEOUT');
      expect(sockets.length).toBe(1);
    } finally {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolveClose) => hung.close(() => resolveClose()));
    }
  });
});
