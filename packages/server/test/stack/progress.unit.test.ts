import { describe, expect, it } from 'vitest';
import { lineProgress } from '../../src/stack/progress.ts';

/** A clock that moves only when told. */
function fakeClock() {
  let ms = 0;
  return {
    now: () => ms,
    advance(by: number) {
      ms += by;
    },
  };
}

describe('lineProgress', () => {
  it('announces a step when it starts and prints its elapsed time when it ends', async () => {
    const lines: string[] = [];
    const clock = fakeClock();
    const progress = lineProgress((line) => lines.push(line), clock.now);
    const result = await progress.step('migrations', async () => {
      expect(lines).toEqual(['  ▸ migrations…']);
      clock.advance(1234);
      return 42;
    });
    expect(result).toBe(42);
    expect(lines).toEqual(['  ▸ migrations…', '  ✓ migrations  1.2s']);
  });

  it('reports a failed step with its time and rethrows the error', async () => {
    const lines: string[] = [];
    const clock = fakeClock();
    const progress = lineProgress((line) => lines.push(line), clock.now);
    const failure = new Error('port in use');
    await expect(
      progress.step('PostgREST', async () => {
        clock.advance(500);
        throw failure;
      }),
    ).rejects.toBe(failure);
    expect(lines).toEqual(['  ▸ PostgREST…', '  ✗ PostgREST failed after 0.5s']);
  });
});
