import { HttpResponse, http } from 'msw';
import { describe, expect, it } from 'vitest';
import { twilioSms } from '../../../src/providers/notifications/index.ts';
import { message, providerServer, rejection, viaMsw } from './helpers.ts';

// Shapes from https://www.twilio.com/docs/messaging/api/message-resource (create: form body, 201 Message
// resource) and https://www.twilio.com/docs/usage/twilios-response (errors: `{ code, message, more_info, status }`).
const SID = 'AC0123456789abcdef0123456789abcdef';
const TOKEN = 'twilio-auth-token-0123456789abcdef';
const URL = `https://api.twilio.com/2010-04-01/Accounts/${SID}/Messages.json`;

const server = providerServer();
const twilio = twilioSms({ accountSid: SID, authToken: TOKEN, from: '+15017122661', fetch: viaMsw });

function twilioError(status: number, code: number, text: string) {
  return () =>
    HttpResponse.json(
      { code, message: text, more_info: `https://www.twilio.com/docs/errors/${code}`, status },
      { status },
    );
}

const sms = (to = '+221771234567') => message({ to, subject: undefined, text: 'Coko : votre reçu est prêt.' });

describe('Twilio', () => {
  it('posts a form with HTTP Basic auth and returns the message SID', async () => {
    let sent: { authorization: string | null; contentType: string | null; form: URLSearchParams } | undefined;
    server.use(
      http.post(URL, async ({ request }) => {
        sent = {
          authorization: request.headers.get('authorization'),
          contentType: request.headers.get('content-type'),
          form: new URLSearchParams(await request.text()),
        };
        return HttpResponse.json(
          {
            account_sid: SID,
            sid: 'SM1f0e8ae6ade43cb3c0ce4525424e404f',
            status: 'queued',
            to: '+221771234567',
            from: '+15017122661',
            body: 'Coko : votre reçu est prêt.',
            num_segments: '1',
            error_code: null,
          },
          { status: 201 },
        );
      }),
    );
    expect(await twilio.send(sms())).toEqual({ providerMessageId: 'SM1f0e8ae6ade43cb3c0ce4525424e404f' });
    expect(sent?.authorization).toBe(`Basic ${Buffer.from(`${SID}:${TOKEN}`).toString('base64')}`);
    expect(sent?.contentType).toBe('application/x-www-form-urlencoded');
    expect(Object.fromEntries(sent?.form ?? [])).toEqual({
      To: '+221771234567',
      From: '+15017122661',
      Body: 'Coko : votre reçu est prêt.',
    });
  });

  it('a Messaging Service SID is sent as MessagingServiceSid', async () => {
    let form: URLSearchParams | undefined;
    server.use(
      http.post(URL, async ({ request }) => {
        form = new URLSearchParams(await request.text());
        return HttpResponse.json({ sid: 'SM2' }, { status: 201 });
      }),
    );
    const service = twilioSms({
      accountSid: SID,
      authToken: TOKEN,
      from: 'MG9752274e9e519418a7406176694466fa',
      fetch: viaMsw,
    });
    await service.send(sms());
    expect(form?.get('MessagingServiceSid')).toBe('MG9752274e9e519418a7406176694466fa');
    expect(form?.has('From')).toBe(false);
  });

  it('refuses a number that is not E.164 without calling Twilio', async () => {
    // No handler: msw fails the test if a request goes out.
    for (const to of ['771234567', '+221 77 123 45 67', '00221771234567', '+0221771234567']) {
      await rejection(twilio.send(sms(to)), 'PermanentSendError', { reason: 'invalid_recipient' });
    }
  });

  it('maps 21211/21614 to invalid_recipient, 21610 (STOP) and other 400s to rejected', async () => {
    const cases: [() => Response, string][] = [
      [twilioError(400, 21211, "The 'To' number +22170000 is not a valid phone number."), 'invalid_recipient'],
      [twilioError(400, 21614, "'To' number is not a valid mobile number"), 'invalid_recipient'],
      [twilioError(400, 21610, 'Attempt to send to unsubscribed recipient'), 'rejected'],
      [twilioError(400, 21606, "The 'From' phone number provided is not a valid message-capable number"), 'rejected'],
    ];
    for (const [answer, reason] of cases) {
      server.use(http.post(URL, answer));
      await rejection(twilio.send(sms()), 'PermanentSendError', { reason, provider: 'twilio', status: 400 });
    }
  });

  it('refused credentials, rate limits, outages and network failures are transient', async () => {
    const answers = [
      twilioError(401, 20003, 'Authenticate'),
      twilioError(404, 20404, 'The requested resource /2010-04-01/Accounts/AC…/Messages.json was not found'),
      twilioError(429, 20429, 'Too Many Requests'),
      twilioError(503, 20503, 'Service Unavailable'),
      () => HttpResponse.error(),
    ];
    for (const answer of answers) {
      server.use(http.post(URL, answer));
      await rejection(twilio.send(sms()), 'ChannelUnavailableError', { provider: 'twilio' });
    }
  });
});
