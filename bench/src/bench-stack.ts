// The throwaway stack every bench runs against: embedded Postgres in a temp dir (fsync off),
// migrations, seed, then N generated books (bench/sql/generate-books.sql) and VACUUM ANALYZE.
import { readFileSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  createApiFactory,
  lineProgress,
  makeTempDir,
  type Progress,
  type Stack,
  startStack,
  withClient,
} from '@coko/server/dev';

export const benchDir = join(dirname(fileURLToPath(import.meta.url)), '..');

export interface BenchStack {
  stack: Stack;
  /** Last lines the stack logged (printed when something fails). */
  logTail(): string[];
  stop(): Promise<void>;
}

export async function startBenchStack(options: { searchCacheSeconds?: number } = {}): Promise<BenchStack> {
  const lines: string[] = [];
  const dir = makeTempDir('coko-bench-');
  try {
    const stack = await startStack({
      dir,
      port: 0,
      persistent: false,
      reset: true,
      seed: true,
      createApi: createApiFactory({ env: 'test' }),
      searchCacheSeconds: options.searchCacheSeconds,
      log: (line) => {
        lines.push(line);
        if (lines.length > 200) lines.shift();
      },
    });
    let stopped = false;
    return {
      stack,
      logTail: () => [...lines],
      stop: async () => {
        if (stopped) return;
        stopped = true;
        await stack.stop().catch(() => {});
        rmSync(dir, { recursive: true, force: true, maxRetries: 5 });
      },
    };
  } catch (error) {
    rmSync(dir, { recursive: true, force: true, maxRetries: 5 });
    if (lines.length) console.error(lines.slice(-30).join('\n'));
    throw error;
  }
}

export interface GeneratedData {
  generateSeconds: number;
  vacuumAnalyzeSeconds: number;
  /** Share of the books table's pages marked all-visible after VACUUM. */
  allVisible: number;
}

/** Runs bench/sql/generate-books.sql as the superuser with `coko.bench_books = books`, then VACUUM ANALYZE. */
export async function generateBooks(
  adminDatabaseUrl: string,
  books: number,
  progress: Progress = lineProgress(),
): Promise<GeneratedData> {
  const sql = readFileSync(join(benchDir, 'sql', 'generate-books.sql'), 'utf8');
  return withClient(adminDatabaseUrl, async (client) => {
    const started = Date.now();
    await client.query(`set coko.bench_books = ${Math.trunc(books)}`);
    await progress.step(`generate ${books.toLocaleString('en')} books`, () => client.query(sql));
    const generateSeconds = (Date.now() - started) / 1000;
    const vacuumStarted = Date.now();
    // A VACUUM right after the load can leave pages not all-visible (a concurrent snapshot, e.g.
    // PostgREST reloading its schema cache after the generator's ALTER TABLEs, holds the horizon
    // back), and index-only scans then visit the heap. Vacuum until the table is all-visible, as
    // autovacuum would keep it in production.
    let allVisible = 0;
    await progress.step('vacuum analyze', async () => {
      for (let attempt = 0; attempt < 5; attempt++) {
        await client.query('vacuum analyze');
        const { rows } = await client.query<{ ratio: number }>(
          `select coalesce(relallvisible::float / nullif(relpages, 0), 1) as ratio from pg_class where oid = 'public.books'::regclass`,
        );
        allVisible = Number(rows[0]?.ratio ?? 0);
        if (allVisible >= 0.99) break;
        await new Promise((resolve) => setTimeout(resolve, 1000));
      }
    });
    return { generateSeconds, vacuumAnalyzeSeconds: (Date.now() - vacuumStarted) / 1000, allVisible };
  });
}
