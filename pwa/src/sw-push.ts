/// <reference lib="webworker" />
// Web Push in the service worker: show the notice the server pushed (backend/notifications/
// push.py: {title, body, link, tag}) and, on a tap, open its ticket in the app (an open window
// navigates in place; otherwise a new one opens at the link).

interface PushMessage {
  title?: string;
  body?: string;
  link?: string;
  tag?: string;
}

/** Only this app's own paths: a push can never send the user elsewhere. */
function safeLink(link: unknown): string {
  return typeof link === 'string' && link.startsWith('/') && !link.startsWith('//') ? link : '/notifications';
}

function read(data: PushMessageData | null): PushMessage {
  try {
    return (data?.json() as PushMessage) ?? {};
  } catch {
    return {};
  }
}

/** A synthetic event (dispatched by a test) may not extend its lifetime: run the work anyway. */
function keepAlive(event: ExtendableEvent, work: Promise<unknown>): void {
  try {
    event.waitUntil(work);
  } catch {
    void work;
  }
}

async function open(sw: ServiceWorkerGlobalScope, link: string): Promise<void> {
  const windows = await sw.clients.matchAll({ type: 'window', includeUncontrolled: true });
  const mine = windows.find((w) => new URL(w.url).origin === sw.location.origin);
  if (mine) {
    await mine.focus().catch(() => undefined);
    mine.postMessage({ type: 'OPEN_LINK', link });
    return;
  }
  await sw.clients.openWindow(link);
}

/** Called once by sw.ts with the worker's global scope. */
export function handlePush(sw: ServiceWorkerGlobalScope): void {
  sw.addEventListener('push', (event) => {
    const message = read(event.data);
    keepAlive(
      event,
      sw.registration.showNotification(message.title || '五好小区巡查', {
        body: message.body ?? '',
        tag: message.tag,
        icon: '/icons/icon-192.png',
        data: { link: safeLink(message.link) },
      }),
    );
  });

  sw.addEventListener('notificationclick', (event) => {
    event.notification.close();
    keepAlive(event, open(sw, safeLink(event.notification.data?.link)));
  });
}
