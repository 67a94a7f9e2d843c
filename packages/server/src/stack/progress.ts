// Steps of a long command (`coko dev`, seeding, bench data), each announced as it starts and timed
// when it ends, so a slow start shows where it is slow.

export interface Progress {
  /** Runs one step: announced before `run`, then its elapsed time (or its failure). */
  step<T>(name: string, run: () => Promise<T>): Promise<T>;
}

/** Runs the steps and says nothing (tests, benches, the default). */
export const silentProgress: Progress = { step: (_name, run) => run() };

/**
 * Writes `▸ name…` when a step starts and `✓ name  1.2s` (or `✗ name failed after 1.2s`) when it ends.
 * `now` is injectable so the output can be tested without the wall clock.
 */
export function lineProgress(
  write: (line: string) => void = (line) => process.stderr.write(`${line}\n`),
  now: () => number = () => performance.now(),
): Progress {
  return {
    async step(name, run) {
      write(`  ▸ ${name}…`);
      const started = now();
      const elapsed = () => `${((now() - started) / 1000).toFixed(1)}s`;
      try {
        const result = await run();
        write(`  ✓ ${name}  ${elapsed()}`);
        return result;
      } catch (error) {
        write(`  ✗ ${name} failed after ${elapsed()}`);
        throw error;
      }
    },
  };
}
