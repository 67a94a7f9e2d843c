import { importSPKI, jwtVerify } from 'jose';
import { HttpResponse, http } from 'msw';
import { describe, expect, it } from 'vitest';
import { fcmPush } from '../../../src/providers/notifications/index.ts';
import { message, providerServer, rejection, serviceAccount, viaMsw } from './helpers.ts';

// Shapes from https://firebase.google.com/docs/reference/fcm/rest/v1/projects.messages/send, the FCM error
// codes (https://firebase.google.com/docs/reference/fcm/rest/v1/ErrorCode) and Google's service-account
// OAuth flow (https://developers.google.com/identity/protocols/oauth2/service-account).
const TOKEN_URL = 'https://oauth2.googleapis.com/token';
const SEND_URL = 'https://fcm.googleapis.com/v1/projects/coko-lecteur/messages:send';
const DEVICE = 'fYx3nQ8uR0u9hL2kP1qv_Z:APA91bH4cVh0Kq7m2xw9Lr5eTz3Jp8sWn6vYa1bCd0EfGhIjKlMnOpQrStUv';
const START = new Date('2026-12-07T10:00:00Z');

const server = providerServer();
const { account, publicKeyPem } = serviceAccount();

function clock(start = START) {
  let now = start.getTime();
  return { now: () => new Date(now), advance: (ms: number) => (now += ms) };
}

/** The token endpoint: counts requests and hands out `ya29.token-<n>`. */
function tokenEndpoint(assertions: string[] = []) {
  return http.post(TOKEN_URL, async ({ request }) => {
    const form = new URLSearchParams(await request.text());
    expect(request.headers.get('content-type')).toBe('application/x-www-form-urlencoded');
    expect(form.get('grant_type')).toBe('urn:ietf:params:oauth:grant-type:jwt-bearer');
    assertions.push(form.get('assertion') ?? '');
    return HttpResponse.json({
      access_token: `ya29.token-${assertions.length}`,
      expires_in: 3599,
      token_type: 'Bearer',
    });
  });
}

function fcmError(status: number, body: Record<string, unknown>) {
  return () => HttpResponse.json({ error: { code: status, ...body } }, { status });
}

