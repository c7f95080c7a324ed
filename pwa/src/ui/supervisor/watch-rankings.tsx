// 考核 ranking (GET /api/rankings): streets within their district, or districts in the city.

import { useEffect, useState } from 'preact/hooks';
import { getJson } from '../../api';
import type { components } from '../../api-types';
import { describe } from '../../problem';
import { wt } from './watch-text';

type Ranking = components['schemas']['Ranking'];
type Level = 'street' | 'district';
const PARTS = ['inspection', 'on_time', 'owners', 'fullcover'] as const;

function num(v: number | null | undefined): string {
  return v === null || v === undefined ? '—' : v.toFixed(1);
}

export function Rankings({ period }: { period: string }) {
  const [level, setLevel] = useState<Level>('street');
  const [answer, setAnswer] = useState<Ranking | null>(null);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    let gone = false;
    setAnswer(null);
    setError(null);
    getJson<Ranking>(`/api/rankings?${new URLSearchParams({ period, level })}`).then(
      (r) => !gone && setAnswer(r),
      (e) => !gone && setError(describe(e)),
    );
    return () => {
      gone = true;
    };
  }, [period, level]);
  const rows = answer?.rows ?? [];
  const w = answer?.weights ?? {};
  return (
    <div data-testid="watch-rankings">
      <div class="sv-tabs" role="tablist">
        {(['street', 'district'] as const).map((l) => (
          <button key={l} type="button" role="tab" aria-selected={l === level} class={l === level ? 'active' : ''}
            data-testid={`rank-level-${l}`} onClick={() => setLevel(l)}>
            {wt(`level_${l}`)}
          </button>
        ))}
      </div>
      {error && <p class="error">{wt('failed', { m: error })}</p>}
      {!answer && !error && <p class="muted">{wt('loading')}</p>}
      {answer && !rows.length && <p class="muted">{wt('no_rank')}</p>}
      {answer && rows.length > 0 && (
        <>
          <p class="muted small">
            {wt('formula', { v: answer.formula_version ?? '', a: w.inspection ?? 0, b: w.on_time ?? 0, c: w.owners ?? 0, d: w.fullcover ?? 0 })}
          </p>
          <div class="sv-table-wrap" tabIndex={0} role="region" aria-label={wt('tab_rank')}>
            <table class="sv-table wl-rank-table" data-testid="rank-table">
              <thead>
                <tr>
                  <th>{wt('name')}</th>
                  <th>{wt('rank')}</th>
                  <th>{wt('composite')}</th>
                  {PARTS.map((p) => <th key={p}>{wt(`part_${p}`)}</th>)}
                </tr>
              </thead>
              <tbody>
                {rows.map((r) => (
                  <tr key={r.id} data-testid="rank-row" data-name={r.name}>
                    <td>{level === 'street' ? `${r.district ?? ''} · ${r.name}` : r.name}</td>
                    <td>{r.rank ?? '—'}</td>
                    <td><strong>{num(r.composite)}</strong></td>
                    {PARTS.map((p) => <td key={p}>{num(r.parts?.[p])}</td>)}
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        </>
      )}
    </div>
  );
}
