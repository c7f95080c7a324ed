// The firm's home: its rectification tickets by state (counts on the chips), overdue first by
// deadline, filterable by estate. The last answer of each view is kept for use without signal.

import { useEffect, useState } from 'preact/hooks';
import { ApiError, NetworkError } from '../api';
import { app } from '../app-state';
import { cachedEstates, refreshEstates, type Estate } from '../data';
import { getCache, putCache } from '../db';
import { formatTime, t, type Key } from '../i18n';
import { describe } from '../problem';
import { useStore } from '../store';
import {
  fetchCounts,
  fetchInbox,
  UNIT_STATES,
  type Counts,
  type InboxPage,
  type InboxQuery,
  type TicketState,
  type TicketSummary,
} from '../tickets';
import { AccountBar } from './placeholder';
import { Deadline, SeverityTag, StateTag, useTick } from './ticket-parts';

type Tab = 'todo' | 'overdue' | 'dispatched' | 'accepted' | 'rework' | 'rectified' | 'disputed' | 'closed';
const TABS: Tab[] = ['todo', 'overdue', 'dispatched', 'accepted', 'rework', 'rectified', 'disputed', 'closed'];

function queryOf(tab: Tab, estateId: number | null): InboxQuery {
  if (tab === 'todo') return { states: UNIT_STATES, estateId };
  if (tab === 'overdue') return { states: [], overdue: true, estateId };
  return { states: [tab as TicketState], estateId };
}

function countOf(tab: Tab, counts: Counts | null): number | null {
  if (!counts) return null;
  if (tab === 'todo') return UNIT_STATES.reduce((sum, s) => sum + (counts[s] ?? 0), 0);
  return counts[tab] ?? 0;
}

export function estateName(estates: Estate[] | null, id: number): string {
  return estates?.find((e) => e.id === id)?.name ?? t('estate_n', { n: id });
}

/** Estates of this user (names for the list), from IndexedDB first. */
export function useEstates(userId: number): Estate[] | null {
  const [estates, setEstates] = useState<Estate[] | null>(null);
  useEffect(() => {
    void cachedEstates(userId).then((c) => {
      if (c) setEstates(c.data);
      if (navigator.onLine && (!c || Date.now() - Date.parse(c.fetchedAt) > 3_600_000)) {
        void refreshEstates(userId).then((fresh) => setEstates(fresh.estates), () => {});
      }
    });
  }, [userId]);
  return estates;
}

export function TicketRow({ ticket, estates, now }: { ticket: TicketSummary; estates: Estate[] | null; now: number }) {
  return (
    <li>
      <a href={`/ticket/${ticket.id}`} class="ticket" data-testid="ticket" data-id={ticket.id} data-code={ticket.code}>
        <span class="title">{ticket.title}</span>
        <span class="when">
          <Deadline ticket={ticket} now={now} />
        </span>
        <span class="meta">
          <StateTag state={ticket.state} /> <SeverityTag severity={ticket.severity} /> · {estateName(estates, ticket.estate_id)} ·{' '}
          {ticket.code}
          {ticket.rework_count > 0 && ` · ${t('tab_rework')} ×${ticket.rework_count}`}
        </span>
      </a>
    </li>
  );
}

export function FirmHome() {
  const session = useStore(app).session!;
  const { online } = useStore(app);
  const userId = session.user.id;
  const [tab, setTab] = useState<Tab>(() => (sessionStorage.getItem('wuhao.tab') as Tab | null) ?? 'todo');
  const [estateId, setEstateId] = useState<number | null>(null);
  const [counts, setCounts] = useState<Counts | null>(null);
  const [pages, setPages] = useState<InboxPage[]>([]);
  const [stale, setStale] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [loading, setLoading] = useState(false);
  const estates = useEstates(userId);
  const now = useTick();
  const key = `${userId}:${tab}:${estateId ?? 'all'}`;

  const load = async (page = 1) => {
    setLoading(true);
    setError(null);
    try {
      const [answer, fresh] = await Promise.all([
        fetchInbox(queryOf(tab, estateId), page),
        page === 1 ? fetchCounts(estateId) : Promise.resolve(null),
      ]);
      if (fresh) {
        setCounts(fresh);
        await putCache(`counts:${userId}:${estateId ?? 'all'}`, fresh);
      }
      setPages((old) => (page === 1 ? [answer] : [...old, answer]));
      if (page === 1) await putCache(`inbox:${key}`, answer);
      setStale(null);
    } catch (e) {
      // No fresh answer: show the saved copy, and say why unless the offline banner already does.
      if (!(e instanceof ApiError && e.status === 401) && !(e instanceof NetworkError && e.kind === 'offline')) {
        setError(describe(e));
      }
      const cached = await getCache<InboxPage>(`inbox:${key}`);
      const cachedCounts = await getCache<Counts>(`counts:${userId}:${estateId ?? 'all'}`);
      if (cachedCounts) setCounts(cachedCounts.data);
      if (cached && page === 1) setPages([cached.data]);
      setStale(cached?.fetchedAt ?? null);
    } finally {
      setLoading(false);
    }
  };

  useEffect(() => {
    sessionStorage.setItem('wuhao.tab', tab);
    setPages([]);
    void load(1);
  }, [key, online]);

  const items = pages.flatMap((p) => p.items);
  const last = pages[pages.length - 1];
  return (
    <section class="page firm" data-testid="home-firm">
      <AccountBar />
      <div class="row between">
        <h2>{t('firm_inbox')}</h2>
        <button type="button" class="small" onClick={() => void load(1)} disabled={loading || !online}>
          {t('refresh')}
        </button>
      </div>
      {estates && estates.length > 1 && (
        <select
          class="estate-filter"
          data-testid="estate-filter"
          aria-label={t('estate_filter')}
          value={estateId ?? ''}
          onChange={(e) => setEstateId(Number((e.target as HTMLSelectElement).value) || null)}
        >
          <option value="">{t('all_estates')}</option>
          {estates.map((e) => (
            <option key={e.id} value={e.id}>
              {e.name}
            </option>
          ))}
        </select>
      )}
      <div class="tabs" role="tablist" data-testid="tabs">
        {TABS.map((name) => {
          const n = countOf(name, counts);
          return (
            <button
              type="button"
              role="tab"
              aria-selected={tab === name}
              key={name}
              class={`chip ${tab === name ? 'on' : ''} ${name === 'overdue' && n ? 'alert' : ''}`}
              onClick={() => setTab(name)}
              data-testid={`tab-${name}`}
            >
              {t(`tab_${name}` as Key)}
              {n !== null && <b class="n">{n}</b>}
            </button>
          );
        })}
      </div>
      {error && (
        <p class="error" data-testid="firm-error">
          {error}
        </p>
      )}
      {stale && (
        <p class="warning small">
          {online ? t('showing_copy', { t: formatTime(stale) }) : t('tickets_offline', { t: formatTime(stale) })}
        </p>
      )}
      {!loading && pages.length > 0 && items.length === 0 && <p class="muted">{t('tickets_none')}</p>}
      <ul class="list tickets" data-testid="ticket-list">
        {items.map((ticket) => (
          <TicketRow key={ticket.id} ticket={ticket} estates={estates} now={now} />
        ))}
      </ul>
      {loading && <p class="muted">{t('loading')}</p>}
      {!loading && !stale && last && last.page < last.totalPages && (
        <button type="button" class="block" onClick={() => void load(last.page + 1)} data-testid="load-more">
          {t('load_more')}
        </button>
      )}
    </section>
  );
}
