import cluster from 'node:cluster';
import { type ServerType, serve } from '@hono/node-server';
import { answerNodeRefusals } from './node-refusals.ts';

export interface ServedGateway {
  fetch(request: Request): Response | Promise<Response>;
  port: number;
  hostname: string;
}

/**
 * Serves what `start` builds in `processes` processes sharing one port (node:cluster: the primary
 * accepts connections and hands them round-robin to its workers). The gateway keeps no state of its
 * own — keys, limits and throttles live in Postgres — so any process may answer any request. With one
 * process it serves in this one. Resolves in the primary once every process listens.
 */
export async function serveInProcesses(
  processes: number,
  start: () => Promise<ServedGateway> | ServedGateway,
): Promise<{ stop(): Promise<void> }> {
  if (processes > 1 && cluster.isPrimary) {
    const workers = Array.from({ length: processes }, () => cluster.fork());
    await Promise.all(
      workers.map(
        (worker) =>
          new Promise<void>((resolveListening, reject) => {
            worker.once('listening', () => resolveListening());
            worker.once('exit', (code) => reject(new Error(`a gateway process exited with ${code}`)));
          }),
      ),
    );
    return {
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
  const served = await start();
  const server = await new Promise<ServerType>((resolveListen, reject) => {
    const started = serve({ fetch: served.fetch, port: served.port, hostname: served.hostname }, () =>
      resolveListen(started),
    );
    started.once('error', reject);
  });
  answerNodeRefusals(server);
  return { stop: () => new Promise<void>((resolveClose) => server.close(() => resolveClose())) };
}
