// A gateway in front of the bench stack's PostgREST, run as its own process(es) so the bench can
// compare one process with two. Settings arrive as JSON in COKO_BENCH_GATEWAY; prints `ready` once
// every process listens, stops on SIGTERM.
import cluster from 'node:cluster';
import { createGateway, postgrestUpstream, serveInProcesses } from '@coko/server/dev';

interface Settings {
  port: number;
  processes: number;
  postgrestUrl: string;
  anonJwt: string;
  serviceRoleJwt: string;
  publishableKey: string;
  secretKey: string;
}

const settings = JSON.parse(process.env.COKO_BENCH_GATEWAY ?? '{}') as Settings;

const served = await serveInProcesses(settings.processes, () => ({
  fetch: createGateway({
    rest: postgrestUpstream({
      url: settings.postgrestUrl,
      anonJwt: settings.anonJwt,
      serviceRoleJwt: settings.serviceRoleJwt,
    }),
    keys: { publishableKey: settings.publishableKey, secretKey: settings.secretKey },
    functions: { fetch: () => new Response(null, { status: 404 }) },
  }).fetch,
  port: settings.port,
  hostname: '127.0.0.1',
}));
if (cluster.isPrimary) console.log('ready');
process.once('SIGTERM', () => void served.stop().then(() => process.exit(0)));
