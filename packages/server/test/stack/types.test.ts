import { readFileSync } from 'node:fs';
import { generateDatabaseTypes } from '@coko/server/dev';
import { expect, it } from 'vitest';
import { testStack } from '../../../../test/stack.ts';
import { typesFile } from '../../src/cli/types.ts';

// The SDK's types are generated from the real database (postgres-meta, as `supabase gen types`)
// and committed; they go stale the moment a migration changes the public schema.
it('the committed database types match a fresh generation from the migrations', async () => {
  const fresh = await generateDatabaseTypes(testStack().adminDatabaseUrl);
  const committed = readFileSync(typesFile(), 'utf8');
  expect(
    committed === fresh,
    'packages/sdk/src/database.types.ts is stale: run `pnpm --filter @coko/server run coko types`',
  ).toBe(true);
}, 60_000);
