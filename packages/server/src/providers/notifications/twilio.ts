// Twilio Messages API (https://www.twilio.com/docs/messaging/api/message-resource#create-a-message-resource):
// POST `/2010-04-01/Accounts/{AccountSid}/Messages.json`, HTTP Basic (Account SID : Auth Token), form body
// `To`, `From` (or `MessagingServiceSid`), `Body`; 201 `{ sid, status, … }`; errors as
// `{ code, message, more_info, status }` with Twilio's numeric error codes.
import { assertE164 } from './e164.ts';
import { httpFailure, postToProvider } from './http.ts';
import { type OutgoingMessage, PermanentSendError, type SendResult, type SmsChannel } from './port.ts';

export const TWILIO_API_URL = 'https://api.twilio.com';

export interface TwilioOptions {
  accountSid: string;
  authToken: string;
  /** `TWILIO_FROM`: an E.164 number, an alphanumeric sender id, or a Messaging Service SID (`MG…`). */
  from: string;
  fetch: typeof fetch;
  apiUrl?: string;
}

/**
 * The number cannot receive SMS: 21211 invalid `To`, 21614 not a mobile number, 21612 not reachable by SMS
 * from this sender.
 */
const INVALID_RECIPIENT_CODES = new Set([21211, 21614, 21612]);
/** The recipient replied STOP to this sender (21610): Twilio refuses until they reply START. */
const REJECTED_CODES = new Set([21610]);
// Other codes follow the HTTP status: 21408 (region not enabled) or 21606 (bad `From`) are 400s the operator
// fixes in the console, but a 400 repeats until then, so they are permanent `rejected` like any other 4xx.

/**
 * SMS through Twilio. The number is checked as E.164 before any request (a malformed one costs nothing).
 * Twilio's Messages API takes no idempotency key: the pipeline's delivery row is what prevents a second send.
 */
export function twilioSms(options: TwilioOptions): SmsChannel {
  const url = `${options.apiUrl ?? TWILIO_API_URL}/2010-04-01/Accounts/${encodeURIComponent(options.accountSid)}/Messages.json`;
  const basic = btoa(`${options.accountSid}:${options.authToken}`);
  return {
    name: 'twilio',
    async send(m: OutgoingMessage): Promise<SendResult> {
      assertE164('twilio', m.to);
      const from = m.from ?? options.from;
      const form = new URLSearchParams({ To: m.to, Body: m.text });
      // A Messaging Service picks the sender per country (alphanumeric ids where numbers are not allowed).
      if (/^MG[0-9a-f]{32}$/i.test(from)) form.set('MessagingServiceSid', from);
      else form.set('From', from);
      const response = await postToProvider({
        provider: 'twilio',
        fetch: options.fetch,
        url,
        headers: {
          authorization: `Basic ${basic}`,
          'content-type': 'application/x-www-form-urlencoded',
        },
        body: form.toString(),
      });
      if (response.ok) {
        const sid = (response.json as { sid?: unknown } | undefined)?.sid;
        return { providerMessageId: typeof sid === 'string' ? sid : null };
      }
      const rawCode = (response.json as { code?: unknown } | undefined)?.code;
      const code = typeof rawCode === 'number' ? rawCode : Number(rawCode);
      const details = { provider: 'twilio', status: response.status, providerCode: String(rawCode ?? '') || undefined };
      if (INVALID_RECIPIENT_CODES.has(code)) {
        throw new PermanentSendError(
          'invalid_recipient',
          `twilio: the recipient cannot receive SMS (${code})`,
          details,
        );
      }
      if (REJECTED_CODES.has(code)) {
        throw new PermanentSendError('rejected', `twilio refused the recipient (${code})`, details);
      }
      throw httpFailure('twilio', response, details.providerCode);
    },
  };
}
