// Notification channel variables (docs/CONTRACT-engagement.md §4). A channel whose credentials are missing is
// off (the registry says why in /ready); only malformed values are configuration errors.
import { z } from 'zod';
import type { ServiceAccount } from '../providers/notifications/google-token.ts';
import type { RuntimeEnv } from './schema.ts';

export const EMAIL_PROVIDERS = ['sendgrid', 'smtp', 'local'] as const;
export const PUSH_PROVIDERS = ['fcm', 'local'] as const;
export const SMS_PROVIDERS = ['twilio', 'africastalking', 'local'] as const;

/** The channels' settings, as the registry (`providers/notifications/registry.ts`) reads them. */
export interface NotificationsConfig {
  email: {
    /** `EMAIL_PROVIDER` (default `local` outside production; in production the one whose credentials are set). */
    provider: (typeof EMAIL_PROVIDERS)[number] | undefined;
    sendgridApiKey: string | undefined;
    /** `SMTP_URL`: `smtp://user:pass@host:587` or `smtps://…:465`. */
    smtpUrl: string | undefined;
    /** `EMAIL_FROM`: `Name <address>` or an address. */
    from: string | undefined;
  };
  push: {
    /** `PUSH_PROVIDER` (default `local` outside production; in production `fcm` when its account is set). */
    provider: (typeof PUSH_PROVIDERS)[number] | undefined;
    /** `FCM_SERVICE_ACCOUNT`: the service account key file's JSON. */
    serviceAccount: ServiceAccount | undefined;
  };
  sms: {
    /** `SMS_PROVIDER` (default `local` outside production; in production the one whose credentials are set). */
    provider: (typeof SMS_PROVIDERS)[number] | undefined;
    twilio: { accountSid: string | undefined; authToken: string | undefined; from: string | undefined };
    africasTalking: { username: string | undefined; apiKey: string | undefined; from: string | undefined };
  };
}

function oneOf<const T extends readonly string[]>(values: T) {
  return z
    .string()
    .optional()
    .transform((raw, ctx) => {
      if (raw === undefined) return undefined;
      const value = raw.toLowerCase();
      if ((values as readonly string[]).includes(value)) return value as T[number];
      ctx.addIssue({ code: 'custom', message: `must be one of ${values.join(', ')}` });
      return z.NEVER;
    });
}

function smtpUrl() {
  return z
    .string()
    .optional()
    .refine(
      (raw) => {
        if (raw === undefined) return true;
        try {
          return ['smtp:', 'smtps:'].includes(new URL(raw).protocol);
        } catch {
          return false;
        }
      },
      { message: 'must be an smtp:// or smtps:// URL' },
    );
}

const ServiceAccountJson = z.object({
  project_id: z.string().min(1),
  client_email: z.string().min(1),
  private_key: z.string().includes('PRIVATE KEY'),
  private_key_id: z.string().optional(),
  token_uri: z.url().optional(),
});

/** The key file's JSON; errors name the missing fields, never a value. */
function serviceAccount() {
  return z
    .string()
    .optional()
    .transform((raw, ctx): ServiceAccount | undefined => {
      if (raw === undefined) return undefined;
      let json: unknown;
      try {
        json = JSON.parse(raw);
      } catch {
        ctx.addIssue({ code: 'custom', message: 'must be the service account key file as JSON' });
        return z.NEVER;
      }
      const parsed = ServiceAccountJson.safeParse(json);
      if (!parsed.success) {
        const fields = [...new Set(parsed.error.issues.map((issue) => String(issue.path[0] ?? 'key')))];
        ctx.addIssue({ code: 'custom', message: `must be a service account key (check ${fields.join(', ')})` });
        return z.NEVER;
      }
      return parsed.data;
    });
}

/** The notification variables of `envSchema`. */
export const notificationVariables = {
  EMAIL_PROVIDER: oneOf(EMAIL_PROVIDERS),
  SENDGRID_API_KEY: z
    .string()
    .optional()
    .refine((raw) => raw === undefined || raw.startsWith('SG.'), { message: 'must start with SG.' }),
  SMTP_URL: smtpUrl(),
  EMAIL_FROM: z.string().includes('@', { message: 'must be an address or Name <address>' }).optional(),
  PUSH_PROVIDER: oneOf(PUSH_PROVIDERS),
  FCM_SERVICE_ACCOUNT: serviceAccount(),
  SMS_PROVIDER: oneOf(SMS_PROVIDERS),
  TWILIO_ACCOUNT_SID: z
    .string()
    .optional()
    .refine((raw) => raw === undefined || raw.startsWith('AC'), { message: 'must start with AC' }),
  TWILIO_AUTH_TOKEN: z.string().optional(),
  TWILIO_FROM: z.string().optional(),
  AFRICASTALKING_USERNAME: z.string().optional(),
  AFRICASTALKING_API_KEY: z.string().optional(),
  AFRICASTALKING_FROM: z.string().optional(),
};

type NotificationVariables = z.output<z.ZodObject<typeof notificationVariables>>;

/**
 * The provider of a channel: the one named, else `local` outside production (a developer's machine never
 * messages real readers), else in production the only one whose credentials are set (none or several →
 * undefined: the channel is off and /ready says to set the variable).
 */
function pick<T extends string>(named: T | undefined, env: RuntimeEnv, configured: T[]): T | undefined {
  if (named !== undefined) return named;
  if (env !== 'production') return 'local' as T;
  return configured.length === 1 ? configured[0] : undefined;
}

/** {@link NotificationsConfig} from the parsed variables. */
export function notificationsConfig(v: NotificationVariables, env: RuntimeEnv): NotificationsConfig {
  const emails: ('sendgrid' | 'smtp')[] = [];
  if (v.SENDGRID_API_KEY) emails.push('sendgrid');
  if (v.SMTP_URL) emails.push('smtp');
  const sms: ('twilio' | 'africastalking')[] = [];
  if (v.TWILIO_ACCOUNT_SID && v.TWILIO_AUTH_TOKEN) sms.push('twilio');
  if (v.AFRICASTALKING_USERNAME && v.AFRICASTALKING_API_KEY) sms.push('africastalking');
  return {
    email: {
      provider: pick(v.EMAIL_PROVIDER, env, emails),
      sendgridApiKey: v.SENDGRID_API_KEY,
      smtpUrl: v.SMTP_URL,
      from: v.EMAIL_FROM,
    },
    push: {
      provider: pick(v.PUSH_PROVIDER, env, v.FCM_SERVICE_ACCOUNT ? ['fcm'] : []),
      serviceAccount: v.FCM_SERVICE_ACCOUNT,
    },
    sms: {
      provider: pick(v.SMS_PROVIDER, env, sms),
      twilio: { accountSid: v.TWILIO_ACCOUNT_SID, authToken: v.TWILIO_AUTH_TOKEN, from: v.TWILIO_FROM },
      africasTalking: {
        username: v.AFRICASTALKING_USERNAME,
        apiKey: v.AFRICASTALKING_API_KEY,
        from: v.AFRICASTALKING_FROM,
      },
    },
  };
}
