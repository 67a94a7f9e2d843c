import { loadConfig } from '../config/load.ts';
import { type PaymentProviders, paymentProvidersFromConfig } from '../providers/payments/index.ts';

let cached: PaymentProviders | undefined;

/**
 * The payment providers of this process, from its environment (the worker reads the same variables as the API),
 * built on first use so that a worker that never sees a payment job never needs them.
 */
export function defaultPaymentProviders(): PaymentProviders {
  cached ??= paymentProvidersFromConfig(loadConfig(process.env), {});
  return cached;
}
