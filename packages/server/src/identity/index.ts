import type { Config } from '../config/load.ts';
import { TokenService } from './tokens.ts';

export * from './api-keys.ts';
export * from './partners.ts';
export * from './sessions.ts';
export * from './tokens.ts';
export * from './users.ts';

/**
 * The token service the configuration describes: ES256/RS256 with `COKO_JWT_SIGNING_KEY` when set (HS256
 * tokens signed with `COKO_JWT_SECRET` are still accepted), else HS256 with `COKO_JWT_SECRET`.
 */
export function tokenServiceFromConfig(config: Pick<Config, 'jwt' | 'jwtSecret'>): TokenService {
  return new TokenService({
    signingKey: config.jwt.signingKey,
    secret: config.jwtSecret,
    issuer: config.jwt.issuer,
    ttlSeconds: config.jwt.sessionTtlSeconds,
  });
}
