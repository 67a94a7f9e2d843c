export { addressDomain, parseAddress } from './address.ts';
export {
  AFRICASTALKING_LIVE_API_URL,
  AFRICASTALKING_SANDBOX_API_URL,
  africasTalkingApiUrl,
  africasTalkingSms,
} from './africastalking.ts';
export { assertE164, isE164 } from './e164.ts';
export { FCM_API_URL, fcmPush } from './fcm.ts';
export { FCM_SCOPE, GOOGLE_TOKEN_URL, type ServiceAccount, serviceAccountAssertion } from './google-token.ts';
export { CHANNEL_TIMEOUT_MS } from './http.ts';
export {
  type LocalOutbox,
  type LocalOutboxEntry,
  localEmail,
  localPush,
  localSms,
  type MemoryOutbox,
  memoryOutbox,
} from './local.ts';
export {
  type ChannelKind,
  ChannelUnavailableError,
  type EmailChannel,
  isPermanentSendError,
  type OutgoingMessage,
  type PermanentReason,
  PermanentSendError,
  type PushChannel,
  type SendResult,
  type SmsChannel,
} from './port.ts';
export {
  type ChannelState,
  type NotificationChannels,
  type NotificationChannelsDeps,
  notificationChannelsFromConfig,
  notificationChannelsReadiness,
} from './registry.ts';
export { SENDGRID_API_URL, SENDGRID_IDEMPOTENCY_ARG, sendgridEmail } from './sendgrid.ts';
export { type SmtpOptions, smtpEmail } from './smtp.ts';
export { TWILIO_API_URL, twilioSms } from './twilio.ts';
