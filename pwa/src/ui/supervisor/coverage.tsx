// The coverage report (巡查覆盖率) at /supervise/coverage: per grid, street, district or inspector
// over a period (this month by default), the tasks due, done on time, done late, missed and still
// open and the coverage rate, lowest coverage first; CSV/XLSX exports of the same arguments.

import { useMemo, useState } from 'preact/hooks';
import { AccountBar } from '../placeholder';
import { download, errorText } from './api';
import { ct } from './coverage-text';
import { isoDay, percent, useRows } from '../report-kit';
import { SupervisorNav } from './nav';
import './supervisor.css';
import './coverage.css';

type Group = 'grid' | 'street' | 'district' | 'inspector';
const GROUPS: Group[] = ['grid', 'street', 'district', 'inspector'];

export interface CoverageRow {
  id: number | null;
  code: string;
  name: string;
  due: number;
  done: number;
  done_late: number;
  missed: number;
  open: number;
  coverage: number | null;
}

const COUNTS = ['due', 'done', 'done_late', 'missed', 'open'] as const;
/** Below this the rate is written in red. */
const LOW = 0.8;

/** Lowest coverage first; groups with nothing due (no rate) last; then by code. */
export function byCoverage(a: CoverageRow, b: CoverageRow): number {
  const x = a.coverage ?? Infinity;
  const y = b.coverage ?? Infinity;
  return x === y ? a.code.localeCompare(b.code) : x - y;
}

export default function CoverageReport() {
  const [group, setGroup] = useState<Group>('grid');
  const [to, setTo] = useState(() => isoDay(new Date()));
  const [from, setFrom] = useState(() => `${isoDay(new Date()).slice(0, 8)}01`);
  const [notice, setNotice] = useState<string | null>(null);
  const answer = useRows<CoverageRow>(`/api/reports/coverage?${new URLSearchParams({ group, from, to })}`);
  const rows = useMemo(() => answer.rows && [...answer.rows].sort(byCoverage), [answer.rows]);
  const error = answer.error;

  const exportAs = (format: 'csv' | 'xlsx') => {
    setNotice(null);
    const q = new URLSearchParams({ group, from, to, format });
    download(`/api/exports/coverage?${q}`, `coverage-${group}.${format}`).catch((e) =>
      setNotice(ct('export_failed', { m: errorText(e) })),
    );
  };
  const thisMonth = () => {
    const today = isoDay(new Date());
    setFrom(`${today.slice(0, 8)}01`);
    setTo(today);
  };

  return (
    <section class="sv-dashboard cov-report page" data-testid="cov-report">
      <AccountBar />
      <SupervisorNav active="coverage" />
      <h2>{ct('title')}</h2>
      <div class="row sv-toolbar">
        <div class="sv-tabs" role="tablist">
          {GROUPS.map((g) => (
            <button key={g} type="button" role="tab" aria-selected={g === group} class={g === group ? 'active' : ''}
              data-testid={`cov-group-${g}`} onClick={() => setGroup(g)}>
              {ct(`group_${g}`)}
            </button>
          ))}
        </div>
      </div>
      <div class="row sv-toolbar">
        <label class="sv-date">{ct('from_label')}
          <input type="date" value={from} max={to} data-testid="cov-from"
            onChange={(e) => setFrom((e.target as HTMLInputElement).value || from)} />
        </label>
        <label class="sv-date">{ct('to_label')}
          <input type="date" value={to} min={from} data-testid="cov-to"
            onChange={(e) => setTo((e.target as HTMLInputElement).value || to)} />
        </label>
        <button type="button" class="small cov-this-month" onClick={thisMonth}>{ct('this_month')}</button>
      </div>
      <div class="row sv-toolbar cov-exports">
        <span>{ct('export')}</span>
        <button type="button" class="small" onClick={() => exportAs('csv')} data-testid="cov-export-csv">CSV</button>
        <button type="button" class="small" onClick={() => exportAs('xlsx')} data-testid="cov-export-xlsx">XLSX</button>
      </div>
      {notice && <p class="banner info" data-testid="cov-notice">{notice}</p>}
      {error && <p class="error" data-testid="cov-error">{ct('failed', { m: error })}</p>}
      {!rows && !error && <p class="muted">{ct('loading')}</p>}
      {rows && !rows.length && <p class="muted" data-testid="cov-empty">{ct('no_rows')}</p>}
      {rows && rows.length > 0 && (
        <>
          <p class="muted small cov-formula">{ct('formula')}</p>
          {/* Wider than a phone: it scrolls, so a keyboard must be able to reach and scroll it. */}
          <div class="sv-table-wrap" tabIndex={0} role="region" aria-label={ct(`group_${group}`)}>
            <table class="sv-table" data-testid="cov-table">
              <thead>
                <tr>
                  <th>{ct('name')}</th>
                  <th>{ct('coverage')}</th>
                  {COUNTS.map((key) => <th key={key}>{ct(key)}</th>)}
                </tr>
              </thead>
              <tbody>
                {rows.map((r) => (
                  <tr key={`${r.id}`} data-testid="cov-row" data-code={r.code}>
                    <td>{r.name}</td>
                    {/* The rate beside the name: the figure the rows are sorted by stays on a phone's screen. */}
                    <td class={r.coverage !== null && r.coverage < LOW ? 'cov-low' : ''}>{percent(r.coverage)}</td>
                    {COUNTS.map((key) => <td key={key}>{r[key]}</td>)}
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        </>
      )}
    </section>
  );
}
