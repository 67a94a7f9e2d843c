import { type PostgrestOptions, type PostgrestServer, startPostgrest } from './postgrest.ts';

export interface SupervisedPostgrestOptions extends PostgrestOptions {
  /**
   * Waits before restart attempt `attempt` (1, 2, …) after PostgREST died. Default: exponential backoff
   * from 100 ms, doubling to at most 5 s; attempts count up again only while PostgREST keeps dying
   * within 30 s of starting.
   */
  waitBeforeRestart?: (attempt: number) => Promise<void>;
}

export interface SupervisedPostgrest {
  /** Where PostgREST listens (the same across restarts). */
  url: string;
  /** The running process's id (undefined while it is down). */
  readonly pid: number | undefined;
  /** How many times it was restarted. */
  readonly restarts: number;
  stop(): Promise<void>;
}

const backoff = (attempt: number) =>
  new Promise<void>((resolveWait) => {
    // Unref'd: a pending restart must not keep a stopping process alive.
    setTimeout(resolveWait, Math.min(100 * 2 ** (attempt - 1), 5_000)).unref();
  });

/**
 * PostgREST for `coko dev` and the test stacks, restarted when it dies (a crash, `kill -9`) on the same
 * ports, with backoff, so the gateway in front answers 503 for a moment and then recovers on its own.
 */
export async function startSupervisedPostgrest(options: SupervisedPostgrestOptions): Promise<SupervisedPostgrest> {
  const waitBeforeRestart = options.waitBeforeRestart ?? backoff;
  const say = options.log ?? ((line: string) => console.error(`coko: ${line}`));
  let current: PostgrestServer | undefined = await startPostgrest(options);
  let startedAt = Date.now();
  let attempt = 0;
  let restarts = 0;
  let stopping = false;
  let restarting: Promise<void> | undefined;
  let stopped!: () => void;
  const stopRequested = new Promise<void>((resolveStop) => {
    stopped = resolveStop;
  });

  // PostgREST is a separate binary: whatever way this process exits (process.exit, a crash), the
  // PostgREST it supervises goes with it rather than holding its ports and database connections.
  const killOnExit = () => {
    current?.process.kill('SIGKILL');
  };
  process.once('exit', killOnExit);

  const watch = (server: PostgrestServer) => {
    server.process.once('exit', (code, signal) => {
      if (stopping || current !== server) return;
      current = undefined;
      say(`PostgREST exited (${signal ?? `code ${code}`}); restarting`);
      restarting = restart().finally(() => {
        restarting = undefined;
      });
    });
  };

  async function restart(): Promise<void> {
    if (Date.now() - startedAt > 30_000) attempt = 0;
    while (!stopping) {
      attempt++;
      // stop() need not sit out the backoff.
      await Promise.race([waitBeforeRestart(attempt), stopRequested]);
      if (stopping) return;
      try {
        const server = await startPostgrest(options);
        if (stopping) {
          await server.stop();
          return;
        }
        current = server;
        startedAt = Date.now();
        restarts++;
        watch(server);
        say(`PostgREST restarted (attempt ${attempt})`);
        return;
      } catch (error) {
        say(`PostgREST restart failed: ${error instanceof Error ? error.message : String(error)}`);
      }
    }
  }

  watch(current);
  return {
    url: current.url,
    get pid() {
      return current?.process.pid;
    },
    get restarts() {
      return restarts;
    },
    async stop() {
      stopping = true;
      stopped();
      await restarting;
      await current?.stop();
      process.off('exit', killOnExit);
    },
  };
}
