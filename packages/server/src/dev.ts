// @coko/server/dev: the local Supabase-style stack (`coko dev`): embedded Postgres, Supabase
// bootstrap, the migration runner, PostgREST, the gateway, project keys and type generation.
// Never imported by the production entry (@coko/server).
export { type ApiFactoryContext, type ApiFactoryOptions, createApiFactory } from './app/api-factory.ts';
export { createPartnerKeyResolver } from './gateway/partner-keys.ts';
export { inProcesses, serveGateway } from './gateway/processes.ts';
export { postgrestUpstream } from './gateway/upstream.ts';
export * from './stack/index.ts';
