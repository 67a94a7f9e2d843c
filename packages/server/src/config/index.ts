export { type Config, ConfigError, type ConfigIssue, isConfigError, loadConfig } from './load.ts';
export { loadNotificationsConfig } from './load-notifications.ts';
export type { NotificationsConfig } from './notifications.ts';
export type { PaymentsConfig } from './payments.ts';
export type { EnvSource, LogLevel, RuntimeEnv } from './schema.ts';
