// Cross-context notifications (page ↔ service worker ↔ other tabs) plus local listeners.

export type BusMessage = 'queue-changed' | 'auth-expired' | 'session-changed';

const channel: BroadcastChannel | null =
  typeof BroadcastChannel === 'function' ? new BroadcastChannel('wuhao') : null;
const listeners = new Map<BusMessage, Set<() => void>>();

function deliver(message: BusMessage): void {
  listeners.get(message)?.forEach((fn) => fn());
}

channel?.addEventListener('message', (event: MessageEvent) => deliver(event.data as BusMessage));

/** Tell this context and every other one. */
export function emit(message: BusMessage): void {
  deliver(message);
  channel?.postMessage(message);
}

export function on(message: BusMessage, fn: () => void): () => void {
  if (!listeners.has(message)) listeners.set(message, new Set());
  listeners.get(message)!.add(fn);
  return () => listeners.get(message)?.delete(fn);
}
