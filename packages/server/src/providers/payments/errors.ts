import type { ProviderName } from './port.ts';

export interface ProviderErrorDetails {
  /** The provider's HTTP status, when it answered. */
  httpStatus?: number;
  /** The provider's own error code (`invalid-phone-number`, `PERMISSION_DENIED`, `resource_missing` …). */
  providerCode?: string;
  cause?: unknown;
}

const ERROR_NAMES = [
  'ProviderUnavailableError',
  'ProviderAuthenticationError',
  'ProviderRejectedError',
  'ProviderResponseError',
] as const;

/** A provider call that failed; the subclass says how, so the route knows what to answer. */
export abstract class PaymentProviderError extends Error {
  abstract override readonly name: (typeof ERROR_NAMES)[number];
  readonly provider: ProviderName;
  readonly httpStatus: number | undefined;
  readonly providerCode: string | undefined;

  constructor(provider: ProviderName, message: string, details: ProviderErrorDetails = {}) {
    super(message, { cause: details.cause });
    this.provider = provider;
    this.httpStatus = details.httpStatus;
    this.providerCode = details.providerCode;
  }
}

/** Unreachable, timed out, 5xx or 429: try again later (→ 503 `SERVICE_UNAVAILABLE`). */
export class ProviderUnavailableError extends PaymentProviderError {
  override readonly name = 'ProviderUnavailableError';
}

/** The provider refused Coko's credentials (401/403): a deployment problem, not the reader's (→ 503). */
export class ProviderAuthenticationError extends PaymentProviderError {
  override readonly name = 'ProviderAuthenticationError';
}

/** The provider refused this payment (4xx: phone number, amount, currency …) (→ 422 `UNPROCESSABLE`). */
export class ProviderRejectedError extends PaymentProviderError {
  override readonly name = 'ProviderRejectedError';
}

/** The provider answered 2xx with a body Coko does not understand (→ 502/503). */
export class ProviderResponseError extends PaymentProviderError {
  override readonly name = 'ProviderResponseError';
}

/** True for any {@link PaymentProviderError}, even across duplicated copies of this module. */
export function isPaymentProviderError(error: unknown): error is PaymentProviderError {
  return error instanceof Error && (ERROR_NAMES as readonly string[]).includes(error.name) && 'provider' in error;
}
