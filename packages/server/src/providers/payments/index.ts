export { fromDecimalString, minorUnits, toDecimalString } from '../../money/index.ts';
export {
  isPaymentProviderError,
  PaymentProviderError,
  ProviderAuthenticationError,
  ProviderRejectedError,
  ProviderResponseError,
  ProviderUnavailableError,
} from './errors.ts';
export { ORANGE_MONEY_SANDBOX_API_URL, orangeMoneyProvider } from './orange-money.ts';
export { PAYPAL_LIVE_API_URL, PAYPAL_SANDBOX_API_URL, paypalProvider } from './paypal.ts';
export {
  type CheckoutRequest,
  type CheckoutSession,
  isProviderName,
  isWebhookVerificationError,
  type PaymentProvider,
  type PaymentStatus,
  PROVIDER_NAMES,
  type ProviderEvent,
  type ProviderName,
  type StatusQuery,
  type WebhookInput,
  WebhookVerificationError,
} from './port.ts';
export {
  type PaymentProviders,
  type PaymentProvidersDeps,
  type ProviderState,
  paymentProvidersFromConfig,
  paymentsReadiness,
} from './registry.ts';
export { returnUrlFor } from './return-url.ts';
export {
  SANDBOX_SIGNATURE_HEADER,
  type SandboxEvent,
  SandboxEventSchema,
  sandboxCheckoutToken,
  sandboxEvent,
  sandboxProvider,
  signSandboxEvent,
  verifySandboxCheckoutToken,
} from './sandbox.ts';
export { SIGNATURE_TOLERANCE_SECONDS } from './signature.ts';
export { STRIPE_API_URL, stripeProvider } from './stripe.ts';
export { WAVE_API_URL, waveProvider } from './wave.ts';
