import type { PaymentsConfig } from '../../config/payments.ts';
import type { CheckResult } from '../../db/checks.ts';
import { orangeMoneyProvider } from './orange-money.ts';
import { paypalProvider } from './paypal.ts';
import { isProviderName, type PaymentProvider, PROVIDER_NAMES, type ProviderName } from './port.ts';
import { sandboxProvider } from './sandbox.ts';
import { stripeProvider } from './stripe.ts';
import { waveProvider } from './wave.ts';

export type ProviderState = 'on' | `off: ${string}`;

export interface PaymentProviders {
  /** The provider when it is on; undefined when it is off or unknown. */
  get(name: string): PaymentProvider | undefined;
  /** Each provider, on or off with the reason (for `/ready`). Never names a secret's value. */
  status(): Record<ProviderName, ProviderState>;
}

export interface PaymentProvidersDeps {
  fetch?: typeof fetch;
  /** Clock for OAuth token expiry (default `new Date()`). */
  now?: () => Date;
}

type Built = { provider: PaymentProvider } | { off: string };

/** The variables of `required` that are unset, or the provider built from them. */
function whenSet<const Names extends string>(
  required: Record<Names, string | undefined>,
  build: (values: Record<Names, string>) => PaymentProvider,
): Built {
  const missing = Object.entries(required)
    .filter(([, value]) => value === undefined)
    .map(([name]) => name);
  if (missing.length > 0) return { off: `${missing.join(', ')} not set` };
  return { provider: build(required as Record<Names, string>) };
}

/**
 * The payment providers of this deployment. A provider whose credentials are missing is off: `get` returns
 * undefined (checkout answers 422 `PROVIDER_UNAVAILABLE`) and `status()` says why; nothing throws.
 *
 * @example
 * ```ts
 * const providers = paymentProvidersFromConfig(loadConfig(process.env), {})
 * providers.get('wave')?.createCheckout(request)
 * providers.status() // { sandbox: 'on', wave: 'off: WAVE_API_KEY, WAVE_WEBHOOK_SECRET not set', … }
 * ```
 */
export function paymentProvidersFromConfig(
  config: { payments: PaymentsConfig },
  deps: PaymentProvidersDeps = {},
): PaymentProviders {
  const fetcher = deps.fetch ?? ((input, init) => fetch(input, init));
  const now = deps.now ?? (() => new Date());
  const { sandbox, wave, orangeMoney, stripe, paypal } = config.payments;

  const built: Record<ProviderName, Built> = {
    sandbox: sandbox.enabled
      ? { provider: sandboxProvider({ secret: sandbox.webhookSecret }) }
      : { off: 'PAYMENTS_SANDBOX is off' },
    wave: whenSet({ WAVE_API_KEY: wave.apiKey, WAVE_WEBHOOK_SECRET: wave.webhookSecret }, (v) =>
      waveProvider({ apiKey: v.WAVE_API_KEY, webhookSecret: v.WAVE_WEBHOOK_SECRET, fetch: fetcher }),
    ),
    orange_money: whenSet(
      {
        ORANGE_MONEY_CLIENT_ID: orangeMoney.clientId,
        ORANGE_MONEY_CLIENT_SECRET: orangeMoney.clientSecret,
        ORANGE_MONEY_MERCHANT_KEY: orangeMoney.merchantKey,
        ORANGE_MONEY_API_URL: orangeMoney.apiUrl,
      },
      (v) =>
        orangeMoneyProvider({
          clientId: v.ORANGE_MONEY_CLIENT_ID,
          clientSecret: v.ORANGE_MONEY_CLIENT_SECRET,
          merchantKey: v.ORANGE_MONEY_MERCHANT_KEY,
          apiUrl: v.ORANGE_MONEY_API_URL,
          fetch: fetcher,
          now,
        }),
    ),
    stripe: whenSet({ STRIPE_SECRET_KEY: stripe.secretKey, STRIPE_WEBHOOK_SECRET: stripe.webhookSecret }, (v) =>
      stripeProvider({ secretKey: v.STRIPE_SECRET_KEY, webhookSecret: v.STRIPE_WEBHOOK_SECRET, fetch: fetcher }),
    ),
    paypal: whenSet(
      {
        PAYPAL_CLIENT_ID: paypal.clientId,
        PAYPAL_CLIENT_SECRET: paypal.clientSecret,
        PAYPAL_WEBHOOK_ID: paypal.webhookId,
      },
      (v) =>
        paypalProvider({
          clientId: v.PAYPAL_CLIENT_ID,
          clientSecret: v.PAYPAL_CLIENT_SECRET,
          webhookId: v.PAYPAL_WEBHOOK_ID,
          apiUrl: paypal.apiUrl,
          fetch: fetcher,
          now,
        }),
    ),
  };

  return {
    get(name) {
      const entry = isProviderName(name) ? built[name] : undefined;
      return entry && 'provider' in entry ? entry.provider : undefined;
    },
    status() {
      const states = {} as Record<ProviderName, ProviderState>;
      for (const name of PROVIDER_NAMES) {
        const entry = built[name];
        states[name] = 'provider' in entry ? 'on' : `off: ${entry.off}`;
      }
      return states;
    },
  };
}

/**
 * A `/ready` check listing each provider's state. A provider that is off never makes the API unready:
 * the other providers still take payments.
 */
export function paymentsReadiness(providers: PaymentProviders): () => Promise<CheckResult> {
  return async () => {
    const states = providers.status();
    const anyOn = Object.values(states).includes('on');
    return anyOn
      ? { status: 'ok', providers: states }
      : { status: 'skipped', reason: 'no payment provider is configured', providers: states };
  };
}
