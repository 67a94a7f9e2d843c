import { loadConfig } from '../../config/load.ts';
import { deliverNotificationHandler } from '../../notifications/deliver.ts';
import { localChannels } from '../../notifications/ports.ts';
import { unsubscribeSecret, unsubscribeTokens } from '../../notifications/unsubscribe-token.ts';

/**
 * `notifications.deliver` with the worker's environment: the same unsubscribe key and public URL as the API (both
 * read COKO_JWT_SECRET and COKO_PUBLIC_URL). Channels: the local outbox until the provider adapters
 * (providers/notifications, docs/CONTRACT-engagement.md §4) are wired here.
 */
export const deliverNotification = (() => {
  let config: ReturnType<typeof loadConfig> | undefined;
  const cfg = () => {
    config ??= loadConfig(process.env);
    return config;
  };
  let tokens: ReturnType<typeof unsubscribeTokens> | undefined;
  return deliverNotificationHandler({
    channels: (db) => localChannels(db),
    tokens: async () => {
      tokens ??= unsubscribeTokens(await unsubscribeSecret(cfg().jwtSecret));
      return tokens;
    },
    get apiBase() {
      const publicUrl = cfg().publicUrl;
      return publicUrl ? `${publicUrl}/functions/v1/api` : '/functions/v1/api';
    },
  });
})();
