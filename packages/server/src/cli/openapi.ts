import { readFileSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { parseArgs } from 'node:util';
import { createApp } from '../app/create-app.ts';
import { loadConfig } from '../config/index.ts';
import { silentLogger } from '../observability/index.ts';
import { findRepoRoot } from '../stack/paths.ts';

// docs/openapi.json belongs to the Coko repository: this command is for its developers.
const repoRoot = findRepoRoot();

/** The committed OpenAPI document of the API (server routes and the data API calls of the SDK). */
export const openApiFile = join(repoRoot, 'docs', 'openapi.json');

/** `GET /api/openapi.json` of the app as built from the sources, formatted as committed. */
export async function renderOpenApiDocument(): Promise<string> {
  const { version } = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as {
    version: string;
  };
  // Rendering the document touches no database: a pool that refuses every query proves it.
  const db = { query: () => Promise.reject(new Error('no database while rendering the OpenAPI document')) };
  const config = loadConfig({ COKO_ENV: 'test', COKO_JWT_SECRET: 'x'.repeat(32) });
  const app = createApp({ config, db, logger: silentLogger, version });
  const response = await app.request('/api/openapi.json');
  if (!response.ok) throw new Error(`GET /api/openapi.json answered ${response.status}`);
  return `${JSON.stringify(await response.json(), null, 2)}\n`;
}

/** `coko openapi [--check]`: writes docs/openapi.json, or fails when it differs from the app. */
export async function openapiCommand(args: string[]): Promise<number> {
  const { values } = parseArgs({ args, options: { check: { type: 'boolean' } } });
  const document = await renderOpenApiDocument();
  const file = relative(repoRoot, openApiFile);
  if (values.check) {
    const committed = readFileSync(openApiFile, 'utf8');
    if (committed === document) return 0;
    console.error(`${file} is out of date: run \`pnpm --filter @coko/server run coko openapi\` and commit it`);
    return 1;
  }
  writeFileSync(openApiFile, document);
  console.log(`wrote ${file}`);
  return 0;
}
