// Registers /sw.js (no inline script: the CSP forbids them) and offers updates.
// A waiting new version is only activated when the inspector taps "Update": the page reloads,
// and everything unsent is in IndexedDB, which updates never clear.

import { app } from './app-state';
import { navigate } from './router';

export function registerServiceWorker(): void {
  if (!('serviceWorker' in navigator) || import.meta.env.DEV) return;
  const offer = (worker: ServiceWorker) =>
    app.set({ updateReady: () => worker.postMessage({ type: 'SKIP_WAITING' }) });
  // A tapped push notice (sw-push.ts) opens its ticket in this window.
  navigator.serviceWorker.addEventListener('message', (event) => {
    const link = event.data?.type === 'OPEN_LINK' ? event.data.link : null;
    if (typeof link === 'string' && link.startsWith('/') && !link.startsWith('//')) navigate(link);
  });
  let reloading = false;
  const hadController = Boolean(navigator.serviceWorker.controller);
  navigator.serviceWorker.addEventListener('controllerchange', () => {
    // The first install also claims the page: that is no update, do not reload then.
    if (reloading || !hadController) return;
    reloading = true;
    location.reload();
  });
  window.addEventListener('load', async () => {
    try {
      const registration = await navigator.serviceWorker.register('/sw.js', { scope: '/' });
      if (registration.waiting && hadController) offer(registration.waiting);
      registration.addEventListener('updatefound', () => {
        const worker = registration.installing;
        worker?.addEventListener('statechange', () => {
          if (worker.state === 'installed' && navigator.serviceWorker.controller) offer(worker);
        });
      });
      setInterval(() => void registration.update().catch(() => {}), 60 * 60_000);
    } catch (error) {
      console.warn('service worker registration failed', error);
    }
  });
}
