// Payment provider variables. A provider whose credentials are missing is simply off (the registry says
// why in /ready); only malformed values are configuration errors.
import { z } from 'zod';
import { ORANGE_MONEY_SANDBOX_API_URL } from '../providers/payments/orange-money.ts';
import { PAYPAL_LIVE_API_URL, PAYPAL_SANDBOX_API_URL } from '../providers/payments/paypal.ts';
import { httpUrl } from './rules.ts';
import type { RuntimeEnv } from './schema.ts';

/** Outside production without a JWT secret: the sandbox's webhooks are signed with this well-known value. */
const DEVELOPMENT_SANDBOX_SECRET = 'coko-development-sandbox-webhook-secret';

/** The providers' settings, as the registry (`providers/payments/registry.ts`) reads them. */
export interface PaymentsConfig {
  sandbox: {
    /** `PAYMENTS_SANDBOX`: on | off (default on, off in production: its page approves without money). */
    enabled: boolean;
    /** `SANDBOX_WEBHOOK_SECRET` (default derived from `COKO_JWT_SECRET`, so every process agrees). */
    webhookSecret: string;
  };
  wave: { apiKey: string | undefined; webhookSecret: string | undefined };
  orangeMoney: {
    clientId: string | undefined;
    clientSecret: string | undefined;
    merchantKey: string | undefined;
    /** `ORANGE_MONEY_API_URL`: `…/orange-money-webpay/{country}/v1` (default the dev sandbox, none in production). */
    apiUrl: string | undefined;
  };
  stripe: { secretKey: string | undefined; webhookSecret: string | undefined };
  paypal: {
    clientId: string | undefined;
    clientSecret: string | undefined;
    webhookId: string | undefined;
    /** `PAYPAL_API_URL` (default the sandbox, the live API in production). */
    apiUrl: string;
  };
}

function onOff() {
  return z
    .string()
    .optional()
    .transform((raw, ctx) => {
      if (raw === undefined) return undefined;
      const value = raw.toLowerCase();
      if (['on', 'true', '1'].includes(value)) return true;
      if (['off', 'false', '0'].includes(value)) return false;
      ctx.addIssue({ code: 'custom', message: 'must be on or off' });
      return z.NEVER;
    });
}

/** An optional secret with a documented prefix (`sk_`, `whsec_` …): a swapped variable is caught at startup. */
function prefixed(...prefixes: string[]) {
  return z
    .string()
    .optional()
    .refine((raw) => raw === undefined || prefixes.some((prefix) => raw.startsWith(prefix)), {
      message: `must start with ${prefixes.join(' or ')}`,
    });
}

/** The payment variables of {@link envSchema}. */
export const paymentVariables = {
  PAYMENTS_SANDBOX: onOff(),
  SANDBOX_WEBHOOK_SECRET: z.string().min(32, 'must be at least 32 characters').optional(),
  WAVE_API_KEY: z.string().optional(),
  WAVE_WEBHOOK_SECRET: z.string().optional(),
  ORANGE_MONEY_CLIENT_ID: z.string().optional(),
  ORANGE_MONEY_CLIENT_SECRET: z.string().optional(),
  ORANGE_MONEY_MERCHANT_KEY: z.string().optional(),
  ORANGE_MONEY_API_URL: httpUrl(false),
  STRIPE_SECRET_KEY: prefixed('sk_', 'rk_'),
  STRIPE_WEBHOOK_SECRET: prefixed('whsec_'),
  PAYPAL_CLIENT_ID: z.string().optional(),
  PAYPAL_CLIENT_SECRET: z.string().optional(),
  PAYPAL_WEBHOOK_ID: z.string().optional(),
  PAYPAL_API_URL: httpUrl(false),
};

type PaymentVariables = z.output<z.ZodObject<typeof paymentVariables>>;

/** {@link PaymentsConfig} from the parsed variables. */
export function paymentsConfig(v: PaymentVariables, env: RuntimeEnv, jwtSecret: string | undefined): PaymentsConfig {
  const production = env === 'production';
  return {
    sandbox: {
      enabled: v.PAYMENTS_SANDBOX ?? !production,
      // A distinct key from the JWT secret's own uses (HMAC keys that differ give independent MACs).
      webhookSecret:
        v.SANDBOX_WEBHOOK_SECRET ?? (jwtSecret ? `coko-sandbox-webhook:${jwtSecret}` : DEVELOPMENT_SANDBOX_SECRET),
    },
    wave: { apiKey: v.WAVE_API_KEY, webhookSecret: v.WAVE_WEBHOOK_SECRET },
    orangeMoney: {
      clientId: v.ORANGE_MONEY_CLIENT_ID,
      clientSecret: v.ORANGE_MONEY_CLIENT_SECRET,
      merchantKey: v.ORANGE_MONEY_MERCHANT_KEY,
      apiUrl: v.ORANGE_MONEY_API_URL ?? (production ? undefined : ORANGE_MONEY_SANDBOX_API_URL),
    },
    stripe: { secretKey: v.STRIPE_SECRET_KEY, webhookSecret: v.STRIPE_WEBHOOK_SECRET },
    paypal: {
      clientId: v.PAYPAL_CLIENT_ID,
      clientSecret: v.PAYPAL_CLIENT_SECRET,
      webhookId: v.PAYPAL_WEBHOOK_ID,
      apiUrl: v.PAYPAL_API_URL ?? (production ? PAYPAL_LIVE_API_URL : PAYPAL_SANDBOX_API_URL),
    },
  };
}
