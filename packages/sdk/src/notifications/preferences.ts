// `coko.notifications.preferences`: the module's exports are the namespace's methods (core/lazy.ts).
export { getNotificationPreferences as get, updateNotificationPreferences as update } from './methods';
