// 推送: receive notices on this phone even when the app is closed (Web Push). Shown when the
// server has a VAPID key and the browser can push; the subscription is this browser's own.

import { useEffect, useState } from 'preact/hooks';
import { request } from '../api';
import { describe } from '../problem';
import { nt } from './notices-text';

function keyBytes(base64url: string): Uint8Array<ArrayBuffer> {
  const raw = atob(base64url.replace(/-/g, '+').replace(/_/g, '/') + '==='.slice((base64url.length + 3) % 4));
  const bytes = new Uint8Array(new ArrayBuffer(raw.length));
  for (let i = 0; i < raw.length; i++) bytes[i] = raw.charCodeAt(i);
  return bytes;
}

async function registration(): Promise<ServiceWorkerRegistration | null> {
  if (!('serviceWorker' in navigator) || !('PushManager' in window)) return null;
  return (await navigator.serviceWorker.getRegistration('/')) ?? null;
}

export function PushToggle({ publicKey, onChange }: { publicKey: string | null; onChange: () => void }) {
  const [on, setOn] = useState<boolean | null>(null);
  const [busy, setBusy] = useState(false);
  const [message, setMessage] = useState('');
  useEffect(() => {
    void registration().then(async (reg) => setOn(reg ? Boolean(await reg.pushManager.getSubscription()) : null));
  }, []);
  if (!publicKey || on === null) return null;

  const toggle = async () => {
    setBusy(true);
    setMessage('');
    try {
      const reg = await registration();
      if (!reg) return;
      const current = await reg.pushManager.getSubscription();
      if (current) {
        await request('/api/push-subscriptions', { method: 'DELETE', json: { endpoint: current.endpoint } });
        await current.unsubscribe();
        setOn(false);
      } else {
        if ((await Notification.requestPermission()) !== 'granted') {
          setMessage(nt('push_denied'));
          return;
        }
        const made = await reg.pushManager.subscribe({ userVisibleOnly: true, applicationServerKey: keyBytes(publicKey) });
        const { endpoint, keys } = made.toJSON();
        await request('/api/push-subscriptions', { method: 'POST', json: { endpoint, keys } });
        setOn(true);
      }
      onChange();
    } catch (e) {
      setMessage(e instanceof DOMException ? nt('push_unavailable') : describe(e));
    } finally {
      setBusy(false);
    }
  };
  return (
    <div class="push-toggle">
      <button type="button" class={on ? '' : 'primary'} disabled={busy} onClick={toggle} data-testid="push-toggle" aria-pressed={on}>
        {on ? nt('push_off') : nt('push_on')}
      </button>
      {message && <p class="small" data-testid="push-message">{message}</p>}
    </div>
  );
}
