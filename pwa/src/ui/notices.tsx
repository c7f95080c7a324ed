// 通知: the signed-in user's notification centre (/notifications) and the bell with the unread
// count in the top bar, on every role's home and every screen. Each notice opens its ticket.

import { useEffect, useState } from 'preact/hooks';
import { ApiError, getJson, request } from '../api';
import { formatTime } from '../i18n';
import { navigate, route } from '../router';
import { describe } from '../problem';
import { createStore, useStore } from '../store';
import { nt } from './notices-text';
import { ChannelChoices } from './notice-choices';
import { PushToggle } from './push-toggle';
import './notices.css';

interface Notice {
  id: number;
  topic: string;
  ticket_id: number | null;
  title: string;
  body: string;
  link: string;
  created_at: string;
  read_at: string | null;
}

interface Settings {
  phone: string | null;
  channels: string[];
  push_public_key: string | null;
  sms: boolean;
  push: boolean;
  wechat: boolean;
  wechat_bound: boolean;
}

const PAGE = 30;
export const unread = createStore({ n: 0 });

export async function refreshUnread(): Promise<void> {
  try {
    const { unread: n } = await getJson<{ unread: number }>('/api/notifications/unread', {
      background: true,
    });
    unread.set({ n });
  } catch {
    // Offline or signed out: the badge keeps what it showed; the next poll tries again.
  }
}

/** The bell in the top bar: the unread count, polled every minute and on every screen change. */
export function NoticeBell() {
  const { n } = useStore(unread);
  const { path } = useStore(route);
  useEffect(() => void refreshUnread(), [path]);
  useEffect(() => {
    const timer = setInterval(() => void refreshUnread(), 60_000);
    return () => clearInterval(timer);
  }, []);
  return (
    <a
      class={`badge bell ${n ? 'has' : ''}`}
      href="/notifications"
      data-testid="notice-bell"
      title={nt('bell_label', { n })}
    >
      {nt('bell')}
      {n > 0 && <span class="count" data-testid="notice-count">{n > 99 ? '99+' : n}</span>}
      {/* Read after the visible words, so the spoken name starts with what is seen. */}
      {n > 0 && <span class="sr-only">{nt('bell_unread', { n })}</span>}
    </a>
  );
}

export function NoticesScreen() {
  const [only, setOnly] = useState(false);
  const [items, setItems] = useState<Notice[] | null>(null);
  const [more, setMore] = useState(false);
  const [error, setError] = useState('');

  const load = async (page: number, keep: Notice[]) => {
    try {
      const q = `page=${page}&page_size=${PAGE}${only ? '&unread=true' : ''}`;
      const rows = await getJson<Notice[]>(`/api/notifications?${q}`);
      setItems([...keep, ...rows]);
      setMore(rows.length === PAGE);
      setError('');
    } catch (e) {
      setError(nt('cannot_load', { m: describe(e) }));
    }
  };
  useEffect(() => {
    setItems(null);
    void load(1, []);
  }, [only]);

  const open = async (notice: Notice) => {
    if (!notice.read_at) {
      try {
        await request('/api/notifications/read', { method: 'POST', json: { ids: [notice.id] } });
        void refreshUnread();
      } catch {
        // Opening the ticket matters more than the read mark; it is retried on the next open.
      }
    }
    navigate(notice.link || '/');
  };
  const markAll = async () => {
    try {
      await request('/api/notifications/read-all', { method: 'POST' });
      const now = new Date().toISOString();
      setItems((items ?? []).map((n) => ({ ...n, read_at: n.read_at ?? now })));
      unread.set({ n: 0 });
    } catch (e) {
      setError(nt('cannot_load', { m: describe(e) }));
    }
  };

  return (
    <section class="page notices" data-testid="notices">
      <div class="row between">
        <h2>{nt('title')}</h2>
        <button type="button" class="small" onClick={markAll} data-testid="mark-all">
          {nt('mark_all')}
        </button>
      </div>
      <div class="tabs" role="tablist">
        <button type="button" role="tab" aria-selected={!only} class={!only ? 'active' : ''} onClick={() => setOnly(false)}>
          {nt('all')}
        </button>
        <button type="button" role="tab" aria-selected={only} class={only ? 'active' : ''} onClick={() => setOnly(true)} data-testid="only-unread">
          {nt('unread')}
        </button>
      </div>
      {error && <p class="error">{error}</p>}
      {items === null && !error && <p class="muted">…</p>}
      {items !== null && items.length === 0 && <p class="muted">{only ? nt('empty_unread') : nt('empty')}</p>}
      <ul class="notice-list">
        {(items ?? []).map((notice) => (
          <li key={notice.id}>
            <a
              href={notice.link || '/'}
              class={`notice ${notice.read_at ? 'read' : 'unread'}`}
              data-testid="notice"
              onClick={(event) => {
                event.preventDefault();
                void open(notice);
              }}
            >
              <span class="row between">
                <b>{notice.title}</b>
                <span class="muted small">{formatTime(notice.created_at)}</span>
              </span>
              <span class="small">{notice.body}</span>
            </a>
          </li>
        ))}
      </ul>
      {more && (
        <button type="button" onClick={() => void load(Math.floor((items ?? []).length / PAGE) + 1, items ?? [])}>
          {nt('more')}
        </button>
      )}
      <PhoneSetting />
    </section>
  );
}

/** The mobile number SMS notices go to (the user's own; shown masked by the server). */
function PhoneSetting() {
  const [settings, setSettings] = useState<Settings | null>(null);
  const [phone, setPhone] = useState('');
  const [message, setMessage] = useState('');
  const reload = () => getJson<Settings>('/api/notifications/settings').then(setSettings, () => undefined);
  useEffect(() => void reload(), []);
  if (!settings) return null;
  const save = async (event: Event) => {
    event.preventDefault();
    try {
      const answer = await request('/api/notifications/settings', { method: 'PUT', json: { phone: phone.trim() || null } });
      setSettings((await answer.json()) as Settings);
      setPhone('');
      setMessage(nt('phone_saved'));
    } catch (e) {
      setMessage(e instanceof ApiError && e.status === 422 ? nt('phone_bad') : describe(e));
    }
  };
  const names = settings.channels.map((c) => nt(`ch_${c}` as 'ch_sms')).join('、');
  return (
    <form class="card phone-setting" onSubmit={save}>
      <p class="small muted" data-testid="channels-now">{nt('channels', { c: names })}</p>
      <ChannelChoices settings={settings} onSaved={setSettings} />
      <label>
        {nt('phone')}: <b data-testid="phone-now">{settings.phone ?? nt('phone_none')}</b>
        <input type="tel" inputMode="tel" autoComplete="tel" value={phone} maxLength={32}
          onInput={(e) => setPhone((e.target as HTMLInputElement).value)} data-testid="phone-input" />
      </label>
      <button type="submit" class="primary">{nt('phone_save')}</button>
      {message && <p class="small" data-testid="phone-message">{message}</p>}
      <PushToggle publicKey={settings.push_public_key} onChange={() => void reload()} />
    </form>
  );
}
