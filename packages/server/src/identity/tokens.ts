// User access tokens: minted for partner sessions with a compact claim set (identity/claims.ts), and verified
// (partner sessions and Supabase Auth sessions alike) against the project's keys, as PostgREST does.
import { type CryptoKey, errors, importJWK, type JWK, type JWTHeaderParameters, jwtVerify, SignJWT } from 'jose';
import type { SigningJwk } from '../config/schema.ts';
import { AUTHENTICATED_AUDIENCE, partnerSessionClaims, type UserClaims } from './claims.ts';

export { AUTHENTICATED_AUDIENCE, type UserClaims } from './claims.ts';
/** `app_metadata.provider` of users that partners' backends sign in. */
export const PARTNER_PROVIDER = 'coko-partner';

type AsymmetricAlg = 'ES256' | 'RS256';
export type TokenAlg = AsymmetricAlg | 'HS256';

export interface TokenServiceOptions {
  /** Private JWK (ES256 or RS256, with `kid`): tokens are signed with it when set (preferred). */
  signingKey?: SigningJwk | undefined;
  /** HS256 secret: signs when there is no `signingKey`; always accepted when verifying. */
  secret?: string | undefined;
  /**
   * The project's token issuer (`COKO_JWT_ISSUER`). Partner sessions do not carry `iss` (read by nobody on Coko's
   * paths: bytes on every request); not enforced when verifying (PostgREST does not either; the keys decide).
   */
  issuer: string;
  /** Lifetime of minted tokens in seconds. */
  ttlSeconds: number;
  /** More public JWKs accepted when verifying (a previous signing key during rotation). */
  verificationKeys?: JWK[] | undefined;
  /** Allowed clock skew in seconds when verifying `exp` (default 30, as PostgREST 12). */
  clockToleranceSeconds?: number | undefined;
  /** Clock in ms (default `Date.now`). */
  now?: (() => number) | undefined;
}

/** Who a session token is for. */
export interface SessionSubject {
  userId: string;
  partnerId: string;
  email?: string | null | undefined;
  /** As stored in `auth.users.phone` (digits without `+`, as Supabase Auth stores it). */
  phone?: string | null | undefined;
  name?: string | null | undefined;
}

export interface MintedToken {
  accessToken: string;
  expiresAt: Date;
  claims: UserClaims;
}

export type TokenErrorReason = 'malformed' | 'expired' | 'signature' | 'claims' | 'algorithm' | 'no_key';

/** A token that must not be trusted; `reason` says why (never the token itself). */
export class TokenError extends Error {
  override readonly name = 'TokenError';
  constructor(
    readonly reason: TokenErrorReason,
    message: string,
  ) {
    super(message);
  }
}

const PRIVATE_MEMBERS = ['d', 'p', 'q', 'dp', 'dq', 'qi', 'oth', 'k'];

/** The public half of a JWK (private members removed), with `use: 'sig'`. */
export function publicJwkOf(jwk: JWK): JWK {
  const pub: Record<string, unknown> = { ...jwk };
  for (const member of PRIVATE_MEMBERS) delete pub[member];
  delete pub.key_ops;
  return { ...pub, use: 'sig' } as JWK;
}