describe('FCM HTTP v1', () => {
  it('signs an RS256 assertion for the service account, then sends the message with the bearer token', async () => {
    const assertions: string[] = [];
    let sent: { authorization: string | null; body: unknown } | undefined;
    server.use(
      tokenEndpoint(assertions),
      http.post(SEND_URL, async ({ request }) => {
        sent = { authorization: request.headers.get('authorization'), body: await request.json() };
        return HttpResponse.json({ name: 'projects/coko-lecteur/messages/0:1733565600000000%31bd1c9631bd1c96' });
      }),
    );
    const time = clock();
    const fcm = fcmPush({ account, fetch: viaMsw, now: time.now });
    const result = await fcm.send(message({ to: DEVICE, data: { kind: 'badge_earned', badgeId: '42' } }));

    expect(result).toEqual({ providerMessageId: 'projects/coko-lecteur/messages/0:1733565600000000%31bd1c9631bd1c96' });
    expect(sent?.authorization).toBe('Bearer ya29.token-1');
    expect(sent?.body).toEqual({
      message: {
        token: DEVICE,
        notification: {
          title: 'Nouveau badge : Lecteur assidu',
          body: 'Bravo Awa, vous avez lu 5 livres avec Librairie Clairafrique.',
        },
        data: { kind: 'badge_earned', badgeId: '42' },
      },
    });
    // An independent implementation (jose) checks the WebCrypto signature and the claims Google requires.
    const { payload, protectedHeader } = await jwtVerify(assertions[0] ?? '', await importSPKI(publicKeyPem, 'RS256'), {
      currentDate: START,
      audience: TOKEN_URL,
      issuer: account.client_email,
    });
    expect(protectedHeader).toEqual({ alg: 'RS256', typ: 'JWT', kid: account.private_key_id });
    expect(payload).toEqual({
      iss: account.client_email,
      scope: 'https://www.googleapis.com/auth/firebase.messaging',
      aud: TOKEN_URL,
      iat: START.getTime() / 1000,
      exp: START.getTime() / 1000 + 3600,
    });
  });

  it('keeps the token until shortly before it expires, and shares one token request between concurrent sends', async () => {
    const assertions: string[] = [];
    const bearers: (string | null)[] = [];
    server.use(
      tokenEndpoint(assertions),
      http.post(SEND_URL, ({ request }) => {
        bearers.push(request.headers.get('authorization'));
        return HttpResponse.json({ name: `projects/coko-lecteur/messages/${bearers.length}` });
      }),
    );
    const time = clock();
    const fcm = fcmPush({ account, fetch: viaMsw, now: time.now });
    await Promise.all([fcm.send(message({ to: DEVICE })), fcm.send(message({ to: DEVICE }))]);
    time.advance(50 * 60_000);
    await fcm.send(message({ to: DEVICE }));
    expect(assertions).toHaveLength(1);
    time.advance(9 * 60_000); // 59 min: within the renewal margin of a 3599 s token
    await fcm.send(message({ to: DEVICE }));
    expect(assertions).toHaveLength(2);
    expect(bearers).toEqual([
      'Bearer ya29.token-1',
      'Bearer ya29.token-1',
      'Bearer ya29.token-1',
      'Bearer ya29.token-2',
    ]);
  });

  it('a token refused before its expiry (401) is replaced once, and the message sent with the new one', async () => {
    const assertions: string[] = [];
    server.use(
      tokenEndpoint(assertions),
      http.post(SEND_URL, ({ request }) =>
        request.headers.get('authorization') === 'Bearer ya29.token-1'
          ? fcmError(401, { message: 'Request had invalid authentication credentials.', status: 'UNAUTHENTICATED' })()
          : HttpResponse.json({ name: 'projects/coko-lecteur/messages/2' }),
      ),
    );
    const fcm = fcmPush({ account, fetch: viaMsw, now: clock().now });
    expect(await fcm.send(message({ to: DEVICE }))).toEqual({ providerMessageId: 'projects/coko-lecteur/messages/2' });
    expect(assertions).toHaveLength(2);
  });

  it('UNREGISTERED, SENDER_ID_MISMATCH and an invalid token are permanent "unregistered": prune the device', async () => {
    const answers = [
      fcmError(404, {
        message: 'Requested entity was not found.',
        status: 'NOT_FOUND',
        details: [{ '@type': 'type.googleapis.com/google.firebase.fcm.v1.FcmError', errorCode: 'UNREGISTERED' }],
      }),
      fcmError(403, {
        message: 'SenderId mismatch',
        status: 'PERMISSION_DENIED',
        details: [{ '@type': 'type.googleapis.com/google.firebase.fcm.v1.FcmError', errorCode: 'SENDER_ID_MISMATCH' }],
      }),
      fcmError(400, {
        message: 'The registration token is not a valid FCM registration token',
        status: 'INVALID_ARGUMENT',
        details: [{ '@type': 'type.googleapis.com/google.firebase.fcm.v1.FcmError', errorCode: 'INVALID_ARGUMENT' }],
      }),
    ];
    const fcm = fcmPush({ account, fetch: viaMsw, now: clock().now });
    for (const [i, answer] of answers.entries()) {
      server.use(tokenEndpoint(), http.post(SEND_URL, answer));
      await rejection(fcm.send(message({ to: DEVICE })), 'PermanentSendError', {
        reason: 'unregistered',
        provider: 'fcm',
        providerCode: ['UNREGISTERED', 'SENDER_ID_MISMATCH', 'INVALID_ARGUMENT'][i],
      });
    }
  });

  it("an INVALID_ARGUMENT about Coko's payload is rejected, and the device is kept", async () => {
    server.use(
      tokenEndpoint(),
      http.post(
        SEND_URL,
        fcmError(400, {
          message: "Invalid value at 'message.data[0].value' (TYPE_STRING), 12",
          status: 'INVALID_ARGUMENT',
          details: [
            {
              '@type': 'type.googleapis.com/google.rpc.BadRequest',
              fieldViolations: [
                { field: 'message.data[0].value', description: "Invalid value at 'message.data[0].value'" },
              ],
            },
          ],
        }),
      ),
    );
    const fcm = fcmPush({ account, fetch: viaMsw, now: clock().now });
    await rejection(fcm.send(message({ to: DEVICE })), 'PermanentSendError', { reason: 'rejected' });
  });

  it('quota, outages, a refused service account and network failures are transient', async () => {
    const cases = [
      [
        tokenEndpoint(),
        http.post(
          SEND_URL,
          fcmError(429, {
            status: 'RESOURCE_EXHAUSTED',
            details: [{ '@type': 'type.googleapis.com/google.firebase.fcm.v1.FcmError', errorCode: 'QUOTA_EXCEEDED' }],
          }),
        ),
      ],
      [
        tokenEndpoint(),
        http.post(
          SEND_URL,
          fcmError(503, {
            status: 'UNAVAILABLE',
            details: [{ '@type': 'type.googleapis.com/google.firebase.fcm.v1.FcmError', errorCode: 'UNAVAILABLE' }],
          }),
        ),
      ],
      [
        http.post(TOKEN_URL, () =>
          HttpResponse.json({ error: 'invalid_grant', error_description: 'Invalid JWT Signature.' }, { status: 400 }),
        ),
      ],
      [tokenEndpoint(), http.post(SEND_URL, () => HttpResponse.error())],
    ];
    for (const handlers of cases) {
      server.use(...handlers);
      const fcm = fcmPush({ account, fetch: viaMsw, now: clock().now });
      await rejection(fcm.send(message({ to: DEVICE })), 'ChannelUnavailableError', { provider: 'fcm' });
      server.resetHandlers();
    }
  });
});
