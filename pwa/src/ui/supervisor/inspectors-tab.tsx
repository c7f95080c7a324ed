// The 巡查员 tab of the scorecard dashboard: the inspector scorecard per inspector or per grid
// over the dashboard's period, with its CSV / XLSX exports.

import { useState } from 'preact/hooks';
import type { InspectorRow } from '../my-scorecard';
import { percent, useRows } from '../report-kit';
import { st } from '../scorecard-text';
import { download, errorText } from './api';

type Group = 'inspector' | 'grid';
type Col = [Parameters<typeof st>[0], (r: InspectorRow) => string];

const COLUMNS: Col[] = [
  ['tasks_due', (r) => String(r.tasks_due)],
  ['on_time_inspection', (r) => percent(r.on_time_inspection_rate)],
  ['valid_reports', (r) => percent(r.valid_report_rate)],
  ['on_time_verify', (r) => percent(r.on_time_verify_rate)],
  ['missed_reports', (r) => percent(r.missed_report_rate)],
  ['evidence_flags', (r) => percent(r.evidence_flag_rate)],
];

export function InspectorsTab({ from, to }: { from: string; to: string }) {
  const [group, setGroup] = useState<Group>('inspector');
  const [notice, setNotice] = useState<string | null>(null);
  const { rows, error } = useRows<InspectorRow>(
    `/api/reports/scorecards/inspectors?${new URLSearchParams({ from, to, group })}`,
  );

  const exportAs = (format: 'csv' | 'xlsx') => {
    const q = new URLSearchParams({ format, from, to, group });
    download(`/api/exports/scorecards/inspectors?${q}`, `scorecards-inspectors.${format}`).catch((e) =>
      setNotice(st('export_failed', { m: errorText(e) })),
    );
  };

  return (
    <div data-testid="sv-inspectors">
      <div class="row sv-toolbar">
        <div class="sv-tabs" role="tablist">
          {(['inspector', 'grid'] as const).map((g) => (
            <button key={g} type="button" role="tab" aria-selected={g === group} class={g === group ? 'active' : ''}
              data-testid={`sv-inspectors-${g}`} onClick={() => setGroup(g)}>
              {st(g === 'inspector' ? 'per_inspector' : 'per_grid')}
            </button>
          ))}
        </div>
        <span>{st('export')}</span>
        <button type="button" class="small" onClick={() => exportAs('csv')} data-testid="sv-inspectors-csv">CSV</button>
        <button type="button" class="small" onClick={() => exportAs('xlsx')} data-testid="sv-inspectors-xlsx">XLSX</button>
      </div>
      {notice && <p class="banner info">{notice}</p>}
      {error && <p class="error">{error}</p>}
      {!rows && !error && <p class="muted">…</p>}
      {rows && !rows.length && <p class="muted">{st('no_rows')}</p>}
      {rows && rows.length > 0 && (
        <div class="sv-table-wrap" tabIndex={0} role="region" aria-label={st('tab')}>
          <table class="sv-table sv-inspectors-table" data-testid="sv-inspectors-table">
            <thead>
              <tr>
                <th>{st('name')}</th>
                {COLUMNS.map(([key]) => <th key={key}>{st(key)}</th>)}
              </tr>
            </thead>
            <tbody>
              {rows.map((r) => (
                <tr key={`${r.id}`} data-code={r.code}>
                  <td>{r.name}</td>
                  {COLUMNS.map(([key, show]) => <td key={key}>{show(r)}</td>)}
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </div>
  );
}
