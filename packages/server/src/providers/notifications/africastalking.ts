// Africa's Talking SMS (https://developers.africastalking.com/docs/sms/sending/bulk): POST
// `/version1/messaging`, header `apiKey`, form body `username`, `to`, `message`, `from`; 201
// `{ SMSMessageData: { Message, Recipients: [{ statusCode, number, status, cost, messageId }] } }` with a
// status per recipient. The sandbox app (username `sandbox`) has its own host and reaches the simulator only.
import { assertE164 } from './e164.ts';
import { httpFailure, postToProvider } from './http.ts';
import {
  ChannelUnavailableError,
  type OutgoingMessage,
  PermanentSendError,
  type SendResult,
  type SmsChannel,
} from './port.ts';

export const AFRICASTALKING_LIVE_API_URL = 'https://api.africastalking.com';
export const AFRICASTALKING_SANDBOX_API_URL = 'https://api.sandbox.africastalking.com';

export interface AfricasTalkingOptions {
  /** `AFRICASTALKING_USERNAME`: the app's username; `sandbox` selects the sandbox API. */
  username: string;
  apiKey: string;
  /** `AFRICASTALKING_FROM`: a registered short code or alphanumeric sender id; unset = the account default. */
  from?: string;
  fetch: typeof fetch;
  apiUrl?: string;
}

/** 100 Processed, 101 Sent, 102 Queued. */
const ACCEPTED = new Set([100, 101, 102]);
/** 403 InvalidPhoneNumber, 404 UnsupportedNumberType. */
const INVALID_RECIPIENT = new Set([403, 404]);
/** 406 UserInBlacklist (the reader opted out with the operator), 409 DoNotDisturbRejection. */
const REJECTED = new Set([406, 409]);
// Everything else is transient: 401 RiskHold, 402 InvalidSenderId, 405 InsufficientBalance (the operator tops
// up or fixes the sender id, then the retries go through), 407 CouldNotRoute, 500/501/502 gateway errors.

const Recipient = (value: unknown) => {
  const r = value as { statusCode?: unknown; status?: unknown; messageId?: unknown } | undefined;
  return {
    statusCode: Number(r?.statusCode),
    status: typeof r?.status === 'string' ? r.status : 'unknown',
    messageId: typeof r?.messageId === 'string' && r.messageId !== 'None' ? r.messageId : null,
  };
};

/** The API host for a username: the sandbox app answers only on the sandbox host. */
export function africasTalkingApiUrl(username: string): string {
  return username === 'sandbox' ? AFRICASTALKING_SANDBOX_API_URL : AFRICASTALKING_LIVE_API_URL;
}

/** SMS through Africa's Talking, one recipient per request, read by its per-recipient status code. */
export function africasTalkingSms(options: AfricasTalkingOptions): SmsChannel {
  const url = `${options.apiUrl ?? africasTalkingApiUrl(options.username)}/version1/messaging`;
  return {
    name: 'africastalking',
    async send(m: OutgoingMessage): Promise<SendResult> {
      assertE164('africastalking', m.to);
      const form = new URLSearchParams({ username: options.username, to: m.to, message: m.text });
      const from = m.from ?? options.from;
      if (from) form.set('from', from);
      const response = await postToProvider({
        provider: 'africastalking',
        fetch: options.fetch,
        url,
        headers: { apiKey: options.apiKey, 'content-type': 'application/x-www-form-urlencoded' },
        body: form.toString(),
      });
      if (!response.ok) throw httpFailure('africastalking', response);
      const data = (response.json as { SMSMessageData?: { Message?: unknown; Recipients?: unknown } } | undefined)
        ?.SMSMessageData;
      const recipients = Array.isArray(data?.Recipients) ? data.Recipients.map(Recipient) : [];
      const recipient = recipients[0];
      if (!recipient) {
        // No recipient at all: Africa's Talking found no valid number in `to` (`Message: 'InvalidPhoneNumber'`).
        const message = typeof data?.Message === 'string' ? data.Message : '';
        if (/invalid/i.test(message)) {
          throw new PermanentSendError('invalid_recipient', `africastalking: ${message}`, {
            provider: 'africastalking',
            status: response.status,
            providerCode: message,
          });
        }
        throw new ChannelUnavailableError('africastalking', 'africastalking answered without a recipient status', {
          status: response.status,
        });
      }
      const details = {
        provider: 'africastalking',
        status: response.status,
        providerCode: String(recipient.statusCode),
      };
      if (ACCEPTED.has(recipient.statusCode)) return { providerMessageId: recipient.messageId };
      if (INVALID_RECIPIENT.has(recipient.statusCode)) {
        throw new PermanentSendError('invalid_recipient', `africastalking: ${recipient.status}`, details);
      }
      if (REJECTED.has(recipient.statusCode)) {
        throw new PermanentSendError('rejected', `africastalking: ${recipient.status}`, details);
      }
      throw new ChannelUnavailableError('africastalking', `africastalking: ${recipient.status}`, details);
    },
  };
}
