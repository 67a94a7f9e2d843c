// docs/openapi.json is the app's document, committed: it fails here as soon as a route, a schema or
// the documented data API changes without regenerating it. It also documents every PostgREST call
// the SDK makes.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createApp } from '../../src/app/create-app.ts';
import { openApiFile, renderOpenApiDocument } from '../../src/cli/openapi.ts';
import { loadConfig } from '../../src/config/index.ts';
import { silentLogger } from '../../src/observability/index.ts';
import { repoRoot } from '../deno.ts';

type Document = { paths: Record<string, Record<string, unknown> & { servers?: { url: string }[] }> };

/** Every `.from('table')` and `.rpc('name'` in the SDK's sources, as `/rest/v1/…` paths. */
function sdkDataApiPaths(): string[] {
  const dir = join(repoRoot, 'packages', 'sdk', 'src');
  const paths = new Set<string>();
  for (const file of readdirSync(dir, { recursive: true, encoding: 'utf8' })) {
    if (!file.endsWith('.ts') || file.endsWith('.d.ts')) continue;
    const source = readFileSync(join(dir, file), 'utf8');
    for (const [, table] of source.matchAll(/\.from\('([a-z_]+)'\)/g)) paths.add(`/rest/v1/${table}`);
    for (const [, name] of source.matchAll(/\.rpc\('([a-z_]+)'/g)) paths.add(`/rest/v1/rpc/${name}`);
  }
  return [...paths].sort();
}

describe('the OpenAPI document', () => {
  it('is committed as docs/openapi.json and matches the app', async () => {
    const committed = readFileSync(openApiFile, 'utf8');
    const current = await renderOpenApiDocument();
    if (committed !== current) {
      expect.fail(
        'docs/openapi.json is out of date with the app: run `pnpm --filter @coko/server run coko openapi` and commit it',
      );
    }
  });

  it('documents every data API (PostgREST) call the SDK makes, with the server routes', async () => {
    const document = JSON.parse(await renderOpenApiDocument()) as Document;
    const sdkPaths = sdkDataApiPaths();
    expect(sdkPaths).toContain('/rest/v1/books');
    expect(sdkPaths).toContain('/rest/v1/rpc/sync_reading');
    expect(Object.keys(document.paths)).toEqual(expect.arrayContaining([...sdkPaths, '/api/v1/sessions']));
    expect(document.paths['/rest/v1/reading_progress']).toHaveProperty('post.requestBody');
  });

  it("serves the data API paths from the project's origin when the public URL is known", async () => {
    const config = loadConfig({
      COKO_ENV: 'test',
      COKO_JWT_SECRET: 'x'.repeat(32),
      COKO_PUBLIC_URL: 'https://coko.example',
    });
    const db = { query: () => Promise.reject(new Error('unused')) };
    const app = createApp({ config, db, logger: silentLogger });
    const document = (await (await app.request('/api/openapi.json')).json()) as Document & {
      servers: { url: string }[];
    };
    expect(document.servers).toEqual([{ url: 'https://coko.example/functions/v1', description: 'This project' }]);
    expect(document.paths['/rest/v1/books']?.servers).toEqual([
      { url: 'https://coko.example', description: 'This project' },
    ]);
    expect(document.paths['/api/health']?.servers).toBeUndefined();
    const reference = await app.request('/api/reference');
    expect(await reference.text()).toContain('data-url="./openapi.json"');
  });
});
