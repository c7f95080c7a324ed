// Scorecard dashboard: units (firms), streets, estates and districts over a chosen period, as a
// table and a bar chart; exports of the same figures; publishing them (公示) and the public page.

import type { JSX } from 'preact';
import { useState } from 'preact/hooks';
import { request } from '../../api';
import { t, type Key } from '../../i18n';
import { AccountBar } from '../placeholder';
import { download, errorText, isMissing } from './api';
import { BarChart, type Bar } from './charts';
import { InspectorsTab } from './inspectors-tab';
import { FullcoverTab } from './fullcover-tab';
import { ft } from './fullcover-text';
import { st } from '../scorecard-text';
import { dt } from './disclosure-text';
import { SupervisorNav } from './nav';
import { isoDay, percent as pct, useRows } from '../report-kit';
import './supervisor.css';

type Level = 'firms' | 'streets' | 'estates' | 'districts';
type Row = Record<string, unknown> & { name: string };
const LEVELS: Level[] = ['firms', 'streets', 'estates', 'districts'];

const num = (v: unknown) => (typeof v === 'number' ? (Number.isInteger(v) ? String(v) : v.toFixed(1)) : '—');
const text = (v: unknown) => (v === null || v === undefined ? '—' : String(v));

// 催办: acknowledged / urged in the period (narrow enough for 360 px), — when never urged.
const urged = (r: Row) => (typeof r.urges === 'number' && r.urges > 0 ? `${num(r.urges_acknowledged)}/${r.urges}` : '—');

/** Columns per level: [heading, how to show the row]. */
const UNIT_COLUMNS: [Key, (r: Row) => string][] = [
  ['sv_due_n', (r) => num(r.due)],
  ['sv_closed_n', (r) => num(r.closed)],
  ['sv_closure_rate', (r) => pct(r.closure_rate)],
  ['sv_on_time_rate', (r) => pct(r.on_time_rate)],
  ['sv_rework_rate', (r) => pct(r.rework_rate)],
  ['sv_overdue_open', (r) => num(r.overdue_open)],
];
const COLUMNS: Record<Level, [Key, (r: Row) => string][]> = {
  // 满意率 (回访): null below the minimum of answers, shown as —.
  firms: [...UNIT_COLUMNS, ['sv_satisfaction', (r) => pct(r.satisfaction_rate)], ['sv_urges', urged], ['sv_credit', (r) => text(r.grade)]],
  streets: [['sv_rank', (r) => num(r.rank)], ['sv_mean_score', (r) => num(r.mean_estate_score)], ...UNIT_COLUMNS],
  districts: [['sv_rank', (r) => num(r.rank)], ['sv_mean_score', (r) => num(r.mean_estate_score)], ...UNIT_COLUMNS],
  estates: [['sv_rank', (r) => num(r.rank)], ['sv_total', (r) => num(r.total)], ['sv_grade', (r) => text(r.grade)]],
};

const GRADE_COLOUR: Record<string, string> = { A: '#2e7d32', B: '#8bc34a', C: '#f9a825', D: '#c62828' };
const scoreColour = (v: number | null) => (v === null ? '#9e9e9e' : v >= 90 ? '#2e7d32' : v >= 80 ? '#8bc34a' : v >= 70 ? '#f9a825' : '#c62828');

function chartOf(level: Level, rows: Row[]): JSX.Element {
  if (level === 'firms') {
    const bars: Bar[] = rows
      .filter((r) => typeof r.due === 'number' && (r.due as number) > 0)
      .map((r) => ({ label: r.name, value: (r.on_time_rate as number | null) ?? null, colour: GRADE_COLOUR[String(r.grade)] }));
    return <BarChart testid="sv-chart" title={t('sv_chart_on_time')} bars={bars} max={1} format={(v) => `${(v * 100).toFixed(0)}%`} />;
  }
  const key = level === 'estates' ? 'total' : 'mean_estate_score';
  const bars: Bar[] = rows.map((r) => {
    const value = typeof r[key] === 'number' ? (r[key] as number) : null;
    return { label: r.name, value, colour: scoreColour(value) };
  });
  return <BarChart testid="sv-chart" title={t('sv_chart_score')} bars={bars} max={100} format={(v) => v.toFixed(1)} />;
}

// The optional parts of a 公示 (backend/disclosures/sections.py), in the order they are offered.
const SECTIONS = ['coverage', 'owner_survey', 'kaoping', 'fullcover', 'kaohe'] as const;
type Section = (typeof SECTIONS)[number];

