// 我的考评: the inspector's own scorecard (their row of /api/reports/scorecards/inspectors) for
// this month or last month. The last figures seen are kept on the phone, so offline it shows
// them with their time instead of an error alone.

import { useEffect, useState } from 'preact/hooks';
import { getJson } from '../api';
import { app } from '../app-state';
import { describe } from '../problem';
import { useStore } from '../store';
import { t } from '../i18n';
import './my-scorecard.css';
import { isoDay, percent } from './report-kit';
import { st } from './scorecard-text';

export interface InspectorRow {
  id: number | null;
  code: string;
  name: string;
  tasks_due: number;
  tasks_done: number;
  tasks_done_late: number;
  tasks_missed: number;
  on_time_inspection_rate: number | null;
  findings: number;
  findings_confirmed: number;
  findings_invalid: number;
  valid_report_rate: number | null;
  reinspections: number;
  reinspections_on_time: number;
  on_time_verify_rate: number | null;
  complaints: number;
  complaints_missed: number;
  missed_report_rate: number | null;
  photos: number;
  flagged_photos: number;
  evidence_flag_rate: number | null;
}


/** This month to date, or the whole of last month (the phone's calendar, which is Beijing's). */
export function monthPeriod(which: 'this' | 'last', now = new Date()): { from: string; to: string } {
  if (which === 'this') return { from: isoDay(new Date(now.getFullYear(), now.getMonth(), 1)), to: isoDay(now) };
  return {
    from: isoDay(new Date(now.getFullYear(), now.getMonth() - 1, 1)),
    to: isoDay(new Date(now.getFullYear(), now.getMonth(), 0)),
  };
}

interface Saved {
  at: number;
  row: InspectorRow | null;
}

// Per account: two inspectors may share a phone.
const cacheKey = (user: number, from: string, to: string) => `wuhao.my-scorecard.${user}.${from}.${to}`;

function readSaved(user: number, from: string, to: string): Saved | null {
  try {
    const raw = localStorage.getItem(cacheKey(user, from, to));
    return raw ? (JSON.parse(raw) as Saved) : null;
  } catch {
    return null;
  }
}

type Figure = [string, number | null, string, 'higher' | 'lower'];

function figures(r: InspectorRow): Figure[] {
  return [
    ['on_time_inspection', r.on_time_inspection_rate,
      st('on_time_inspection_of', {
        d: r.tasks_due, a: r.tasks_done, l: r.tasks_done_late, m: r.tasks_missed,
        o: r.tasks_due - r.tasks_done - r.tasks_done_late - r.tasks_missed,
      }), 'higher'],
    ['valid_reports', r.valid_report_rate,
      st('valid_reports_of', { f: r.findings, a: r.findings_confirmed, b: r.findings_invalid }), 'higher'],
    ['on_time_verify', r.on_time_verify_rate,
      st('on_time_verify_of', { n: r.reinspections, a: r.reinspections_on_time }), 'higher'],
    ['missed_reports', r.missed_report_rate,
      st('missed_reports_of', { n: r.complaints, a: r.complaints_missed }), 'lower'],
    ['evidence_flags', r.evidence_flag_rate,
      st('evidence_flags_of', { n: r.photos, a: r.flagged_photos }), 'lower'],
  ];
}

export function MyScorecard() {
  const [which, setWhich] = useState<'this' | 'last'>('this');
  const { from, to } = monthPeriod(which);
  const user = useStore(app).session?.user.id ?? 0;
  const [saved, setSaved] = useState<Saved | null>(() => readSaved(user, from, to));
  const [fresh, setFresh] = useState(false);
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    let gone = false;
    setSaved(readSaved(user, from, to));
    setFresh(false);
    setError(null);
    const q = new URLSearchParams({ from, to });
    getJson<InspectorRow[]>(`/api/reports/scorecards/inspectors?${q}`).then(
      (rows) => {
        if (gone) return;
        const next = { at: Date.now(), row: rows[0] ?? null };
        try {
          localStorage.setItem(cacheKey(user, from, to), JSON.stringify(next));
        } catch {
          /* full or private: the figures still show */
        }
        setSaved(next);
        setFresh(true);
      },
      (e) => !gone && setError(describe(e)),
    );
    return () => {
      gone = true;
    };
  }, [user, from, to]);

  const row = saved?.row ?? null;
  return (
    <section class="page my-scorecard" data-testid="my-scorecard">
      <a class="back" href="/">
        ‹ {t('back')}
      </a>
      <h2>{st('my_scorecard')}</h2>
      <div class="sc-tabs" role="tablist">
        {(['this', 'last'] as const).map((w) => (
          <button key={w} type="button" role="tab" aria-selected={w === which} class={w === which ? 'active' : ''}
            data-testid={`my-sc-${w}`} onClick={() => setWhich(w)}>
            {st(w === 'this' ? 'this_month' : 'last_month')}
          </button>
        ))}
      </div>
      <p class="muted" data-testid="my-sc-period">{st('period', { a: from, b: to })}</p>
      {error && (
        <p class="banner warn" data-testid="my-sc-error">
          {st('cannot_load', { m: error })}
          {saved ? ` ${st('offline_cached', { t: new Date(saved.at).toLocaleString() })}` : ''}
        </p>
      )}
      {!saved && !error && <p class="muted">…</p>}
      {saved && !row && <p class="muted">{st('no_row')}</p>}
      {row && (
        <ul class="sc-figures" data-testid="my-sc-figures" data-fresh={fresh ? '1' : '0'}>
          {figures(row).map(([key, rate, detail, better]) => (
            <li key={key} class="card" data-testid={`my-sc-${key}`}>
              <div class="row between">
                <strong>{st(key as Parameters<typeof st>[0])}</strong>
                <span class="sc-rate" data-testid={`my-sc-${key}-rate`}>
                  {rate === null ? st('no_data') : percent(rate)}
                </span>
              </div>
              <div class="muted">
                {detail} · {st(better === 'higher' ? 'higher_better' : 'lower_better')}
              </div>
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
