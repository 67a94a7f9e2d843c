// Run by deno.unit.test.ts under the real Deno binary: the HTTP channel adapters, their registry and the
// configuration use only Web-standard APIs (fetch, crypto.subtle), as Supabase Edge Functions require.
import { loadConfig } from '../../../src/config/index.ts';
import { notificationChannelsFromConfig } from '../../../src/providers/notifications/index.ts';

function pem(label: string, der: ArrayBuffer): string {
  const base64 = btoa(String.fromCharCode(...new Uint8Array(der)));
  return `-----BEGIN ${label}-----\n${base64.replace(/.{64}/g, '$&\n')}\n-----END ${label}-----\n`;
}

const keys = await crypto.subtle.generateKey(
  { name: 'RSASSA-PKCS1-v1_5', modulusLength: 2048, publicExponent: new Uint8Array([1, 0, 1]), hash: 'SHA-256' },
  true,
  ['sign', 'verify'],
);
const account = {
  type: 'service_account',
  project_id: 'coko-deno',
  client_email: 'push@coko-deno.iam.gserviceaccount.com',
  private_key: pem('PRIVATE KEY', await crypto.subtle.exportKey('pkcs8', keys.privateKey)),
};

const sent: { url: string; headers: Record<string, string>; body: string }[] = [];
const fakeProviders: typeof fetch = async (input, init) => {
  const url = String(input);
  sent.push({ url, headers: Object.fromEntries(new Headers(init?.headers)), body: String(init?.body) });
  if (url === 'https://oauth2.googleapis.com/token')
    return Response.json({ access_token: 'ya29.deno', expires_in: 3599 });
  if (url.includes('fcm.googleapis.com')) return Response.json({ name: 'projects/coko-deno/messages/1' });
  if (url.includes('sendgrid')) return new Response(null, { status: 202, headers: { 'x-message-id': 'sg-deno' } });
  return Response.json(
    {
      SMSMessageData: {
        Message: 'Sent to 1/1',
        Recipients: [{ statusCode: 101, number: '+254711082123', status: 'Success', messageId: 'ATXid_deno' }],
      },
    },
    { status: 201 },
  );
};

const config = loadConfig({
  COKO_ENV: 'production',
  DATABASE_URL: 'postgres://coko@db.internal:5432/coko',
  COKO_JWT_SECRET: 'a-very-long-secret-value-for-tests-0123456789',
  COKO_PUBLIC_URL: 'https://coko.example.sn',
  SENDGRID_API_KEY: 'SG.deno',
  EMAIL_FROM: 'Coko <no-reply@coko.example.sn>',
  FCM_SERVICE_ACCOUNT: JSON.stringify(account),
  AFRICASTALKING_USERNAME: 'sandbox',
  AFRICASTALKING_API_KEY: 'atsk_deno',
});
const channels = notificationChannelsFromConfig(config, { fetch: fakeProviders });
const base = { text: 'Bienvenue sur Coko', idempotencyKey: 'delivery-deno' };
const results = {
  email: await channels.email?.send({ ...base, to: 'awa@example.sn', subject: 'Bienvenue' }),
  push: await channels.push?.send({ ...base, to: 'device-token' }),
  sms: await channels.sms?.send({ ...base, to: '+254711082123' }),
};
const assertion = new URLSearchParams(sent[1]?.body ?? '').get('assertion');
console.log(
  JSON.stringify({
    status: channels.status(),
    results,
    urls: sent.map((request) => request.url),
    assertion,
    publicKey: pem('PUBLIC KEY', await crypto.subtle.exportKey('spki', keys.publicKey)),
  }),
);
