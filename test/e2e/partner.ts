// The partner of the end-to-end test: created with Coko's admin operations (as `coko dev` creates the
// demo partner), its front end's origin allowed, and the example partner backend signing its demo
// readers in with its secret key.
import pg from 'pg';
import { loadConfig } from '../../examples/partner-backend/src/config.ts';
import { type PartnerBackend, startPartnerBackend } from '../../examples/partner-backend/src/server.ts';
import { cliActor, createPartner } from '../../packages/server/src/admin/index.ts';

export async function startPartner(options: {
  databaseUrl: string;
  cokoUrl: string;
  appOrigin: string;
  port: number;
}): Promise<PartnerBackend> {
  const db = new pg.Pool({ connectionString: options.databaseUrl, max: 1 });
  try {
    const partner = await createPartner(
      { db, actor: cliActor() },
      { name: 'Librairie de test', allowedOrigins: [options.appOrigin], defaultCountry: 'SN', defaultLanguage: 'fr' },
    );
    return await startPartnerBackend(
      loadConfig({
        COKO_URL: options.cokoUrl,
        COKO_SECRET_KEY: partner.secretKey?.key,
        COKO_PUBLISHABLE_KEY: partner.publishableKey?.key,
        FRONTEND_ORIGINS: options.appOrigin,
        PORT: String(options.port),
      }),
    );
  } finally {
    await db.end();
  }
}

/** A Coko access token for a demo reader, through the backend as the app gets it. */
export async function readerToken(backendUrl: string, username: string): Promise<string> {
  const login = await fetch(`${backendUrl}/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username }),
  });
  if (!login.ok) throw new Error(`POST /login: ${login.status}`);
  const { sessionToken } = (await login.json()) as { sessionToken: string };
  const token = await fetch(`${backendUrl}/coko-token`, {
    method: 'POST',
    headers: { authorization: `Bearer ${sessionToken}` },
  });
  if (!token.ok) throw new Error(`POST /coko-token: ${token.status}`);
  return ((await token.json()) as { accessToken: string }).accessToken;
}
