// Publishing benchmark: one command, one throwaway stack.
//
//   npm run bench:publishing          (or: pnpm --filter @coko/bench run bench:publishing)
//
// 1. Files processed per minute by the `books.process-upload` worker (pg-boss, as `coko worker` runs it), EPUB
//    and PDF, with 1 and 2 jobs at once: BENCH_PUBLISHING_FILES distinct files are staged as complete uploads
//    (the state the TUS routes leave them in), their jobs sent at once, and the clock stops when the last one
//    is ready. Each file: join the chunks, extractBook, the draft, the exploded EPUB, the manifest and the
//    WebP covers (a PDF's cover is its first page, rendered).
// 2. Upload start → draft visible for a ~10 MB EPUB (buildLargeEpub): the TUS POST, 6 MiB PATCHes through the
//    gateway, then polling the upload every 100 ms until `ready`, BENCH_PUBLISHING_RUNS times; p50/p95.
import os from 'node:os';
import { makeTempDir, mintUserToken } from '@coko/server/dev';
import pg from 'pg';
import { processBookUploadHandler } from '../../packages/server/src/jobs/handlers/books-process-upload.ts';
import { DEAD_LETTER_QUEUE, QUEUE_NAMES, QUEUES } from '../../packages/server/src/jobs/queues.ts';
import { jobSender } from '../../packages/server/src/jobs/send.ts';
import { startWorker } from '../../packages/server/src/jobs/worker.ts';
import { createLogger } from '../../packages/server/src/observability/logger.ts';
import { localStorage } from '../../packages/server/src/providers/storage/local.ts';
import type { StoragePort } from '../../packages/server/src/providers/storage/port.ts';
import { createUrlSigner } from '../../packages/server/src/providers/storage/signing.ts';
import { MAX_CHUNK_BYTES } from '../../packages/server/src/uploads/limits.ts';
import { stageUpload } from '../../packages/server/src/uploads/stage.ts';
import { buildEpub, buildLargeEpub, buildPdf } from '../../packages/server/test/publishing/books.ts';
import { startBenchStack } from './bench-stack.ts';
import { intFromEnv } from './lib/env.ts';
import { percentile, round } from './lib/stats.ts';

const settings = {
  files: intFromEnv('BENCH_PUBLISHING_FILES', 12),
  runs: intFromEnv('BENCH_PUBLISHING_RUNS', 5),
  largeBytes: intFromEnv('BENCH_PUBLISHING_LARGE_BYTES', 10 * 1024 * 1024),
};

const SEED_ADMIN = '00000000-0000-4000-8000-000000000002';
const storageRoot = makeTempDir('coko-bench-storage-');
process.env.STORAGE_LOCAL_ROOT = storageRoot;
process.env.RATE_LIMITS = 'off';
process.env.LOG_LEVEL = process.env.BENCH_LOG_LEVEL || 'warn';

const log = (line: string) => console.log(line);
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function waitReady(db: pg.Pool, ids: string[]): Promise<{ failed: number }> {
  for (;;) {
    const { rows } = await db.query<{ status: string; n: number }>(
      `select status, count(*)::int as n from public.book_uploads where id = any($1) group by status`,
      [ids],
    );
    const done = rows.filter((r) => r.status === 'ready' || r.status === 'failed').reduce((a, r) => a + r.n, 0);
    if (done === ids.length) return { failed: rows.find((r) => r.status === 'failed')?.n ?? 0 };
    await sleep(50);
  }
}

async function throughput(
  databaseUrl: string,
  db: pg.Pool,
  storage: StoragePort,
  format: 'epub' | 'pdf',
  concurrency: number,
): Promise<{ perMinute: number; seconds: number; failed: number }> {
  const files = await Promise.all(
    Array.from({ length: settings.files }, (_, i) => {
      const title = `Banc ${format} c${concurrency} n°${i + 1}`;
      return format === 'epub' ? buildEpub(3, { title, chapters: 12 }) : buildPdf({ title, pages: 40 });
    }),
  );
  const ids: string[] = [];
  for (const [i, bytes] of files.entries())
    ids.push((await stageUpload(db, storage, { filename: `banc-${i}.${format}`, bytes })).id);
  const queue = QUEUES.find((q) => q.name === QUEUE_NAMES.processBookUpload);
  if (!queue) throw new Error('no books.process-upload queue');
  const worker = await startWorker({
    databaseUrl,
    queues: [
      ...QUEUES.filter((q) => q.name === DEAD_LETTER_QUEUE),
      { ...queue, concurrency, pollingIntervalSeconds: 0.5 },
    ],
    schedules: [],
    schedule: false,
    handlers: { [QUEUE_NAMES.processBookUpload]: processBookUploadHandler({ storage: () => storage }) },
    logger: createLogger({ level: 'warn', base: { service: 'coko-worker' } }),
  });
  try {
    const send = jobSender(db);
    const started = performance.now();
    for (const id of ids) await send(QUEUE_NAMES.processBookUpload, { uploadId: id });
    const { failed } = await waitReady(db, ids);
    const seconds = (performance.now() - started) / 1000;
    return { perMinute: round((ids.length / seconds) * 60, 1), seconds: round(seconds, 1), failed };
  } finally {
    await worker.stop();
  }
}

