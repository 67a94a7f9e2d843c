/**
 * True when the reader may be sent back to `returnUrl` after paying: an http(s) URL whose origin is one of
 * `allowedOrigins` (`'*'` allows any). Without this check the checkout would be an open redirect, a phishing aid
 * that carries Coko's name.
 */
export function isAllowedReturnUrl(returnUrl: string, allowedOrigins: readonly string[]): boolean {
  let url: URL;
  try {
    url = new URL(returnUrl);
  } catch {
    return false;
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') return false;
  if (url.username || url.password) return false;
  return allowedOrigins.includes('*') || allowedOrigins.includes(url.origin);
}
