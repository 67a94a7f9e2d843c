import { HttpResponse, http } from 'msw';
import { describe, expect, it } from 'vitest';
import { sendgridEmail } from '../../../src/providers/notifications/index.ts';
import { DELIVERY_ID, message, providerServer, rejection, viaMsw } from './helpers.ts';

// Shapes from https://www.twilio.com/docs/sendgrid/api-reference/mail-send/mail-send (202, X-Message-Id)
// and /mail-send/errors (`{ errors: [{ message, field, help }] }`).
const URL = 'https://api.sendgrid.com/v3/mail/send';
const API_KEY = 'SG.coko-test.key-0123456789';

const server = providerServer();
const sendgrid = sendgridEmail({
  apiKey: API_KEY,
  from: 'Librairie Clairafrique <lire@clairafrique.sn>',
  fetch: viaMsw,
});

function accepted(messageId = 'W86EgYT6SQKk0lRflfLRsA') {
  return new HttpResponse(null, { status: 202, headers: { 'X-Message-Id': messageId } });
}

describe('SendGrid', () => {
  it('sends with the bearer key, both bodies, List-Unsubscribe (one-click) and the key as a custom argument', async () => {
    let sent: { headers: Headers; body: unknown } | undefined;
    server.use(
      http.post(URL, async ({ request }) => {
        sent = { headers: request.headers, body: await request.json() };
        return accepted();
      }),
    );
    const result = await sendgrid.send(
      message({ html: '<p>Bravo Awa</p>', unsubscribeUrl: 'https://coko.example.sn/u?token=abc' }),
    );
    expect(result).toEqual({ providerMessageId: 'W86EgYT6SQKk0lRflfLRsA' });
    expect(sent?.headers.get('authorization')).toBe(`Bearer ${API_KEY}`);
    expect(sent?.headers.get('content-type')).toBe('application/json');
    expect(sent?.body).toEqual({
      personalizations: [{ to: [{ email: 'awa.diop@example.sn' }] }],
      from: { email: 'lire@clairafrique.sn', name: 'Librairie Clairafrique' },
      subject: 'Nouveau badge : Lecteur assidu',
      content: [
        { type: 'text/plain', value: 'Bravo Awa, vous avez lu 5 livres avec Librairie Clairafrique.' },
        { type: 'text/html', value: '<p>Bravo Awa</p>' },
      ],
      headers: {
        'List-Unsubscribe': '<https://coko.example.sn/u?token=abc>',
        'List-Unsubscribe-Post': 'List-Unsubscribe=One-Click',
      },
      custom_args: { coko_idempotency_key: DELIVERY_ID },
    });
  });

  it("uses the message's own sender and sends no headers without an unsubscribe link", async () => {
    let body: Record<string, unknown> | undefined;
    server.use(
      http.post(URL, async ({ request }) => {
        body = (await request.json()) as Record<string, unknown>;
        return accepted();
      }),
    );
    await sendgrid.send(message({ from: 'coko@example.sn' }));
    expect(body?.from).toEqual({ email: 'coko@example.sn' });
    expect(body).not.toHaveProperty('headers');
    expect(body?.content).toEqual([{ type: 'text/plain', value: expect.any(String) }]);
  });

  it('a 400 about the recipient is a permanent invalid_recipient; another 400 is rejected', async () => {
    server.use(
      http.post(URL, () =>
        HttpResponse.json(
          {
            errors: [
              {
                message: 'Does not contain a valid address.',
                field: 'personalizations.0.to.0.email',
                help: 'http://sendgrid.com/docs/API_Reference/Web_API_v3/Mail/errors.html#message.personalizations.to',
              },
            ],
          },
          { status: 400 },
        ),
      ),
    );
    await rejection(sendgrid.send(message({ to: 'awa@' })), 'PermanentSendError', {
      reason: 'invalid_recipient',
      provider: 'sendgrid',
      status: 400,
    });
    server.use(
      http.post(URL, () =>
        HttpResponse.json(
          { errors: [{ message: 'The subject is required.', field: 'subject', help: null }] },
          { status: 400 },
        ),
      ),
    );
    await rejection(sendgrid.send(message()), 'PermanentSendError', { reason: 'rejected', providerCode: 'subject' });
  });

  it('refused keys, rate limits, outages and network failures are transient', async () => {
    const answers = [
      () =>
        HttpResponse.json({ errors: [{ message: 'The provided authorization grant is invalid' }] }, { status: 401 }),
      () => HttpResponse.json({ errors: [{ message: 'access forbidden' }] }, { status: 403 }),
      () => HttpResponse.json({ errors: [{ message: 'too many requests' }] }, { status: 429 }),
      () => new HttpResponse('upstream', { status: 502 }),
      () => HttpResponse.error(),
    ];
    for (const answer of answers) {
      server.use(http.post(URL, answer));
      await rejection(sendgrid.send(message()), 'ChannelUnavailableError', { provider: 'sendgrid' });
    }
  });
});
