// The notification channel ports (docs/CONTRACT-engagement.md §4). The HTTP adapters use only Web-standard
// fetch and crypto.subtle, so they run unchanged on Node and on Deno (Supabase Edge Functions); SMTP loads
// nodemailer lazily, on its first send, so importing this module never pulls a Node-only library.

export interface OutgoingMessage {
  /** An email address, a device token (push) or an E.164 phone number (SMS). */
  to: string;
  subject?: string;
  text: string;
  html?: string;
  /** Push payload (FCM `data`: strings only); SendGrid and SMTP ignore it. */
  data?: Record<string, string>;
  /** One per (notification, channel): the delivery row's id. Sent to the provider so a retry is traceable. */
  idempotencyKey: string;
  /** The one-click unsubscribe link of an email (`List-Unsubscribe`). */
  unsubscribeUrl?: string;
  /** Overrides `EMAIL_FROM` / `TWILIO_FROM` / `AFRICASTALKING_FROM` for this message. */
  from?: string;
}

export interface SendResult {
  /** The provider's id of the message (SendGrid `X-Message-Id`, FCM `name`, Twilio `sid` …), when it gives one. */
  providerMessageId: string | null;
}

export type PermanentReason = 'invalid_recipient' | 'unregistered' | 'rejected';

const PERMANENT_NAME = 'PermanentSendError';
const UNAVAILABLE_NAME = 'ChannelUnavailableError';

export interface SendErrorDetails {
  /** The adapter that failed (`sendgrid`, `fcm` …). */
  provider?: string;
  /** The provider's HTTP status or SMTP reply code. */
  status?: number;
  /** The provider's own error code (`21211`, `UNREGISTERED`, `403` …). */
  providerCode?: string;
  cause?: unknown;
}

/**
 * Sending again will never work: a malformed or unknown recipient, a device token FCM no longer knows
 * (`unregistered`: prune it), a message the provider refuses. The delivery is marked failed, not retried.
 */
export class PermanentSendError extends Error {
  override readonly name = PERMANENT_NAME;
  readonly reason: PermanentReason;
  readonly provider: string | undefined;
  readonly status: number | undefined;
  readonly providerCode: string | undefined;

  constructor(reason: PermanentReason, message: string, details: SendErrorDetails = {}) {
    super(message, { cause: details.cause });
    this.reason = reason;
    this.provider = details.provider;
    this.status = details.status;
    this.providerCode = details.providerCode;
  }
}

/**
 * A failure worth retrying (unreachable, timeout, 429, 5xx, refused credentials the operator can fix). The
 * contract treats anything but {@link PermanentSendError} as transient; this class only names the provider
 * and status for the logs.
 */
export class ChannelUnavailableError extends Error {
  override readonly name = UNAVAILABLE_NAME;
  readonly provider: string;
  readonly status: number | undefined;
  readonly providerCode: string | undefined;

  constructor(provider: string, message: string, details: SendErrorDetails = {}) {
    super(message, { cause: details.cause });
    this.provider = provider;
    this.status = details.status;
    this.providerCode = details.providerCode;
  }
}

/** True for a {@link PermanentSendError}, even across duplicated copies of this module. */
export function isPermanentSendError(error: unknown): error is PermanentSendError {
  return error instanceof Error && error.name === PERMANENT_NAME && 'reason' in error;
}

export interface EmailChannel {
  readonly name: 'sendgrid' | 'smtp' | 'local';
  send(m: OutgoingMessage): Promise<SendResult>;
}

/** `to` is a device token; a {@link PermanentSendError} with reason `unregistered` means: prune the token. */
export interface PushChannel {
  readonly name: 'fcm' | 'local';
  send(m: OutgoingMessage): Promise<SendResult>;
}

/** `to` is an E.164 number (`+221771234567`). */
export interface SmsChannel {
  readonly name: 'twilio' | 'africastalking' | 'local';
  send(m: OutgoingMessage): Promise<SendResult>;
}

export type ChannelKind = 'email' | 'push' | 'sms';
