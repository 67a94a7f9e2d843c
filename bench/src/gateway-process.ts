// A gateway in front of the bench stack's PostgREST, run as its own process(es) so the bench can
// compare one process with two. Settings arrive as JSON in COKO_BENCH_GATEWAY; prints `ready` once
// every process listens, stops on SIGTERM.
import cluster from 'node:cluster';
import { createGateway, inProcesses, postgrestUpstream, serveGateway } from '@coko/server/dev';

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

const served = await inProcesses(settings.processes, async () => {
  const gateway = createGateway({
    rest: postgrestUpstream({
      url: settings.postgrestUrl,
      anonJwt: settings.anonJwt,
      serviceRoleJwt: settings.serviceRoleJwt,
    }),
    keys: { publishableKey: settings.publishableKey, secretKey: settings.secretKey },
    functions: { fetch: () => new Response(null, { status: 404 }) },
  });
  const server = await serveGateway(gateway.fetch, settings.port, '127.0.0.1');
  return { stop: () => new Promise<void>((resolveClose) => server.close(() => resolveClose())) };
});
if (cluster.isPrimary) console.log('ready');
process.once('SIGTERM', () => void served.stop().then(() => process.exit(0)));
