// Coko's gateway: the production front of a Supabase project (partners' pk_ keys, limits, hardening)
// and the local stack's front of PostgREST. Run it with `coko gateway` (see docs/DEPLOY.md).
export { type CheckApiKeyOptions, checkApiKey, type ProjectApiKeys } from './api-keys.ts';
export { createGateway, type FetchHandler, forwardTo, type GatewayOptions } from './app.ts';
export { DEFAULT_BODY_LIMIT_BYTES, limitBody } from './body-limit.ts';
export { type ClientIdentifier, clientIp } from './client-ip.ts';
export { type CompressOptions, compressBody, compressionFor, compressResponses } from './compress.ts';
export { type GatewayConfig, loadGatewayConfig } from './config.ts';
export { errorResponse, gatewayError, requestIdOf } from './errors.ts';
export { createFailureThrottle, type FailureThrottle, type FailureThrottleOptions } from './failure-throttle.ts';
export { withoutHopByHop } from './hop-by-hop.ts';
export { ALLOWED_METHODS, allowedMethods } from './methods.ts';
export { answerNodeRefusals } from './node-refusals.ts';
export {
  createPartnerKeyResolver,
  type PartnerKeyDatabase,
  type PartnerKeyRefusal,
  type PartnerKeyResolver,
  type PartnerKeyResolverOptions,
} from './partner-keys.ts';
export { inProcesses, type Stoppable, serveGateway } from './processes.ts';
export { DEFAULT_UPSTREAM_TIMEOUT_MS, forward, forwardRest } from './proxy.ts';
export { PUBLIC_OBJECT_CACHE_CONTROL, type PublicStorageOptions, servePublicObject } from './public-storage.ts';
export { CATALOG_READ_RPCS, CATALOG_TABLES, catalogReadsOn, type ReadReplicaRouting } from './read-replica.ts';
export { requestId, SANE_REQUEST_ID } from './request-id.ts';
export { restrictSchemaRoot } from './schema-root.ts';
export { SEARCH_CACHE_HEADER, SearchCache, type SearchCacheOptions } from './search-cache.ts';
export { type RunningGateway, startGateway } from './server.ts';
export { tokenPartnerId } from './token-binding.ts';
export { refuseUndecodable } from './undecodable.ts';
export { type Access, postgrestUpstream, type RestUpstream, supabaseUpstream } from './upstream.ts';
