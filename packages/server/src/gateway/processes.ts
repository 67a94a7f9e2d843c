import cluster from 'node:cluster';
import { type ServerType, serve } from '@hono/node-server';
import { type NodeFetch, writeEmptyAnswersBare } from './empty-answers.ts';
import { answerNodeRefusals } from './node-refusals.ts';

export interface Stoppable {
  stop(): Promise<void>;
}

/**
 * Runs `start` in `processes` processes sharing its port (node:cluster: the primary accepts connections
 * and hands them round-robin to its workers, which run `start`). The gateway keeps no state of its own —
 * keys, limits and throttles live in Postgres — so any process may answer any request. With one
 * process, `start` runs in this one. Resolves in the primary once every worker listens, with their port;
 * its `stop` stops them (SIGTERM: each finishes its requests in flight).
 */
export async function inProcesses<T extends Stoppable>(
  processes: number,
  start: () => Promise<T>,
): Promise<T | (Stoppable & { port: number })> {
  if (processes <= 1 || !cluster.isPrimary) return start();
  const workers = Array.from({ length: processes }, () => cluster.fork());
  // Workers listening on port 0 share the one port the primary picked.
  const ports = await Promise.all(
    workers.map(
      (worker) =>
        new Promise<number>((resolveListening, reject) => {
          worker.once('listening', (address) => resolveListening(address.port));
          worker.once('exit', (code) => reject(new Error(`a gateway process exited with ${code} before listening`)));
        }),
    ),
  );
  return {
    port: ports[0] as number,
    stop: async () => {
      await Promise.all(
        workers.map(
          (worker) =>
            new Promise<void>((resolveExit) => {
              if (worker.isDead()) return resolveExit();
              worker.once('exit', () => resolveExit());
              worker.kill('SIGTERM');
            }),
        ),
      );
    },
  };
}

/**
 * Serves `fetch` on Node at `hostname:port`, with the gateway's answers to what Node itself refuses, and
 * empty answers sent without the adapter's default `content-type` ({@link writeEmptyAnswersBare}).
 */
export function serveGateway(fetch: NodeFetch, port: number, hostname: string): Promise<ServerType> {
  return new Promise((resolveListen, reject) => {
    const server = serve({ fetch: writeEmptyAnswersBare(fetch), port, hostname }, () => resolveListen(server));
    answerNodeRefusals(server);
    server.once('error', reject);
  });
}
