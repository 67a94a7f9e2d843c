import { AuthenticationError } from '../core/errors';
import { jwtClaims } from '../core/session';
import type { Transport } from '../core/transport';

/** The signed-in reader's id; `AuthenticationError` for a guest (`what`: "Sign in to …"). */
export async function requireSignedIn(ctx: Pick<Transport, 'session'>, what: string): Promise<string> {
  const sub = jwtClaims(await ctx.session.get()).sub;
  if (typeof sub !== 'string') throw new AuthenticationError(`Sign in to ${what}`);
  return sub;
}
