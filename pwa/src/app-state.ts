// Application state and the page's own drive of the send queue (it does not rely on Background
// Sync: Safari and Firefox have none, and Workbox's replays only cover network failures).

import { on } from './bus';
import { allActions, allInspections, getSession, onDbVersionChange, pruneDone, type Session, type SyncState } from './db';
import { request } from './api';
import { drainQueue, nextDue, SYNC_TAG } from './outbox';
import { onServerState, serverState } from './server-state';
import { createStore } from './store';

export interface QueueCounts {
  waiting: number;
  sending: number;
  failed: number;
  done: number;
  otherUser: number;
}

export const app = createStore({
  ready: false,
  session: null as Session | null,
  online: navigator.onLine,
  server: serverState(),
  counts: { waiting: 0, sending: 0, failed: 0, done: 0, otherUser: 0 } as QueueCounts,
  persisted: null as boolean | null,
  updateReady: null as null | (() => void),
});

export async function refreshCounts(): Promise<void> {
  const session = app.get().session;
  const counts: QueueCounts = { waiting: 0, sending: 0, failed: 0, done: 0, otherUser: 0 };
  // Inspections and ticket actions (after-photos, verifications) wait in the same queue.
  const records: { state: SyncState; userId: number }[] = [...(await allInspections()), ...(await allActions())];
  for (const record of records) {
    if (record.state === 'draft') continue;
    if (session && record.userId !== session.user.id) {
      if (record.state !== 'done') counts.otherUser++;
      continue;
    }
    counts[record.state]++;
  }
  app.set({ counts });
}

let timer: ReturnType<typeof setTimeout> | null = null;

/** Send now (if online) and schedule the next attempt for what is still waiting. */
export async function kickQueue(force = false): Promise<void> {
  if (timer) clearTimeout(timer);
  timer = null;
  const session = app.get().session;
  if (!session || session.expired || session.user.must_change_password) return;
  if (navigator.onLine) await drainQueue(force);
  await refreshCounts();
  const due = await nextDue(session.user.id);
  if (due !== null) {
    const delay = Math.max(1000, due - Date.now());
    timer = setTimeout(() => void kickQueue(), Math.min(delay, 10 * 60_000));
  }
}

/** Ask the browser to wake the service worker when the network is back (Chromium only). */
export async function registerBackgroundSync(): Promise<void> {
  try {
    const registration = await navigator.serviceWorker?.ready;
    const sync = (registration as ServiceWorkerRegistration & { sync?: { register(tag: string): Promise<void> } })
      ?.sync;
    await sync?.register(SYNC_TAG);
  } catch {
    /* not supported or not allowed: the page drives the queue itself */
  }
}

async function askPersistence(): Promise<void> {
  try {
    if (!navigator.storage?.persist) return;
    let persisted = await navigator.storage.persisted();
    if (!persisted) persisted = await navigator.storage.persist();
    app.set({ persisted });
  } catch {
    app.set({ persisted: false });
  }
}

let healthTimer: ReturnType<typeof setInterval> | null = null;

/** Mirror the server's state into the app; while it is in trouble, ask /api/health now and then so
 *  the badge turns back to "online" (and the queue resumes) as soon as it answers again. */
function watchServer(): void {
  app.set({ server: serverState() });
  onServerState((server) => {
    app.set({ server });
    if (server === 'ok') {
      if (healthTimer) clearInterval(healthTimer);
      healthTimer = null;
      void kickQueue(true);
    } else if (!healthTimer) {
      healthTimer = setInterval(() => {
        if (navigator.onLine) void request('/api/health', { token: null, timeoutMs: 10_000 }).catch(() => {});
      }, 15_000);
    }
  });
}

export async function boot(): Promise<void> {
  watchServer(); // before any screen asks the server anything
  const session = await getSession();
  app.set({ session, ready: true });
  await pruneDone().catch(() => {});
  await refreshCounts();
  void askPersistence();

  window.addEventListener('online', () => {
    app.set({ online: true });
    void kickQueue(true);
  });
  window.addEventListener('offline', () => app.set({ online: false }));
  document.addEventListener('visibilitychange', () => {
    if (document.visibilityState === 'visible') void kickQueue();
  });
  on('queue-changed', () => void refreshCounts());
  on('session-changed', async () => {
    app.set({ session: await getSession() });
    await refreshCounts();
    void kickQueue(true);
  });
  on('auth-expired', async () => app.set({ session: await getSession() }));
  onDbVersionChange(() => location.reload());
  void kickQueue(true);
}
