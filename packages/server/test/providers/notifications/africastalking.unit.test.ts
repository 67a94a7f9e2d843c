import { HttpResponse, http } from 'msw';
import { describe, expect, it } from 'vitest';
import { africasTalkingSms } from '../../../src/providers/notifications/index.ts';
import { message, providerServer, rejection, viaMsw } from './helpers.ts';

// Shapes from https://developers.africastalking.com/docs/sms/sending/bulk: form body, `apiKey` header,
// 201 `{ SMSMessageData: { Message, Recipients: [{ statusCode, number, status, cost, messageId }] } }`.
const SANDBOX = 'https://api.sandbox.africastalking.com/version1/messaging';
const LIVE = 'https://api.africastalking.com/version1/messaging';
const API_KEY = 'atsk_0123456789abcdef0123456789abcdef';

const server = providerServer();
const sms = (to = '+254711082123') => message({ to, subject: undefined, text: 'Coko : votre reçu est prêt.' });

function answer(recipients: Record<string, unknown>[], text = 'Sent to 1/1 Total Cost: KES 0.8000') {
  return () => HttpResponse.json({ SMSMessageData: { Message: text, Recipients: recipients } }, { status: 201 });
}

function recipient(statusCode: number, status: string, messageId = 'None') {
  return { statusCode, number: '+254711082123', status, cost: statusCode === 101 ? 'KES 0.8000' : '0', messageId };
}

describe("Africa's Talking", () => {
  it('the sandbox app posts to the sandbox host with the apiKey header and a form body', async () => {
    let sent: { apiKey: string | null; accept: string | null; form: URLSearchParams } | undefined;
    server.use(
      http.post(SANDBOX, async ({ request }) => {
        sent = {
          apiKey: request.headers.get('apikey'),
          accept: request.headers.get('accept'),
          form: new URLSearchParams(await request.text()),
        };
        return answer([recipient(101, 'Success', 'ATXid_4c5e7b2f0a1d')])();
      }),
    );
    const at = africasTalkingSms({ username: 'sandbox', apiKey: API_KEY, fetch: viaMsw });
    expect(await at.send(sms())).toEqual({ providerMessageId: 'ATXid_4c5e7b2f0a1d' });
    expect(sent?.apiKey).toBe(API_KEY);
    expect(sent?.accept).toBe('application/json');
    expect(Object.fromEntries(sent?.form ?? [])).toEqual({
      username: 'sandbox',
      to: '+254711082123',
      message: 'Coko : votre reçu est prêt.',
    });
  });

  it('a live app posts to the live host with its sender id', async () => {
    let form: URLSearchParams | undefined;
    server.use(
      http.post(LIVE, async ({ request }) => {
        form = new URLSearchParams(await request.text());
        return answer([recipient(102, 'Queued', 'ATXid_q1')])();
      }),
    );
    const at = africasTalkingSms({ username: 'coko', apiKey: API_KEY, from: 'COKO', fetch: viaMsw });
    expect(await at.send(sms())).toEqual({ providerMessageId: 'ATXid_q1' });
    expect(form?.get('username')).toBe('coko');
    expect(form?.get('from')).toBe('COKO');
  });

  it('reads the per-recipient status: invalid or unsupported numbers, blacklist and DND are permanent', async () => {
    const at = africasTalkingSms({ username: 'sandbox', apiKey: API_KEY, fetch: viaMsw });
    const cases: [number, string, string][] = [
      [403, 'InvalidPhoneNumber', 'invalid_recipient'],
      [404, 'UnsupportedNumberType', 'invalid_recipient'],
      [406, 'UserInBlacklist', 'rejected'],
      [409, 'DoNotDisturbRejection', 'rejected'],
    ];
    for (const [code, status, reason] of cases) {
      server.use(http.post(SANDBOX, answer([recipient(code, status)], 'Sent to 0/1 Total Cost: 0')));
      await rejection(at.send(sms()), 'PermanentSendError', {
        reason,
        provider: 'africastalking',
        providerCode: String(code),
      });
    }
  });

  it('balance, sender id, risk hold and gateway statuses are transient (the operator fixes them; retries go through)', async () => {
    const at = africasTalkingSms({ username: 'sandbox', apiKey: API_KEY, fetch: viaMsw });
    const cases: [number, string][] = [
      [405, 'InsufficientBalance'],
      [402, 'InvalidSenderId'],
      [401, 'RiskHold'],
      [407, 'CouldNotRoute'],
      [500, 'InternalServerError'],
      [502, 'RejectedByGateway'],
    ];
    for (const [code, status] of cases) {
      server.use(http.post(SANDBOX, answer([recipient(code, status)], 'Sent to 0/1 Total Cost: 0')));
      await rejection(at.send(sms()), 'ChannelUnavailableError', { providerCode: String(code) });
    }
  });

  it('no recipient with InvalidPhoneNumber is permanent; HTTP errors in plain text follow the status', async () => {
    const at = africasTalkingSms({ username: 'sandbox', apiKey: API_KEY, fetch: viaMsw });
    server.use(http.post(SANDBOX, answer([], 'InvalidPhoneNumber')));
    await rejection(at.send(sms()), 'PermanentSendError', { reason: 'invalid_recipient' });
    server.use(http.post(SANDBOX, () => new HttpResponse('The supplied authentication is invalid', { status: 401 })));
    await rejection(at.send(sms()), 'ChannelUnavailableError', { status: 401 });
    server.use(
      http.post(SANDBOX, () => new HttpResponse("Request is missing required form field 'to'", { status: 400 })),
    );
    await rejection(at.send(sms()), 'PermanentSendError', { reason: 'rejected', status: 400 });
    server.use(http.post(SANDBOX, () => HttpResponse.error()));
    await rejection(at.send(sms()), 'ChannelUnavailableError');
  });

  it('refuses a number that is not E.164 without calling the API', async () => {
    const at = africasTalkingSms({ username: 'sandbox', apiKey: API_KEY, fetch: viaMsw });
    await rejection(at.send(sms('0711082123')), 'PermanentSendError', { reason: 'invalid_recipient' });
  });
});
