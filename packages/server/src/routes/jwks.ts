import { createRoute, z } from '@hono/zod-openapi';
import type { RoutesApp } from '../app/env.ts';
import type { TokenService } from '../identity/tokens.ts';

export interface JwksRoutesOptions {
  tokens: TokenService;
}

const JwksSchema = z.object({ keys: z.array(z.record(z.string(), z.unknown())) }).openapi('JWKS', {
  description: "JSON Web Key Set (RFC 7517): the public keys of the project's asymmetric signing keys.",
});

const jwksRoute = createRoute({
  method: 'get',
  path: '/.well-known/jwks.json',
  tags: ['Identity'],
  summary: 'Public keys that verify Coko user tokens',
  description:
    'ES256/RS256 public keys (by `kid`) that sign the tokens `POST /v1/sessions` mints. Never contains the HS256 secret: ' +
    'when the project signs with HS256 only, the set is empty.',
  responses: { 200: { description: 'The key set', content: { 'application/json': { schema: JwksSchema } } } },
});

/** `GET /.well-known/jwks.json`: the public signing keys (cacheable for 10 minutes). */
export function registerJwksRoutes(app: RoutesApp, options: JwksRoutesOptions): void {
  app.openapi(jwksRoute, (c) => {
    c.header('Cache-Control', 'public, max-age=600');
    return c.json(options.tokens.jwks() as z.infer<typeof JwksSchema>, 200);
  });
}
