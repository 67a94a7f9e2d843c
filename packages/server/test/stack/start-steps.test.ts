// `coko dev` reports each step of startStack as it starts and ends, in the order the stack comes up.
import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { testStack } from '../../../../test/stack.ts';
import { createApiFactory } from '../../src/app/api-factory.ts';
import { makeTempDir, type Progress, startStack } from '../../src/stack/index.ts';

const dir = makeTempDir('coko-steps-');
// The cluster's keys: its roles' passwords (PostgREST's authenticator) were set from them.
writeFileSync(join(dir, 'keys.json'), JSON.stringify(testStack().keys));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

it('startStack reports database, migrations, PostgREST, API and gateway in order, each closed before the next', async () => {
  const events: string[] = [];
  const progress: Progress = {
    async step(name, run) {
      events.push(`start ${name}`);
      const result = await run();
      events.push(`end ${name}`);
      return result;
    },
  };
  const stack = await startStack({
    dir,
    // This file's database, already migrated: the stack runs on it as on a DATABASE_URL.
    databaseUrl: testStack().adminDatabaseUrl,
    seed: false,
    createApi: createApiFactory({ env: 'test' }),
    progress,
  });
  try {
    const health = await fetch(`${stack.url}/functions/v1/api/health`);
    expect(health.status).toBe(200);
  } finally {
    await stack.stop();
  }
  expect(events).toEqual([
    'start database (DATABASE_URL)',
    'end database (DATABASE_URL)',
    'start migrations',
    'end migrations',
    'start PostgREST',
    'end PostgREST',
    'start API',
    'end API',
    'start gateway',
    'end gateway',
  ]);
});
