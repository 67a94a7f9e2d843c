/** Replaces the database name (and optionally the credentials) of a Postgres connection URL. */
export function withDatabase(url: string, database: string, credentials?: { user: string; password: string }): string {
  const next = new URL(url);
  next.pathname = `/${database}`;
  if (credentials) {
    next.username = encodeURIComponent(credentials.user);
    next.password = encodeURIComponent(credentials.password);
  }
  return next.toString();
}