export default function Dashboard() {
  const [level, setLevel] = useState<Level>('firms');
  // The 巡查员 and 全覆盖 tabs (their own files) replace the scorecard below the period pickers.
  const [extra, setExtra] = useState<'inspectors' | 'fullcover' | null>(null);
  const inspectors = extra === 'inspectors';
  const [to, setTo] = useState(() => isoDay(new Date()));
  const [from, setFrom] = useState(() => isoDay(new Date(Date.now() - 30 * 86_400_000)));
  const [notice, setNotice] = useState<string | null>(null);
  const [sections, setSections] = useState<ReadonlySet<Section>>(new Set());
  const toggle = (name: Section, on: boolean) => {
    const next = new Set(sections);
    if (on) next.add(name);
    else next.delete(name);
    setSections(next);
  };
  const { rows, error } = useRows<Row>(
    `/api/reports/scorecards/${level}?${new URLSearchParams({ from, to })}`,
  );

  const exportAs = (format: 'csv' | 'xlsx') => {
    const q = new URLSearchParams({ format, from, to });
    download(`/api/exports/scorecards/${level}?${q}`, `scorecards-${level}.${format}`).catch((e) =>
      setNotice(isMissing(e) ? t('sv_export_missing') : t('sv_export_failed', { m: errorText(e) })),
    );
  };
  const publish = async () => {
    if (!confirm(t('sv_publish_confirm', { a: from, b: to }))) return;
    try {
      await request('/api/disclosures', { method: 'POST', json: { period_start: from, period_end: to, sections: SECTIONS.filter((name) => sections.has(name)) } });
      setNotice(t('sv_published'));
    } catch (e) {
      setNotice(isMissing(e) ? t('sv_publish_missing') : t('sv_publish_failed', { m: errorText(e) }));
    }
  };

  const columns = COLUMNS[level];
  return (
    <section class="sv-dashboard page" data-testid="sv-dashboard">
      <AccountBar />
      <SupervisorNav active="scorecards" />
      <div class="row sv-toolbar">
        <div class="sv-tabs" role="tablist">
          {LEVELS.map((l) => (
            <button key={l} type="button" role="tab" aria-selected={l === level && !extra} class={l === level && !extra ? 'active' : ''}
              data-testid={`sv-level-${l}`} onClick={() => { setLevel(l); setExtra(null); }}>
              {t(`sv_level_${l}` as Key)}
            </button>
          ))}
          <button type="button" role="tab" aria-selected={inspectors} class={inspectors ? 'active' : ''}
            data-testid="sv-level-inspectors" onClick={() => setExtra('inspectors')}>
            {st('tab')}
          </button>
          <button type="button" role="tab" aria-selected={extra === 'fullcover'} class={extra === 'fullcover' ? 'active' : ''}
            data-testid="sv-level-fullcover" onClick={() => setExtra('fullcover')}>
            {ft('tab')}
          </button>
        </div>
        <label class="sv-date">{t('sv_from')}
          <input type="date" value={from} max={to} onChange={(e) => setFrom((e.target as HTMLInputElement).value || from)} />
        </label>
        <label class="sv-date">{t('sv_to')}
          <input type="date" value={to} min={from} onChange={(e) => setTo((e.target as HTMLInputElement).value || to)} />
        </label>
      </div>
      {inspectors && <InspectorsTab from={from} to={to} />}
      {extra === 'fullcover' && <FullcoverTab on={to} />}
      {!extra && (<>
      <div class="row sv-toolbar">
        <span>{t('sv_export')}</span>
        <button type="button" class="small" onClick={() => exportAs('csv')} data-testid="sv-export-csv">CSV</button>
        <button type="button" class="small" onClick={() => exportAs('xlsx')} data-testid="sv-export-xlsx">XLSX</button>
      </div>
      <fieldset class="sv-publish-parts">
        <legend>{dt('parts')}</legend>
        {SECTIONS.map((name) => (
          <label key={name} class="sv-check" title={dt(`with_${name}_hint`)}>
            <input type="checkbox" checked={sections.has(name)} data-testid={`sv-publish-${name}`}
              onChange={(e) => toggle(name, (e.target as HTMLInputElement).checked)} />
            {dt(`with_${name}`)}
          </label>
        ))}
      </fieldset>
      <div class="row sv-toolbar">
        <button type="button" class="small primary" onClick={publish} data-testid="sv-publish">{t('sv_publish')}</button>
        <a class="button small" href="/public/" target="_blank" rel="noopener">{t('sv_public_page')}</a>
      </div>
      {notice && <p class="banner info" data-testid="sv-notice">{notice}</p>}
      {error && <p class="error">{error}</p>}
      {!rows && !error && <p class="muted">{t('loading')}</p>}
      {rows && !rows.length && <p class="muted">{t('sv_no_rows')}</p>}
      {rows && rows.length > 0 && (
        <div class="sv-board">
          {chartOf(level, rows)}
          {/* Wider than a phone: it scrolls, so a keyboard must be able to reach and scroll it. */}
          <div class="sv-table-wrap" tabIndex={0} role="region" aria-label={t(`sv_level_${level}` as Key)}>
            <table class="sv-table" data-testid="sv-table">
              <thead>
                <tr>
                  <th>{t('sv_name')}</th>
                  {columns.map(([key]) => <th key={key}>{t(key)}</th>)}
                </tr>
              </thead>
              <tbody>
                {rows.map((r, i) => (
                  <tr key={i}>
                    <td>{r.name}</td>
                    {columns.map(([key, show]) => <td key={key}>{show(r)}</td>)}
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        </div>
      )}
      </>)}
    </section>
  );
}
