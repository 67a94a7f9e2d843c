// @coko/server: the production entry. The API (runtime-agnostic app + Node serving), the pg-boss
// worker, identity, jobs, configuration and observability. It imports nothing of the dev stack
// (`@coko/server/dev`: embedded Postgres, PostgREST, migration runner, typegen) nor of the test
// harness (`@coko/server/testing`); test/app/production-entry.test.ts holds it to that.
export * as admin from './admin/index.ts';
export {
  API_BASE_PATH,
  ApiError,
  type AppDeps,
  type CokoApp,
  createApp,
  type ErrorBody,
  type ErrorCode,
  errorResponse,
  isApiError,
} from './app/create-app.ts';
export {
  type ApiServer,
  findMigrationsDir,
  installShutdownHandlers,
  main as runApi,
  type PrepareApiOptions,
  type PreparedApi,
  packageVersion,
  prepareApi,
  type StartApiServerOptions,
  StartupError,
  startApiServer,
} from './app/node.ts';
export * from './config/index.ts';
export { setSupabaseDir, stateDir, supabaseDir } from './config/project.ts';
export * from './db/index.ts';
export { listMigrationFiles, parseMigrationFileName, readMigrationVersions } from './db/migrations.ts';
export { withDatabase } from './db/url.ts';
export * as identity from './identity/index.ts';
export * from './jobs/index.ts';
export * from './observability/index.ts';
