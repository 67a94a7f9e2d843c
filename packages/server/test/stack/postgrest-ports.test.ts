// PostgREST cannot listen on port 0, so the stack finds two ports free and PostgREST binds them a
// moment later; another process (a parallel test stack, an outgoing connection) may take one in
// between. Seen in CI as "PostgREST did not become ready: … Address in use". The stack then starts
// PostgREST again on new ports.
import { createServer } from 'node:net';
import { afterAll, expect, it } from 'vitest';
import { freePort } from '../../src/stack/ports.ts';
import { type Services, startServices } from '../../src/stack/services.ts';
import { stack } from '../identity/helpers.ts';

const taken = createServer();
await new Promise<void>((resolveListen) => taken.listen(0, '127.0.0.1', resolveListen));
const takenPort = (taken.address() as { port: number }).port;
let services: Services | undefined;

afterAll(async () => {
  await services?.stop();
  await new Promise((resolveClose) => taken.close(resolveClose));
});

it('starts PostgREST on new ports when one it was given is taken before it binds', async () => {
  const given: [number, number][] = [];
  services = await startServices({
    adminDatabaseUrl: stack.adminDatabaseUrl,
    keys: stack.keys,
    createApi: async () => ({ fetch: () => new Response(null, { status: 204 }) }),
    postgrestPool: 2,
    // The first attempt gets a port another process holds, as if it had been taken in the gap.
    postgrestPorts: async () => {
      const ports: [number, number] = [given.length === 0 ? takenPort : await freePort(), await freePort()];
      given.push(ports);
      return ports;
    },
  });
  expect(given.length).toBe(2);
  expect(services.postgrestUrl).toBe(`http://127.0.0.1:${given[1]?.[0]}`);
  const books = await fetch(`${services.url}/rest/v1/books?select=id&limit=1`, {
    headers: { apikey: stack.publishableKey },
  });
  expect(books.status).toBe(200);
});
