import type { Context } from 'hono';

/** How the gateway tells clients apart (for throttling failed key checks). */
export type ClientIdentifier = (c: Context) => string;

/**
 * The client's IP: the socket's peer address, or, behind `trustedProxies` proxies (load balancers)
 * that append to `X-Forwarded-For`, the address the outermost trusted proxy saw. Never trusts
 * `X-Forwarded-For` when `trustedProxies` is 0 (a client could name any address).
 */
export function clientIp(trustedProxies = 0): ClientIdentifier {
  return (c) => {
    if (trustedProxies > 0) {
      const hops = (c.req.header('x-forwarded-for') ?? '')
        .split(',')
        .map((hop) => hop.trim())
        .filter(Boolean);
      const address = hops[hops.length - trustedProxies];
      if (address) return address;
    }
    const env = c.env as { incoming?: { socket?: { remoteAddress?: string } } } | undefined;
    return env?.incoming?.socket?.remoteAddress ?? 'unknown';
  };
}
