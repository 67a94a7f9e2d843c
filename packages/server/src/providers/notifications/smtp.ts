// SMTP for self-hosting (nodemailer, https://nodemailer.com/smtp/), configured by one URL:
// `smtp://user:pass@host:587` (STARTTLS when offered) or `smtps://user:pass@host:465` (implicit TLS).
// nodemailer is imported on the first send: the rest of this folder stays Web-standard for Deno.
import type { Transporter } from 'nodemailer';
import { addressDomain } from './address.ts';
import { ChannelUnavailableError, type EmailChannel, type OutgoingMessage, PermanentSendError } from './port.ts';

export interface SmtpOptions {
  /** `SMTP_URL`. */
  url: string;
  /** `EMAIL_FROM`, unless the message has its own. */
  from: string;
}

interface SmtpFailure {
  code?: string;
  command?: string;
  responseCode?: number;
  rejected?: unknown[];
}

/**
 * A 5xx reply is permanent (RFC 5321 §4.2.1): on `RCPT TO` (550 no such user, 553 bad address) it is the
 * recipient, elsewhere the message; 4xx replies and connection failures are transient, and so are refused
 * credentials (535 on AUTH: the operator fixes `SMTP_URL`, then the retries go through).
 */
function mapFailure(error: unknown): Error {
  const failure = (typeof error === 'object' && error !== null ? error : {}) as SmtpFailure;
  const status = failure.responseCode;
  const details = { provider: 'smtp', status, providerCode: failure.code, cause: error };
  const recipient = failure.command?.toUpperCase().startsWith('RCPT') || failure.code === 'EENVELOPE';
  if (failure.code !== 'EAUTH' && status !== undefined && status >= 500 && status < 600) {
    return recipient
      ? new PermanentSendError('invalid_recipient', `smtp: the server refused the recipient (${status})`, details)
      : new PermanentSendError('rejected', `smtp: the server refused the message (${status})`, details);
  }
  return new ChannelUnavailableError(
    'smtp',
    `smtp: ${status ?? failure.code ?? 'the server could not be reached'}`,
    details,
  );
}

/**
 * Email through an SMTP server. The delivery's idempotency key becomes the `Message-ID`
 * (`<key@from-domain>`): a message sent twice after a lost reply carries the same id, which receiving servers
 * and mail clients use to drop duplicates.
 */
export function smtpEmail(options: SmtpOptions): EmailChannel & { close(): Promise<void> } {
  let transport: Promise<Transporter> | undefined;

  function transporter(): Promise<Transporter> {
    transport ??= import('nodemailer').then((nodemailer) =>
      nodemailer.createTransport(
        // nodemailer's defaults wait minutes on a silent server; a job has better things to do (it retries).
        { url: options.url, connectionTimeout: 10_000, greetingTimeout: 10_000, socketTimeout: 30_000 },
        // Message bodies are Coko's templates: never let one read a file or fetch a URL as an attachment.
        { disableFileAccess: true, disableUrlAccess: true },
      ),
    );
    return transport;
  }

  return {
    name: 'smtp',
    async send(m: OutgoingMessage) {
      const from = m.from ?? options.from;
      const headers: Record<string, string> = {};
      if (m.unsubscribeUrl) headers['List-Unsubscribe-Post'] = 'List-Unsubscribe=One-Click';
      try {
        const info = await (await transporter()).sendMail({
          from,
          to: m.to,
          subject: m.subject ?? '',
          text: m.text,
          html: m.html,
          messageId: `<${m.idempotencyKey}@${addressDomain(from)}>`,
          list: m.unsubscribeUrl ? { unsubscribe: m.unsubscribeUrl } : undefined,
          headers,
        });
        if (Array.isArray(info.rejected) && info.rejected.length > 0) {
          throw new PermanentSendError('invalid_recipient', 'smtp: the server refused the recipient', {
            provider: 'smtp',
          });
        }
        return { providerMessageId: typeof info.messageId === 'string' ? info.messageId : null };
      } catch (error) {
        if (error instanceof PermanentSendError) throw error;
        throw mapFailure(error);
      }
    },
    async close() {
      if (transport) (await transport).close();
    },
  };
}
