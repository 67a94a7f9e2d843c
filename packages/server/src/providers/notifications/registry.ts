import type { NotificationsConfig } from '../../config/notifications.ts';
import type { CheckResult } from '../../db/checks.ts';
import { africasTalkingSms } from './africastalking.ts';
import { fcmPush } from './fcm.ts';
import { type LocalOutbox, localEmail, localPush, localSms, memoryOutbox } from './local.ts';
import type { ChannelKind, EmailChannel, PushChannel, SmsChannel } from './port.ts';
import { sendgridEmail } from './sendgrid.ts';
import { smtpEmail } from './smtp.ts';
import { twilioSms } from './twilio.ts';

/** `on: <adapter>` or `off: <why>` (never a secret's value). */
export type ChannelState = `on: ${string}` | `off: ${string}`;

export interface NotificationChannels {
  /** null when the channel is off: the pipeline marks its deliveries `skipped`. */
  email: EmailChannel | null;
  push: PushChannel | null;
  sms: SmsChannel | null;
  /** Each channel's state for `/ready`: `{ email: 'on: sendgrid', push: 'off: FCM_SERVICE_ACCOUNT not set', … }`. */
  status(): Record<ChannelKind, ChannelState>;
}

export interface NotificationChannelsDeps {
  fetch?: typeof fetch;
  /** Where the `local` adapters write (default: an in-memory outbox, lost on restart). */
  local?: LocalOutbox;
  /** Clock for the FCM token's expiry (default `new Date()`). */
  now?: () => Date;
}

type Built<C> = { channel: C; state: ChannelState } | { channel: null; state: ChannelState };

function off<C>(why: string): Built<C> {
  return { channel: null, state: `off: ${why}` };
}

/** The variables of `required` that are unset, as an off state; else the channel built from them. */
function whenSet<C, const Names extends string>(
  required: Record<Names, string | undefined>,
  build: (values: Record<Names, string>) => C,
  label: string,
): Built<C> {
  const missing = Object.entries(required)
    .filter(([, value]) => value === undefined)
    .map(([name]) => name);
  if (missing.length > 0) return off(`${missing.join(', ')} not set`);
  return { channel: build(required as Record<Names, string>), state: `on: ${label}` };
}

/**
 * The notification channels of this deployment. A channel whose credentials are missing is null and
 * `status()` says why; nothing throws (the in-app inbox works without any channel).
 *
 * @example
 * ```ts
 * const channels = notificationChannelsFromConfig(loadConfig(process.env), {})
 * await channels.email?.send({ to: 'awa@example.sn', subject: 'Bienvenue', text: '…', idempotencyKey: deliveryId })
 * channels.status() // { email: 'on: sendgrid', push: 'off: FCM_SERVICE_ACCOUNT not set', sms: 'on: africastalking (sandbox)' }
 * ```
 */
export function notificationChannelsFromConfig(
  config: { notifications: NotificationsConfig },
  deps: NotificationChannelsDeps = {},
): NotificationChannels {
  const fetcher = deps.fetch ?? ((input, init) => fetch(input, init));
  const now = deps.now ?? (() => new Date());
  const { email, push, sms } = config.notifications;
  let outbox = deps.local;
  const local = () => {
    outbox ??= memoryOutbox(now);
    return outbox;
  };
  const localLabel = deps.local ? 'local' : 'local (in memory)';

  const builtEmail: Built<EmailChannel> = (() => {
    switch (email.provider) {
      case 'local':
        return { channel: localEmail(local()), state: `on: ${localLabel}` };
      case 'sendgrid':
        return whenSet(
          { SENDGRID_API_KEY: email.sendgridApiKey, EMAIL_FROM: email.from },
          (v) => sendgridEmail({ apiKey: v.SENDGRID_API_KEY, from: v.EMAIL_FROM, fetch: fetcher }),
          'sendgrid',
        );
      case 'smtp':
        return whenSet(
          { SMTP_URL: email.smtpUrl, EMAIL_FROM: email.from },
          (v) => smtpEmail({ url: v.SMTP_URL, from: v.EMAIL_FROM }),
          'smtp',
        );
      default:
        return off('set EMAIL_PROVIDER (sendgrid or smtp) and its credentials');
    }
  })();

  const builtPush: Built<PushChannel> = (() => {
    switch (push.provider) {
      case 'local':
        return { channel: localPush(local()), state: `on: ${localLabel}` };
      case 'fcm':
        return push.serviceAccount
          ? {
              channel: fcmPush({ account: push.serviceAccount, fetch: fetcher, now }),
              state: `on: fcm (${push.serviceAccount.project_id})`,
            }
          : off('FCM_SERVICE_ACCOUNT not set');
      default:
        return off('FCM_SERVICE_ACCOUNT not set');
    }
  })();

  const builtSms: Built<SmsChannel> = (() => {
    switch (sms.provider) {
      case 'local':
        return { channel: localSms(local()), state: `on: ${localLabel}` };
      case 'twilio':
        return whenSet(
          {
            TWILIO_ACCOUNT_SID: sms.twilio.accountSid,
            TWILIO_AUTH_TOKEN: sms.twilio.authToken,
            TWILIO_FROM: sms.twilio.from,
          },
          (v) =>
            twilioSms({
              accountSid: v.TWILIO_ACCOUNT_SID,
              authToken: v.TWILIO_AUTH_TOKEN,
              from: v.TWILIO_FROM,
              fetch: fetcher,
            }),
          'twilio',
        );
      case 'africastalking': {
        const { username, apiKey, from } = sms.africasTalking;
        return whenSet(
          { AFRICASTALKING_USERNAME: username, AFRICASTALKING_API_KEY: apiKey },
          (v) =>
            africasTalkingSms({
              username: v.AFRICASTALKING_USERNAME,
              apiKey: v.AFRICASTALKING_API_KEY,
              from,
              fetch: fetcher,
            }),
          username === 'sandbox' ? 'africastalking (sandbox)' : 'africastalking',
        );
      }
      default:
        return off('set SMS_PROVIDER (twilio or africastalking) and its credentials');
    }
  })();

  return {
    email: builtEmail.channel,
    push: builtPush.channel,
    sms: builtSms.channel,
    status: () => ({ email: builtEmail.state, push: builtPush.state, sms: builtSms.state }),
  };
}

/**
 * A `/ready` check listing each channel's state. A channel that is off never makes the API unready: the
 * in-app inbox and the other channels still work.
 */
export function notificationChannelsReadiness(channels: NotificationChannels): () => Promise<CheckResult> {
  return async () => {
    const states = channels.status();
    const anyOn = Object.values(states).some((state) => state.startsWith('on'));
    return anyOn
      ? { status: 'ok', channels: states }
      : { status: 'skipped', reason: 'no notification channel is configured', channels: states };
  };
}
