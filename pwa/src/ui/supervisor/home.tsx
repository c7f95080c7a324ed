// Supervisor home: the issue map full screen, with a side panel that holds the filters and the list
// of open tickets, or one ticket's detail. Big screen first (panel left, map right); on a phone
// the map sits above the panel.

import { useEffect, useState } from 'preact/hooks';
import { request } from '../../api';
import { app } from '../../app-state';
import { formatTime, t, word, type Key } from '../../i18n';
import { navigate } from '../../router';
import { useStore } from '../../store';
import { AccountBar } from '../placeholder';
import {
  allOrganisations,
  AREAS,
  download,
  errorText,
  filterQuery,
  isMissing,
  NO_FILTERS,
  OPEN_STATES,
  SEVERITIES,
  type Filters,
  type Organisation,
  type TicketSummary,
} from './api';
import TicketMap, { type Focus } from './map';
import { SupervisorNav } from './nav';
import TicketPanel from './ticket';
import './supervisor.css';

function Select({ label, value, options, onChange, testid }: {
  label: string; value: string; options: [string, string][]; onChange: (v: string) => void; testid: string;
}) {
  return (
    <label>
      {label}
      <select value={value} data-testid={testid} onChange={(e) => onChange((e.target as HTMLSelectElement).value)}>
        <option value="">{t('sv_all')}</option>
        {options.map(([v, text]) => <option key={v} value={v}>{text}</option>)}
      </select>
    </label>
  );
}

function FilterPanel({ filters, orgs, onChange }: {
  filters: Filters; orgs: Organisation[]; onChange: (f: Filters) => void;
}) {
  const set = (patch: Partial<Filters>) => onChange({ ...filters, ...patch });
  return (
    <details class="sv-filters" open>
      <summary>{t('sv_filters')}</summary>
      <div class="sv-filter-grid">
        <Select label={t('sv_area')} value={filters.area} testid="sv-f-area" onChange={(area) => set({ area })}
          options={AREAS.map((a) => [a, t(`sv_area_${a}` as Key)])} />
        <Select label={t('sv_severity')} value={filters.severity} testid="sv-f-severity" onChange={(severity) => set({ severity })}
          options={SEVERITIES.map((s) => [s, word('severity_', s)])} />
        <Select label={t('sv_firm')} value={filters.organisation_id} testid="sv-f-firm"
          onChange={(organisation_id) => set({ organisation_id })}
          options={orgs.filter((o) => o.kind === 'property_firm').concat(orgs.filter((o) => o.kind !== 'property_firm'))
            .map((o) => [String(o.id), o.name])} />
        <Select label={t('sv_state')} value={filters.state} testid="sv-f-state" onChange={(state) => set({ state })}
          options={OPEN_STATES.map((s) => [s, word('state_', s)])} />
      </div>
      <div class="row between">
        <label class="sv-check">
          <input type="checkbox" checked={filters.overdue} data-testid="sv-f-overdue"
            onChange={(e) => set({ overdue: (e.target as HTMLInputElement).checked })} />
          {t('sv_overdue_only')}
        </label>
        <button type="button" class="link" onClick={() => onChange(NO_FILTERS)}>{t('sv_reset')}</button>
      </div>
    </details>
  );
}

function TicketList({ filters, reloadKey, orgName }: { filters: Filters; reloadKey: number; orgName: (id: number) => string }) {
  const [rows, setRows] = useState<TicketSummary[] | null>(null);
  const [total, setTotal] = useState(0);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    const controller = new AbortController();
    const q = filterQuery(filters);
    q.set('page_size', '100');
    q.set('sort', 'due');
    request(`/api/tickets?${q}`, { signal: controller.signal }).then(
      async (response) => {
        const page = JSON.parse(response.headers.get('X-Pagination') ?? '{}') as { total?: number };
        const list = (await response.json()) as TicketSummary[];
        setRows(list);
        setTotal(page.total ?? list.length);
        setError(null);
      },
      (e) => !controller.signal.aborted && setError(errorText(e)),
    );
    return () => controller.abort();
  }, [filters, reloadKey]);
  const exportAs = (format: 'csv' | 'xlsx') => {
    const q = filterQuery(filters);
    q.set('format', format);
    download(`/api/exports/tickets?${q}`, `tickets.${format}`).catch((e) =>
      alert(isMissing(e) ? t('sv_export_missing') : t('sv_export_failed', { m: errorText(e) })),
    );
  };
  return (
    <section class="sv-list">
      <div class="row between">
        <strong data-testid="sv-count">{t('sv_open_tickets', { n: total })}</strong>
        <span class="row">
          {t('sv_export')}
          <button type="button" class="small" onClick={() => exportAs('csv')}>CSV</button>
          <button type="button" class="small" onClick={() => exportAs('xlsx')}>XLSX</button>
        </span>
      </div>
      {error && <p class="error">{error}</p>}
      {rows && !rows.length && <p class="muted">{t('sv_none')}</p>}
      <ul>
        {rows?.map((r) => (
          <li key={r.id}>
            <a href={`/supervise/tickets/${r.id}`} class="sv-row" data-testid="sv-ticket-row" data-id={r.id}>
              <span class={`sev-dot sev-${r.severity}`} />
              <span class="sv-row-main">
                <strong>{r.title}</strong>
                <span class="muted small">
                  {r.code} · {orgName(r.responsible_org_id)} · {word('state_', r.state)}
                </span>
              </span>
              <span class={`small ${r.overdue ? 'error' : 'muted'}`}>
                {r.overdue ? t('sv_overdue') : t('sv_due', { t: formatTime(r.due_at) })}
              </span>
            </a>
          </li>
        ))}
      </ul>
    </section>
  );
}

export default function SupervisorHome({ ticketId }: { ticketId?: number }) {
  const [filters, setFilters] = useState<Filters>(NO_FILTERS);
  const [reloadKey, setReloadKey] = useState(0);
  const [focus, setFocus] = useState<Focus | null>(null);
  const [orgs, setOrgs] = useState<Organisation[]>([]);
  useEffect(() => {
    allOrganisations().then(setOrgs, () => setOrgs([]));
  }, []);
  const orgName = (id: number) => orgs.find((o) => o.id === id)?.name ?? `#${id}`;
  const role = useStore(app).session?.user.role ?? 'supervisor';
  return (
    <section class="sv-home" data-testid={`home-${role}`}>
      <aside class="sv-side">
        <AccountBar />
        <SupervisorNav active="map" />
        {ticketId ? (
          <TicketPanel
            key={ticketId}
            id={ticketId}
            orgName={orgName}
            onLoaded={(tk) => tk.position && setFocus({ ...tk.position, seq: Date.now() })}
            onChanged={() => setReloadKey((k) => k + 1)}
            onClose={() => navigate('/')}
          />
        ) : (
          <>
            <FilterPanel filters={filters} orgs={orgs} onChange={setFilters} />
            <TicketList filters={filters} reloadKey={reloadKey} orgName={orgName} />
          </>
        )}
      </aside>
      <div class="sv-main">
        <TicketMap
          filters={filters}
          reloadKey={reloadKey}
          focus={focus}
          selected={ticketId ?? null}
          onPick={(id) => navigate(`/supervise/tickets/${id}`)}
        />
        <p class="sv-legend small muted">{t('sv_legend')}</p>
      </div>
    </section>
  );
}
