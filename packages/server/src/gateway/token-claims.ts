/**
 * The claims of a JWT's payload (base64url JSON), read WITHOUT verifying the signature. Only for
 * decisions a forged token cannot turn into more than its bearer may already have (see callers);
 * PostgREST verifies every token that reaches it. `undefined`: not a readable JWT.
 */
export function unverifiedClaims(token: string): Record<string, unknown> | undefined {
  const parts = token.split('.');
  const payload = parts[1];
  if (!payload || parts.length !== 3) return undefined;
  try {
    const base64 = payload.replace(/-/g, '+').replace(/_/g, '/');
    const bytes = Uint8Array.from(atob(base64), (char) => char.charCodeAt(0));
    const claims = JSON.parse(new TextDecoder().decode(bytes)) as unknown;
    if (typeof claims !== 'object' || claims === null || Array.isArray(claims)) return undefined;
    return claims as Record<string, unknown>;
  } catch {
    return undefined;
  }
}