async function uploadToDraft(api: string, token: string, bytes: Uint8Array): Promise<{ ms: number; bookId: string }> {
  const auth = { authorization: `Bearer ${token}`, 'tus-resumable': '1.0.0' };
  const started = performance.now();
  const created = await fetch(`${api}/v1/admin/uploads`, {
    method: 'POST',
    headers: {
      ...auth,
      'upload-length': String(bytes.length),
      'upload-metadata': `filename ${Buffer.from('grand-livre.epub').toString('base64')}`,
    },
  });
  if (created.status !== 201) throw new Error(`POST ${created.status}: ${await created.text()}`);
  const { id } = (await created.json()) as { id: string };
  for (let offset = 0; offset < bytes.length; offset += MAX_CHUNK_BYTES) {
    const res = await fetch(`${api}/v1/admin/uploads/${id}`, {
      method: 'PATCH',
      headers: { ...auth, 'upload-offset': String(offset), 'content-type': 'application/offset+octet-stream' },
      body: bytes.subarray(offset, offset + MAX_CHUNK_BYTES) as Uint8Array<ArrayBuffer>,
    });
    if (res.status !== 204) throw new Error(`PATCH ${res.status}: ${await res.text()}`);
  }
  for (;;) {
    const res = await fetch(`${api}/v1/admin/uploads/${id}`, { headers: auth });
    const upload = (await res.json()) as { status: string; bookId: string; error: { code: string } | null };
    if (upload.status === 'ready') return { ms: performance.now() - started, bookId: upload.bookId };
    if (upload.status === 'failed') throw new Error(`upload failed: ${upload.error?.code}`);
    await sleep(100);
  }
}

async function main(): Promise<void> {
  log(`Publishing bench on ${os.cpus().length} × ${os.cpus()[0]?.model ?? 'CPU'}, Node ${process.version}`);
  log('\nStarting a throwaway stack…');
  const bench = await startBenchStack();
  const { stack } = bench;
  process.once('SIGINT', () => {
    void bench.stop().then(() => process.exit(130));
  });
  const db = new pg.Pool({ connectionString: stack.databaseUrl, max: 4 });
  // Writes only: the API serves what lands in the same folder.
  const storage = localStorage({ root: storageRoot, signer: createUrlSigner('bench-writes-only'), filesUrl: '/' });
  try {
    log(`\nFiles processed per minute (${settings.files} files per cell, worker as \`coko worker\`)`);
    for (const format of ['epub', 'pdf'] as const) {
      for (const concurrency of [1, 2]) {
        const result = await throughput(stack.databaseUrl, db, storage, format, concurrency);
        log(
          `  ${format.padEnd(4)} concurrency ${concurrency}: ${String(result.perMinute).padStart(6)} files/min  (${settings.files} in ${result.seconds} s${result.failed ? `, ${result.failed} FAILED` : ''})`,
        );
      }
    }

    const large = await buildLargeEpub(settings.largeBytes);
    log(`\nUpload start → draft ready, ${(large.length / 1024 / 1024).toFixed(1)} MiB EPUB, ${settings.runs} runs`);
    const worker = await startWorker({
      databaseUrl: stack.databaseUrl,
      queues: QUEUES.filter((q) => q.name === DEAD_LETTER_QUEUE || q.name === QUEUE_NAMES.processBookUpload),
      schedules: [],
      schedule: false,
      handlers: { [QUEUE_NAMES.processBookUpload]: processBookUploadHandler({ storage: () => storage }) },
      logger: createLogger({ level: 'warn', base: { service: 'coko-worker' } }),
    });
    try {
      const token = await mintUserToken(stack.keys, { id: SEED_ADMIN }, { expiresInSeconds: 3600 });
      const api = `${stack.url}/functions/v1/api`;
      const times: number[] = [];
      for (let run = 0; run < settings.runs; run++) {
        // The same bytes each run: each upload makes its own draft.
        const { ms, bookId } = await uploadToDraft(api, token, large);
        times.push(ms);
        // The large book carries an ISBN: free it for the next run (a second book with it would be refused).
        await db.query('update public.books set isbn = null where id = $1', [bookId]);
      }
      const sorted = [...times].sort((a, b) => a - b);
      log(
        `  p50 ${(percentile(sorted, 50) / 1000).toFixed(2)} s  p95 ${(percentile(sorted, 95) / 1000).toFixed(2)} s  (runs: ${times.map((t) => (t / 1000).toFixed(2)).join(', ')} s)`,
      );
    } finally {
      await worker.stop();
    }
  } finally {
    await db.end();
    await bench.stop();
  }
}

await main();
