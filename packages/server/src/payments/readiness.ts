import type { ReadinessCheck } from '../routes/health.ts';
import type { PaymentProviders } from '../providers/payments/index.ts';

/**
 * `/ready`'s `payments` check: each provider's state (`on`, or `off: <why>`). A provider that is off is a
 * configuration choice, not an outage, so the check stays `ok`; checkout answers 422 PROVIDER_UNAVAILABLE for it.
 */
export function paymentsCheck(providers: PaymentProviders): ReadinessCheck {
  return async () => ({ status: 'ok', providers: providers.status() });
}
