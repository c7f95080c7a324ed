// Whether the server answers, as the page's own requests last found it. The badge and banner read
// it, so "online" is never shown while the phone has signal but the server is down.

export type ServerState = 'ok' | 'unreachable' | 'timeout' | 'error';

let current: ServerState = 'ok';
const listeners = new Set<(state: ServerState) => void>();

export function serverState(): ServerState {
  return current;
}

export function noteServer(next: ServerState): void {
  if (next === current) return;
  current = next;
  listeners.forEach((fn) => fn(next));
}

export function onServerState(fn: (state: ServerState) => void): () => void {
  listeners.add(fn);
  return () => listeners.delete(fn);
}
