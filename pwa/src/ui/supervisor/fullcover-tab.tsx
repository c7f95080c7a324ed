// The 全覆盖 tab of the scorecard dashboard: how far the caller's districts or streets have brought
// their formerly unmanaged old estates under management (read on the dashboard's `to` day), the
// plan's milestones met or missed, old estates by mode at each month end since the baseline, and
// the old estates still unmanaged with for how long. Exports of the same figures.

import { useEffect, useState } from 'preact/hooks';
import { getJson } from '../../api';
import { describe } from '../../problem';
import { percent } from '../report-kit';
import { download, errorText } from './api';
import { ModeChart, type Point } from './fullcover-chart';
import { ft } from './fullcover-text';
import './fullcover.css';

type Group = 'district' | 'street';
type Status = 'met' | 'missed' | 'pending' | 'not_applicable';

interface Mark {
  target_date: string;
  target_percent: number;
  label: string;
  covered: number;
  formerly_unmanaged: number;
  share: number | null;
  status: Status;
}
interface Figures {
  old_estates: number;
  formerly_unmanaged: number;
  covered: number;
  share: number | null;
  old_unmanaged_now: number;
  series: Point[];
  milestones: Mark[];
}
interface Row extends Figures {
  id: number;
  code: string;
  name: string;
  district?: string;
}
interface Progress {
  as_of: string;
  baseline: string;
  old_before: number;
  rows: Row[];
  total: Figures;
}
interface Unmanaged {
  id: number;
  code: string;
  name: string;
  street: string;
  since: string | null;
  days: number | null;
}

function useJson<T>(url: string): { data: T | null; error: string | null } {
  const [data, setData] = useState<T | null>(null);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    let gone = false;
    setData(null);
    setError(null);
    getJson<T>(url).then((r) => !gone && setData(r), (e) => !gone && setError(describe(e)));
    return () => { gone = true; };
  }, [url]);
  return { data, error };
}

function Marks({ marks }: { marks: Mark[] }) {
  if (!marks.length) return <span>—</span>;
  return (
    <>
      {marks.map((m) => (
        <span key={m.target_date} class={`fc-mark fc-${m.status}`} title={m.label}>
          {ft('milestone', { d: m.target_date, p: m.target_percent })} {percent(m.share)} {ft(`status_${m.status}`)}
        </span>
      ))}
    </>
  );
}

export function FullcoverTab({ on }: { on: string }) {
  const [group, setGroup] = useState<Group>('district');
  const [notice, setNotice] = useState<string | null>(null);
  const { data, error } = useJson<Progress>(`/api/reports/fullcover?${new URLSearchParams({ group, on })}`);
  const list = useJson<Unmanaged[]>(`/api/reports/fullcover/unmanaged?${new URLSearchParams({ on })}`);

  const exportAs = (format: 'csv' | 'xlsx') => {
    download(`/api/exports/fullcover?${new URLSearchParams({ group, on, format })}`, `fullcover.${format}`).catch((e) =>
      setNotice(ft('export_failed', { m: errorText(e) })),
    );
  };

  return (
    <div data-testid="sv-fullcover" class="fc-tab">
      <div class="row sv-toolbar">
        <div class="sv-tabs" role="tablist">
          {(['district', 'street'] as const).map((g) => (
            <button key={g} type="button" role="tab" aria-selected={g === group} class={g === group ? 'active' : ''}
              data-testid={`fc-group-${g}`} onClick={() => setGroup(g)}>
              {ft(g === 'district' ? 'per_district' : 'per_street')}
            </button>
          ))}
        </div>
        <span>{ft('export')}</span>
        <button type="button" class="small" onClick={() => exportAs('csv')} data-testid="fc-export-csv">CSV</button>
        <button type="button" class="small" onClick={() => exportAs('xlsx')} data-testid="fc-export-xlsx">XLSX</button>
        <a class="button small" href="/public/fullcover" target="_blank" rel="noopener">{ft('public_page')}</a>
      </div>
      {notice && <p class="banner info">{notice}</p>}
      {error && <p class="error">{error}</p>}
      {!data && !error && <p class="muted">…</p>}
      {data && (
        <div class="sv-board">
          <section class="fc-summary" data-testid="fc-summary">
            <h3>{ft('title')}</h3>
            <p class="fc-big" data-testid="fc-share">{percent(data.total.share)}</p>
            <p>{ft('share', { c: data.total.covered, n: data.total.formerly_unmanaged })}</p>
            <p>{ft('unmanaged_now', { n: data.total.old_unmanaged_now })}</p>
            {data.total.milestones.length > 0 && (
              <p class="fc-marks" data-testid="fc-milestones"><strong>{ft('milestones')}</strong> <Marks marks={data.total.milestones} /></p>
            )}
            <p class="muted small">{ft('definition', { y: data.old_before, b: data.baseline })}</p>
          </section>
          <ModeChart series={data.total.series} />
          <div class="sv-table-wrap" tabIndex={0} role="region" aria-label={ft(group === 'district' ? 'per_district' : 'per_street')}>
            <table class="sv-table" data-testid="fc-table">
              <thead>
                <tr>
                  <th>{ft('name')}</th><th>{ft('rate')}</th><th>{ft('covered')}</th><th>{ft('formerly')}</th>
                  <th>{ft('still')}</th><th>{ft('milestones')}</th>
                </tr>
              </thead>
              <tbody>
                {data.rows.map((r) => (
                  <tr key={r.id} data-code={r.code}>
                    <td>{r.name}</td><td>{percent(r.share)}</td><td>{r.covered}</td><td>{r.formerly_unmanaged}</td>
                    <td>{r.old_unmanaged_now}</td><td class="fc-marks"><Marks marks={r.milestones} /></td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
          <section data-testid="fc-unmanaged">
            <h3>{ft('list')}</h3>
            {list.error && <p class="error">{list.error}</p>}
            {list.data && !list.data.length && <p class="muted">{ft('none')}</p>}
            {list.data && list.data.length > 0 && (
              <ul class="fc-list">
                {list.data.map((e) => (
                  <li key={e.id} data-code={e.code}>
                    <strong>{e.name}</strong> <span class="muted">{e.street}</span>
                    <span class="fc-days">{e.since ? `${ft('since')} ${e.since} · ${e.days} ${ft('days')}` : ft('never')}</span>
                  </li>
                ))}
              </ul>
            )}
          </section>
        </div>
      )}
    </div>
  );
}
