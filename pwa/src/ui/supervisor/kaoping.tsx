// 考评 at /supervise/kaoping: per firm its 信用等级, per estate of the jurisdiction its composite,
// grade and missing parts for the quarter (GET /api/kaoping). A street supervisor (街道办事处)
// also fills the street's assessments (/assess).

import { useEffect, useMemo, useState } from 'preact/hooks';
import { getJson } from '../../api';
import { app } from '../../app-state';
import { describe } from '../../problem';
import { useStore } from '../../store';
import { kt } from '../kaoping/kaoping-text';
import { AccountBar } from '../placeholder';
import { isoDay } from '../report-kit';
import { SupervisorNav } from './nav';
import '../kaoping/kaoping.css';
import './supervisor.css';

interface EstateRow {
  estate_id: number;
  code: string;
  name: string;
  composite: number | null;
  grade: string | null;
  missing: string[];
  owner_answers: number;
}
interface FirmRow {
  organisation_id: number;
  name: string;
  estates: number;
  graded: number;
  mean: number | null;
  credit_grade: string | null;
}
interface Kaoping {
  period: { first: string; last: string };
  formula: { id: string; weights: Record<string, number> };
  estates: EstateRow[];
  firms: FirmRow[];
}

const score = (v: number | null) => (v === null ? '—' : v.toFixed(1));

export default function KaopingTab() {
  const [day, setDay] = useState(() => isoDay(new Date()));
  const [answer, setAnswer] = useState<Kaoping | null>(null);
  const [error, setError] = useState<string | null>(null);
  const street = useStore(app).session?.user.scope.level === 'street';
  useEffect(() => {
    let gone = false;
    setAnswer(null);
    setError(null);
    getJson<Kaoping>(`/api/kaoping?${new URLSearchParams({ period: day })}`).then(
      (r) => !gone && setAnswer(r),
      (e) => !gone && setError(describe(e)),
    );
    return () => {
      gone = true;
    };
  }, [day]);
  const estates = useMemo(
    () => answer && [...answer.estates].sort((a, b) => (b.composite ?? -1) - (a.composite ?? -1) || a.code.localeCompare(b.code)),
    [answer],
  );
  return (
    <section class="sv-dashboard page" data-testid="kaoping-report">
      <AccountBar />
      <SupervisorNav active="kaoping" />
      <h2>{kt('title')}</h2>
      <div class="row sv-toolbar">
        <label class="sv-date">{kt('period_label')}
          <input type="date" value={day} data-testid="kaoping-day"
            onChange={(e) => setDay((e.target as HTMLInputElement).value || day)} />
        </label>
        {street && <a class="button small" href="/assess" data-testid="kaoping-assess">{kt('assess_nav')}</a>}
      </div>
      {error && <p class="error" data-testid="kaoping-error">{kt('failed', { m: error })}</p>}
      {!answer && !error && <p class="muted">{kt('loading')}</p>}
      {answer && estates && (
        <>
          <p class="muted small" data-testid="kaoping-period">{kt('quarter', { a: answer.period.first, b: answer.period.last })}</p>
          <h3>{kt('firms')}</h3>
          {answer.firms.length === 0 && <p class="muted">{kt('no_firms')}</p>}
          {answer.firms.length > 0 && (
            <div class="sv-table-wrap" tabIndex={0} role="region" aria-label={kt('firms')}>
              <table class="sv-table" data-testid="kaoping-firms">
                <thead>
                  <tr><th>{kt('firm')}</th><th>{kt('credit')}</th><th>{kt('mean')}</th><th>{kt('graded')}</th></tr>
                </thead>
                <tbody>
                  {answer.firms.map((f) => (
                    <tr key={f.organisation_id} data-testid="kaoping-firm">
                      <td>{f.name}</td>
                      <td class="kp-grade">{f.credit_grade ?? '—'}</td>
                      <td>{score(f.mean)}</td>
                      <td>{f.graded} / {f.estates}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          )}
          <h3>{kt('estates')}</h3>
          <div class="sv-table-wrap" tabIndex={0} role="region" aria-label={kt('estates')}>
            <table class="sv-table" data-testid="kaoping-estates">
              <thead>
                <tr><th>{kt('estate')}</th><th>{kt('composite')}</th><th>{kt('grade')}</th><th>{kt('missing_parts')}</th></tr>
              </thead>
              <tbody>
                {estates.map((r) => (
                  <tr key={r.estate_id} data-testid="kaoping-estate" data-code={r.code}>
                    <td class="kp-estate-name">{r.name}</td>
                    <td>{score(r.composite)}</td>
                    <td class="kp-grade" data-testid="kaoping-grade">{r.grade ?? kt('ungraded')}</td>
                    <td class="kp-missing">{r.missing.map((p) => kt(`part_${p}` as Parameters<typeof kt>[0])).join('、') || '—'}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
          <p class="muted small">
            {kt('formula', { w: Math.round((answer.formula.weights.owner ?? 0) * 100), id: answer.formula.id })}
          </p>
        </>
      )}
    </section>
  );
}
