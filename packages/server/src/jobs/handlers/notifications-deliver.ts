import { loadConfig } from '../../config/load.ts';
import { loadNotificationsConfig } from '../../config/load-notifications.ts';
import { deliverNotificationHandler } from '../../notifications/deliver.ts';
import { databaseOutbox } from '../../notifications/ports.ts';
import { unsubscribeSecret, unsubscribeTokens } from '../../notifications/unsubscribe-token.ts';
import { notificationChannelsFromConfig } from '../../providers/notifications/registry.ts';

/**
 * `notifications.deliver` with the worker's environment: the same unsubscribe key and public URL as the API (both
 * read COKO_JWT_SECRET and COKO_PUBLIC_URL) and the channels of the notification variables (providers/notifications).
 */
export const deliverNotification = (() => {
  let config: ReturnType<typeof loadConfig> | undefined;
  const cfg = () => {
    config ??= loadConfig(process.env);
    return config;
  };
  let tokens: ReturnType<typeof unsubscribeTokens> | undefined;
  return deliverNotificationHandler({
    // The providers EMAIL_PROVIDER / SMS_PROVIDER / FCM_SERVICE_ACCOUNT name; `local` ones write to private.dev_outbox.
    channels: (db) =>
      notificationChannelsFromConfig(
        { notifications: loadNotificationsConfig(process.env) },
        { local: databaseOutbox(db) },
      ),
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
