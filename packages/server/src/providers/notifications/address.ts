/** `Name <email>` or a bare `email`, as SendGrid's `{ email, name }`. */
export function parseAddress(raw: string): { email: string; name?: string } {
  const match = /^\s*(.*?)\s*<([^<>]+)>\s*$/.exec(raw);
  if (!match) return { email: raw.trim() };
  const name = (match[1] ?? '').replace(/^"(.*)"$/, '$1').trim();
  const email = (match[2] ?? '').trim();
  return name ? { email, name } : { email };
}

/** The domain of an address (`Coko <no-reply@coko.example>` → `coko.example`), for Message-IDs. */
export function addressDomain(raw: string): string {
  const { email } = parseAddress(raw);
  const at = email.lastIndexOf('@');
  return at >= 0 ? email.slice(at + 1) : 'localhost';
}
