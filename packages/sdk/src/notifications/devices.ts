// `coko.notifications.devices`: the module's exports are the namespace's methods (core/lazy.ts).
export { registerDevice as register, unregisterDevice as unregister } from './methods';
