// The local stack sizes PostgREST for a machine it shares with Postgres: a pool of twice the cores and
// one Haskell capability per two cores (docs/DECISIONS.md "PostgREST sized for the machine it shares").
import { readdirSync, readFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { describe, expect, it } from 'vitest';
import { testStack } from '../../../../test/stack.ts';
import { colocatedPostgrest } from '../../src/stack/postgrest.ts';

const stack = testStack();

/** The arguments and `PGRST_*` settings of the PostgREST process listening on `port`. */
function postgrestOn(port: string): { args: string[]; env: Map<string, string> } | undefined {
  for (const entry of readdirSync('/proc').filter((name) => /^\d+$/.test(name))) {
    try {
      if (readFileSync(`/proc/${entry}/comm`, 'utf8').trim() !== 'postgrest') continue;
      const env = new Map(
        readFileSync(`/proc/${entry}/environ`, 'utf8')
          .split('\0')
          .filter((line) => line.startsWith('PGRST_'))
          .map((line) => [line.slice(0, line.indexOf('=')), line.slice(line.indexOf('=') + 1)] as [string, string]),
      );
      if (env.get('PGRST_SERVER_PORT') !== port) continue;
      return { args: readFileSync(`/proc/${entry}/cmdline`, 'utf8').split('\0').filter(Boolean).slice(1), env };
    } catch {
      // The process ended while we read it, or it is not ours.
    }
  }
  return undefined;
}

describe('colocatedPostgrest', () => {
  it.each([
    [1, 4, 1],
    [2, 4, 1],
    [3, 6, 1],
    [4, 8, 2],
    [16, 32, 8],
  ])('on %i cores: a pool of %i, %i capabilities', (cores, pool, capabilities) => {
    expect(colocatedPostgrest(cores)).toEqual({ pool, capabilities });
  });
});

describe.runIf(process.platform === 'linux')('the stack’s PostgREST', () => {
  it('runs with one Haskell capability per two cores of this machine, its pool as the stack asked', () => {
    const postgrest = postgrestOn(new URL(stack.postgrestUrl).port);
    expect(postgrest).toBeDefined();
    const capabilities = Math.max(1, Math.floor(availableParallelism() / 2));
    expect(postgrest?.args).toEqual(['+RTS', `-N${capabilities}`, '-RTS']);
    // Test stacks ask for 4 connections each (many run side by side).
    expect(postgrest?.env.get('PGRST_DB_POOL')).toBe('4');
  });
});
