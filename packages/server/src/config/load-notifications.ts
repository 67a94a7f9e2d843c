import { z } from 'zod';
import { ConfigError, type ConfigIssue } from './load.ts';
import { type NotificationsConfig, notificationsConfig, notificationVariables } from './notifications.ts';
import { type EnvSource, RUNTIME_ENVS, type RuntimeEnv } from './schema.ts';

/**
 * The notification channels' configuration alone, for a process that sends but is not the API (the
 * worker: it need not have the API's `COKO_PUBLIC_URL`). Same rules and errors as `loadConfig`.
 *
 * @example
 * ```ts
 * const channels = notificationChannelsFromConfig({ notifications: loadNotificationsConfig(process.env) }, {})
 * ```
 */
export function loadNotificationsConfig(source: EnvSource): NotificationsConfig {
  const env: Record<string, string> = {};
  for (const [key, value] of Object.entries(source)) {
    if (value !== undefined && value.trim() !== '') env[key] = value.trim();
  }
  const issues: ConfigIssue[] = [];
  const variable = env.COKO_ENV !== undefined ? 'COKO_ENV' : env.NODE_ENV !== undefined ? 'NODE_ENV' : undefined;
  let runtimeEnv: RuntimeEnv = 'development';
  if (variable) {
    const value = env[variable]?.toLowerCase() ?? '';
    if ((RUNTIME_ENVS as readonly string[]).includes(value)) runtimeEnv = value as RuntimeEnv;
    else issues.push({ variable, message: `must be one of ${RUNTIME_ENVS.join(', ')}` });
  }
  const result = z.object(notificationVariables).safeParse(env);
  if (!result.success) {
    for (const issue of result.error.issues) {
      issues.push({ variable: String(issue.path[0] ?? 'environment'), message: issue.message });
    }
  }
  if (issues.length > 0 || !result.success) throw new ConfigError(issues);
  return notificationsConfig(result.data, runtimeEnv);
}
