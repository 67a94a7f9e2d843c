import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { exportJWK, generateKeyPair, importJWK, type JWK, SignJWT } from 'jose';
import { userClaims } from '../identity/claims.ts';

/**
 * The signing material of one local project, created once and kept in `.coko/keys.json`:
 * an HS256 secret (Supabase's legacy JWT secret) and an ES256 key pair (Supabase's recommended
 * asymmetric signing key), plus the project's API keys and the authenticator's database password.
 */
export interface ProjectKeys {
  jwtSecret: string;
  es256: { kid: string; privateJwk: JWK; publicJwk: JWK };
  publishableKey: string;
  secretKey: string;
  authenticatorPassword: string;
  /** Password of the bootstrap superuser (embedded Postgres only). */
  adminPassword: string;
  /** Password of the non-superuser `postgres` role the API and Studio connect as. */
  postgresPassword: string;
}

const token = (bytes: number) => randomBytes(bytes).toString('base64url');

export async function createProjectKeys(): Promise<ProjectKeys> {
  const { privateKey, publicKey } = await generateKeyPair('ES256', { extractable: true });
  const kid = token(8);
  const privateJwk = { ...(await exportJWK(privateKey)), kid, alg: 'ES256', use: 'sig' };
  const publicJwk = { ...(await exportJWK(publicKey)), kid, alg: 'ES256', use: 'sig' };
  return {
    jwtSecret: token(48),
    es256: { kid, privateJwk, publicJwk },
    publishableKey: `sb_publishable_${token(24)}`,
    secretKey: `sb_secret_${token(32)}`,
    authenticatorPassword: token(24),
    adminPassword: token(24),
    postgresPassword: token(24),
  };
}

/** Loads the keys from `file`, creating them on first use. */
export async function loadOrCreateProjectKeys(file: string): Promise<ProjectKeys> {
  if (existsSync(file)) return JSON.parse(readFileSync(file, 'utf8')) as ProjectKeys;
  const keys = await createProjectKeys();
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, `${JSON.stringify(keys, null, 2)}\n`, { mode: 0o600 });
  return keys;
}

/**
 * The JWKS PostgREST verifies tokens with: the HS256 secret as an `oct` key and the ES256 public
 * key, as Supabase passes them (supabase-compat.md).
 */
export function postgrestJwks(keys: ProjectKeys): string {
  const oct = { kty: 'oct', k: Buffer.from(keys.jwtSecret).toString('base64url'), alg: 'HS256' };
  return JSON.stringify({ keys: [oct, keys.es256.publicJwk] });
}

/** The public JWKS (asymmetric keys only) served at `/auth/v1/.well-known/jwks.json`. */
export function publicJwks(keys: ProjectKeys) {
  return { keys: [keys.es256.publicJwk] };
}

export interface MintOptions {
  role: 'anon' | 'authenticated' | 'service_role';
  sub?: string;
  expiresInSeconds: number;
  claims?: Record<string, unknown>;
  alg?: 'ES256' | 'HS256';
  issuer?: string;
}

/** Signs a Supabase-shaped JWT with the project's keys (ES256 by default). */
export async function mintJwt(keys: ProjectKeys, options: MintOptions): Promise<string> {
  const iat = Math.floor(Date.now() / 1000);
  return signJwt(
    keys,
    {
      role: options.role,
      ...options.claims,
      iat,
      exp: iat + options.expiresInSeconds,
      ...(options.issuer ? { iss: options.issuer } : {}),
      ...(options.sub ? { sub: options.sub } : {}),
    },
    options.alg,
  );
}

async function signJwt(keys: ProjectKeys, payload: Record<string, unknown>, alg: 'ES256' | 'HS256' = 'ES256') {
  const jwt = new SignJWT(payload);
  if (alg === 'HS256') {
    return jwt.setProtectedHeader({ alg, typ: 'JWT' }).sign(new TextEncoder().encode(keys.jwtSecret));
  }
  const key = await importJWK(keys.es256.privateJwk, 'ES256');
  return jwt.setProtectedHeader({ alg, typ: 'JWT', kid: keys.es256.kid }).sign(key);
}

/** A user's access token with the claim set Supabase Auth issues (src/identity/claims.ts). */
export function mintUserToken(
  keys: ProjectKeys,
  user: { id: string; email?: string | null; phone?: string | null; appMetadata?: Record<string, unknown> },
  options: { expiresInSeconds: number; alg?: 'ES256' | 'HS256'; issuer?: string },
): Promise<string> {
  const iat = Math.floor(Date.now() / 1000);
  const claims = userClaims({
    sub: user.id,
    iat,
    exp: iat + options.expiresInSeconds,
    issuer: options.issuer,
    email: user.email,
    phone: user.phone,
    appMetadata: user.appMetadata,
    method: 'token',
  });
  return signJwt(keys, claims, options.alg);
}
