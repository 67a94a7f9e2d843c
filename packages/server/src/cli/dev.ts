import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { cliActor, type DemoPartner, ensureDemoPartner } from '../admin/index.ts';
import { createApiFactory } from '../app/api-factory.ts';
import { attachDemoContent } from '../content/demo/attach.ts';
import { commandPool } from '../db/pool.ts';
import { processBookUploadHandler } from '../jobs/handlers/books-process-upload.ts';
import { HANDLERS } from '../jobs/handlers/index.ts';
import { QUEUE_NAMES } from '../jobs/queues.ts';
import { startWorker } from '../jobs/worker.ts';
import { createLogger } from '../observability/logger.ts';
import type { StoragePort } from '../providers/storage/port.ts';
import { lineProgress, mintUserToken, replenishSpare, STATE_CACHE_DIR, startStack } from '../stack/index.ts';
import { stateDir as stateDirOf } from './db.ts';
import { stopOnSignals } from './stop-on-signal.ts';

/** The demo reader created by supabase/seed.sql. */
const DEMO_USER = { id: '00000000-0000-4000-8000-000000000001', email: 'demo@coko.africa' };
const DEMO_TOKEN_SECONDS = 24 * 3600;

export async function dev(args: string[]): Promise<undefined> {
  const { values } = parseArgs({
    args,
    options: { reset: { type: 'boolean' }, port: { type: 'string' }, host: { type: 'string' } },
  });
  const port = Number(values.port ?? process.env.COKO_PORT ?? 54321);
  if (!Number.isInteger(port) || port < 0 || port > 65535)
    throw new Error(`Invalid port: ${values.port ?? process.env.COKO_PORT}`);
  const stateDir = stateDirOf();
  const signals = stopOnSignals();
  const started = Date.now();
  const progress = lineProgress();
  console.error('  Starting Coko…');
  // The demo books are stored through the API's own storage, so the files land where it serves them.
  const createApi = createApiFactory({ env: 'development' });
  let apiStorage: StoragePort | undefined;
  const stack = await startStack({
    dir: stateDir,
    port,
    // Supabase's local layout: the database listens next to the API (54321 → 54322).
    postgresPort: port ? port + 1 : 0,
    hostname: values.host,
    databaseUrl: process.env.DATABASE_URL,
    reset: values.reset,
    seed: 'if-fresh',
    persistent: true,
    // A reset starts from a copy of the migrated, seeded cluster (kept in .coko/cache).
    clusterSnapshot: true,
    createApi: async (context) => {
      const api = await createApi(context);
      apiStorage = api.storage;
      return api;
    },
    progress,
  });
  const worker = await progress.step('worker', () =>
    startWorker({
      databaseUrl: stack.databaseUrl,
      // Uploads are processed into the storage the API serves (its folder, whatever the working directory).
      handlers: apiStorage
        ? {
            ...HANDLERS,
            [QUEUE_NAMES.processBookUpload]: processBookUploadHandler({ storage: () => apiStorage as StoragePort }),
          }
        : HANDLERS,
      logger: createLogger({ level: 'warn', base: { service: 'coko-worker' } }),
      stopTimeoutMs: 10_000,
    }),
  );
  const demoUserToken = await mintUserToken(stack.keys, DEMO_USER, { expiresInSeconds: DEMO_TOKEN_SECONDS });
  // The demo partner of the example apps (examples/partner-backend); keys kept in .coko/partner.json.
  let partner: DemoPartner | undefined;
  try {
    partner = await progress.step('demo partner', () =>
      ensureDemoPartner({
        databaseUrl: stack.databaseUrl,
        file: join(stateDir, 'partner.json'),
        actor: cliActor(),
      }),
    );
  } catch (error) {
    console.error(
      `coko dev: could not set up the demo partner: ${error instanceof Error ? error.message : String(error)}`,
    );
  }
  if (apiStorage) {
    const cacheDir = join(stateDir, STATE_CACHE_DIR, 'demo-content');
    await attachDemoBooks(stack.databaseUrl, apiStorage, cacheDir, progress);
  }
  const info = {
    url: stack.url,
    publishableKey: stack.keys.publishableKey,
    secretKey: stack.keys.secretKey,
    demoUserToken,
    databaseUrl: stack.databaseUrl,
    ...(partner
      ? { partner: { id: partner.id, publishableKey: partner.publishableKey, secretKey: partner.secretKey } }
      : {}),
  };
  mkdirSync(stateDir, { recursive: true });
  writeFileSync(join(stateDir, 'dev.json'), `${JSON.stringify(info, null, 2)}\n`, { mode: 0o600 });

  const partnerBanner = partner
    ? `
  Demo partner     ${partner.slug} (${partner.id})${partner.status === 'suspended' ? '  SUSPENDED: coko partners resume demo' : ''}
    Publishable    ${partner.publishableKey}
    Secret         ${partner.secretKey}
                   (server-side only; examples/partner-backend uses it${partner.issued.length ? `; new ${partner.issued.join(' and ')} key` : ''})`
    : '';
  const seconds = ((Date.now() - started) / 1000).toFixed(1);
  const applied = stack.prepared.applied.length;
  const seeded = stack.prepared.seeded
    ? ', demo data seeded'
    : stack.snapshot?.origin === 'restored'
      ? ', migrated and seeded database copied from .coko/cache'
      : '';
  console.log(`
  Coko is running (ready in ${seconds}s${applied ? `, ${applied} migration(s) applied` : ''}${seeded})

  URL              ${info.url}
    REST           ${info.url}/rest/v1
    API            ${info.url}/functions/v1/api   (reference: /functions/v1/api/reference)
  Publishable key  ${info.publishableKey}
  Secret key       ${info.secretKey}
  Database         ${info.databaseUrl}
  Demo user token  ${demoUserToken}
                   (${DEMO_USER.email}, valid 24 h)${partnerBanner}

  Written to .coko/dev.json. Ctrl-C stops everything; data stays in .coko/ (--reset wipes it).
`);

  // The next reset's copy of the database, made now that nothing waits for it. Ctrl-C does not wait
  // for it either: an unfinished copy is removed by the next one.
  if (stack.snapshot) void replenishSpare(stack.snapshot.dir).catch(() => {});
  // The worker first, then the servers, then Postgres.
  signals.started(async () => {
    await worker.stop();
    await stack.stop();
  });
  return undefined;
}

/** Gives the demo seed books their generated EPUB and PDF files (once; cached in `.coko/cache/demo-content`, which `--reset` keeps). */
async function attachDemoBooks(
  databaseUrl: string,
  storage: StoragePort,
  cacheDir: string,
  progress: ReturnType<typeof lineProgress>,
): Promise<void> {
  const db = commandPool(databaseUrl, 'coko-dev');
  try {
    await progress.step('demo books', () => attachDemoContent({ db, storage, cacheDir }));
  } catch (error) {
    console.error(
      `coko dev: could not attach the demo books: ${error instanceof Error ? error.message : String(error)}`,
    );
  } finally {
    await db.end();
  }
}
