// SendGrid v3 Mail Send (https://www.twilio.com/docs/sendgrid/api-reference/mail-send/mail-send): bearer API
// key, JSON body, 202 with an empty body and the message id in `X-Message-Id`; errors as
// `{ errors: [{ message, field, help }] }`.
import { parseAddress } from './address.ts';
import { httpFailure, postToProvider } from './http.ts';
import { type EmailChannel, type OutgoingMessage, PermanentSendError, type SendResult } from './port.ts';

export const SENDGRID_API_URL = 'https://api.sendgrid.com';

export interface SendgridOptions {
  apiKey: string;
  /** `EMAIL_FROM` (`Coko <no-reply@coko.example>`), unless the message has its own. */
  from: string;
  fetch: typeof fetch;
  apiUrl?: string;
}

/** The custom argument that carries the delivery's idempotency key into SendGrid's event webhook. */
export const SENDGRID_IDEMPOTENCY_ARG = 'coko_idempotency_key';

function firstErrorField(json: unknown): string | undefined {
  const errors = (json as { errors?: { field?: unknown }[] } | undefined)?.errors;
  const field = Array.isArray(errors) ? errors[0]?.field : undefined;
  return typeof field === 'string' ? field : undefined;
}

/**
 * Email through SendGrid. SendGrid has no idempotency key: the delivery's key travels as a custom argument
 * (visible in the event webhook and the activity feed), and the pipeline's delivery row is what stops a
 * second send. A 400 about `personalizations…to` is the address itself (`invalid_recipient`).
 */
export function sendgridEmail(options: SendgridOptions): EmailChannel {
  const url = `${options.apiUrl ?? SENDGRID_API_URL}/v3/mail/send`;
  return {
    name: 'sendgrid',
    async send(m: OutgoingMessage): Promise<SendResult> {
      const headers: Record<string, string> = {};
      if (m.unsubscribeUrl) {
        // RFC 2369 + RFC 8058: mail clients show an unsubscribe button that POSTs to the link, no page needed.
        headers['List-Unsubscribe'] = `<${m.unsubscribeUrl}>`;
        headers['List-Unsubscribe-Post'] = 'List-Unsubscribe=One-Click';
      }
      const content = [{ type: 'text/plain', value: m.text }];
      if (m.html) content.push({ type: 'text/html', value: m.html });
      const body = {
        personalizations: [{ to: [{ email: m.to }] }],
        from: parseAddress(m.from ?? options.from),
        subject: m.subject ?? '',
        content,
        ...(Object.keys(headers).length > 0 ? { headers } : {}),
        custom_args: { [SENDGRID_IDEMPOTENCY_ARG]: m.idempotencyKey },
      };
      const response = await postToProvider({
        provider: 'sendgrid',
        fetch: options.fetch,
        url,
        headers: { authorization: `Bearer ${options.apiKey}` },
        body,
      });
      if (response.ok) return { providerMessageId: response.headers.get('x-message-id') };
      const field = firstErrorField(response.json);
      if (response.status === 400 && field !== undefined && /^personalizations\.\d+\.to/.test(field)) {
        throw new PermanentSendError('invalid_recipient', `sendgrid refused the recipient (${field})`, {
          provider: 'sendgrid',
          status: 400,
          providerCode: field,
        });
      }
      throw httpFailure('sendgrid', response, field);
    },
  };
}