function algOf(jwk: JWK): AsymmetricAlg | undefined {
  if (jwk.alg === 'ES256' || jwk.alg === 'RS256') return jwk.alg as AsymmetricAlg;
  if (jwk.kty === 'EC' && jwk.crv === 'P-256') return 'ES256';
  if (jwk.kty === 'RSA') return 'RS256';
  return undefined;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * Mints and verifies user access tokens with jose.
 *
 * @example
 * ```ts
 * const tokens = new TokenService({ signingKey, secret, issuer: 'https://x.example/auth/v1', ttlSeconds: 900 })
 * const { accessToken } = await tokens.mint({ userId, partnerId, email, name })
 * const claims = await tokens.verify(accessToken)
 * ```
 */
export class TokenService {
  readonly issuer: string;
  readonly ttlSeconds: number;
  /** How minted tokens are signed; `undefined` when no key is configured (minting then throws). */
  readonly algorithm: TokenAlg | undefined;
  readonly #signingKey: SigningJwk | undefined;
  readonly #secret: Uint8Array | undefined;
  readonly #publicKeys: { jwk: JWK; alg: AsymmetricAlg }[];
  readonly #imported = new Map<string, Promise<CryptoKey | Uint8Array>>();
  readonly #clockTolerance: number;
  readonly #now: () => number;

  constructor(options: TokenServiceOptions) {
    this.issuer = options.issuer;
    this.ttlSeconds = options.ttlSeconds;
    this.#signingKey = options.signingKey;
    this.#secret = options.secret ? new TextEncoder().encode(options.secret) : undefined;
    this.algorithm = options.signingKey ? options.signingKey.alg : this.#secret ? 'HS256' : undefined;
    const candidates = [
      ...(options.signingKey ? [publicJwkOf(options.signingKey as JWK)] : []),
      ...(options.verificationKeys ?? []),
    ];
    this.#publicKeys = [];
    for (const jwk of candidates) {
      const alg = algOf(jwk);
      if (alg && !this.#publicKeys.some((known) => known.jwk.kid !== undefined && known.jwk.kid === jwk.kid)) {
        this.#publicKeys.push({ jwk: { ...publicJwkOf(jwk), alg }, alg });
      }
    }
    this.#clockTolerance = options.clockToleranceSeconds ?? 30;
    this.#now = options.now ?? Date.now;
  }

  /** The public keys (never the HS256 secret), as served at `/.well-known/jwks.json`. */
  jwks(): { keys: JWK[] } {
    return { keys: this.#publicKeys.map((key) => key.jwk) };
  }

  /**
   * A session token for `subject` with the compact claim set ({@link partnerSessionClaims}), valid for
   * `ttlSeconds`. The protected header is `alg` and `kid` only (`typ` is optional and read by nobody).
   */
  async mint(subject: SessionSubject): Promise<MintedToken> {
    const iat = Math.floor(this.#now() / 1000);
    const exp = iat + this.ttlSeconds;
    const claims = partnerSessionClaims({ sub: subject.userId, iat, exp, partnerId: subject.partnerId });
    const jwt = new SignJWT(claims);
    let accessToken: string;
    if (this.#signingKey) {
      const key = await this.#key(`private:${this.#signingKey.kid}`, () =>
        importJWK(this.#signingKey as JWK, this.#signingKey?.alg),
      );
      accessToken = await jwt.setProtectedHeader({ alg: this.#signingKey.alg, kid: this.#signingKey.kid }).sign(key);
    } else if (this.#secret) {
      accessToken = await jwt.setProtectedHeader({ alg: 'HS256' }).sign(this.#secret);
    } else {
      throw new TokenError('no_key', 'No JWT signing key is configured (COKO_JWT_SIGNING_KEY or COKO_JWT_SECRET)');
    }
    return { accessToken, expiresAt: new Date(exp * 1000), claims };
  }

  /**
   * Verifies a user token: signature by a configured key (HS256 secret, or an ES256/RS256 public key chosen by
   * `kid`), `aud` = `authenticated`, `exp` in the future, `sub` a uuid, `role` = `authenticated`.
   * Throws a {@link TokenError}.
   */
  async verify(token: string): Promise<UserClaims> {
    const algorithms: TokenAlg[] = [...new Set(this.#publicKeys.map((key) => key.alg))];
    if (this.#secret) algorithms.push('HS256');
    if (algorithms.length === 0) throw new TokenError('no_key', 'No JWT verification key is configured');
    let payload: Record<string, unknown>;
    try {
      ({ payload } = await jwtVerify(token, (header) => this.#verificationKey(header), {
        algorithms,
        audience: AUTHENTICATED_AUDIENCE,
        requiredClaims: ['sub', 'exp'],
        clockTolerance: this.#clockTolerance,
        currentDate: new Date(this.#now()),
      }));
    } catch (error) {
      throw toTokenError(error);
    }
    if (typeof payload.sub !== 'string' || !UUID.test(payload.sub))
      throw new TokenError('claims', 'The token subject is not a user id');
    if (payload.role !== 'authenticated') throw new TokenError('claims', 'The token is not a signed-in user token');
    if (typeof payload.iat !== 'number') throw new TokenError('claims', 'The token has no issue time');
    return payload as UserClaims;
  }

  /**
   * True for a valid `service_role` token (Supabase's secret-key JWT, as the gateway forwards it): signed by a
   * configured key, not expired. Never throws.
   */
  async isServiceRole(token: string): Promise<boolean> {
    const algorithms: TokenAlg[] = [...new Set(this.#publicKeys.map((key) => key.alg))];
    if (this.#secret) algorithms.push('HS256');
    if (algorithms.length === 0) return false;
    try {
      const { payload } = await jwtVerify(token, (header) => this.#verificationKey(header), {
        algorithms,
        requiredClaims: ['exp'],
        clockTolerance: this.#clockTolerance,
        currentDate: new Date(this.#now()),
      });
      return payload.role === 'service_role';
    } catch {
      return false;
    }
  }

  #verificationKey(header: JWTHeaderParameters): Promise<CryptoKey | Uint8Array> {
    if (header.alg === 'HS256') {
      if (!this.#secret) throw new TokenError('no_key', 'HS256 tokens are not accepted');
      return Promise.resolve(this.#secret);
    }
    const candidates = this.#publicKeys.filter((key) => key.alg === header.alg);
    const match = header.kid
      ? candidates.find((key) => key.jwk.kid === header.kid)
      : candidates.length === 1
        ? candidates[0]
        : undefined;
    if (!match) throw new TokenError('no_key', 'The token was signed with an unknown key');
    return this.#key(`public:${match.alg}:${match.jwk.kid ?? ''}`, () => importJWK(match.jwk, match.alg));
  }

  #key(id: string, load: () => Promise<CryptoKey | Uint8Array>): Promise<CryptoKey | Uint8Array> {
    let key = this.#imported.get(id);
    if (!key) {
      key = load();
      this.#imported.set(id, key);
    }
    return key;
  }
}

function toTokenError(error: unknown): TokenError {
  if (error instanceof TokenError) return error;
  if (error instanceof errors.JWTExpired) return new TokenError('expired', 'The token has expired');
  if (error instanceof errors.JWTClaimValidationFailed)
    return new TokenError('claims', `The token's ${error.claim} claim is invalid`);
  if (error instanceof errors.JOSEAlgNotAllowed)
    return new TokenError('algorithm', 'The token signing algorithm is not accepted');
  if (error instanceof errors.JWSSignatureVerificationFailed)
    return new TokenError('signature', 'The token signature is invalid');
  if (error instanceof errors.JWKSNoMatchingKey)
    return new TokenError('no_key', 'The token was signed with an unknown key');
  return new TokenError('malformed', 'The token is malformed');
}
