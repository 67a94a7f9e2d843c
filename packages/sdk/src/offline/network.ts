/**
 * Tells the offline queue whether the device is online. The default, `browserNetwork()`, reads
 * `navigator.onLine` and listens to the `online`/`offline` events where they exist. React Native
 * apps can plug NetInfo:
 *
 * ```ts
 * let connected = true
 * const network: NetworkMonitor = {
 *   online: () => connected,
 *   subscribe: (listener) => NetInfo.addEventListener((s) => listener((connected = s.isConnected !== false))),
 * }
 * ```
 */
export interface NetworkMonitor {
  /** `false` only when the device knows it is offline. */
  online(): boolean;
  /** Calls `listener` when connectivity changes; returns the unsubscribe function. */
  subscribe(listener: (online: boolean) => void): () => void;
}

interface Globals {
  navigator?: { onLine?: boolean };
  addEventListener?: (type: string, listener: () => void) => void;
  removeEventListener?: (type: string, listener: () => void) => void;
}

/**
 * `navigator.onLine` and the `online`/`offline` events of browsers and web workers. Where they are
 * missing (server rendering, Node, React Native) the device counts as online, and failed requests
 * tell the queue otherwise.
 */
export function browserNetwork(): NetworkMonitor {
  const g = globalThis as Globals;
  return {
    online: () => g.navigator?.onLine !== false,
    subscribe(listener) {
      if (typeof g.addEventListener !== 'function') return () => {};
      const online = () => listener(true);
      const offline = () => listener(false);
      g.addEventListener('online', online);
      g.addEventListener('offline', offline);
      return () => {
        g.removeEventListener?.('online', online);
        g.removeEventListener?.('offline', offline);
      };
    },
  };
}
