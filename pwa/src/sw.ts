/// <reference lib="webworker" />
// Service worker: precaches the app shell (every built file), answers app routes offline with
// index.html, keeps the last answers of the estate and checklist APIs, and sends the queue on
// Background Sync where the browser has it. It never touches IndexedDB's schema or records
// except through the same queue code the page uses, so an update cannot lose unsent data.

import { cleanupOutdatedCaches, createHandlerBoundToURL, precacheAndRoute } from 'workbox-precaching';
import { NavigationRoute, registerRoute } from 'workbox-routing';
import { NetworkFirst } from 'workbox-strategies';
import { drainQueue, SYNC_TAG } from './outbox';
import { handlePush } from './sw-push';

declare const self: ServiceWorkerGlobalScope;

precacheAndRoute(self.__WB_MANIFEST);
cleanupOutdatedCaches();
handlePush(self);

registerRoute(
  new NavigationRoute(createHandlerBoundToURL('/index.html'), { denylist: [/^\/api\//, /^\/public(\/|$)/, /^\/open311\//, /^\/survey\//] }),
);

registerRoute(
  ({ url, request }) =>
    request.method === 'GET' &&
    url.origin === self.location.origin &&
    (url.pathname === '/api/checklists/active' || url.pathname === '/api/estates'),
  new NetworkFirst({ cacheName: 'wuhao-api', networkTimeoutSeconds: 15 }),
);

self.addEventListener('message', (event) => {
  if (event.data?.type === 'SKIP_WAITING') void self.skipWaiting();
});

self.addEventListener('activate', (event) => event.waitUntil(self.clients.claim()));

interface SyncEvent extends ExtendableEvent {
  readonly tag: string;
}

self.addEventListener('sync', (event) => {
  const sync = event as SyncEvent;
  if (sync.tag !== SYNC_TAG) return;
  sync.waitUntil(
    drainQueue(true).then((summary) => {
      // Rejecting asks the browser to try this sync again later.
      if (summary.networkTrouble) throw new Error('network still down');
    }),
  );
});
