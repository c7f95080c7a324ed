// Owner evaluation (业主评价) at /supervise/owners: per estate of the jurisdiction, the answers of
// the quarter and, from the survey's minimum on, the score and the satisfaction rate (lowest score
// first, estates still short of answers after); each estate's printable QR poster one tap away.
// An estate with enough answers shows its residents' written comments (text only) on a tap.

import { useEffect, useMemo, useRef, useState } from 'preact/hooks';
import { getJson } from '../../api';
import { describe } from '../../problem';
import { AccountBar } from '../placeholder';
import { isoDay, percent } from '../report-kit';
import { SupervisorNav } from './nav';
import { ot } from './owners-text';
import './supervisor.css';
import './owners.css';

export interface OwnerRow {
  estate_id: number;
  estate_code: string;
  estate_name: string;
  answers: number;
  published: boolean;
  score: number | null;
  satisfaction: number | null;
  means: Record<string, number | null> | null;
}

interface Results {
  period_start: string;
  period_end: string;
  min_answers: number;
  estates: OwnerRow[];
}

interface Comments {
  estate_id: number;
  min_answers: number;
  answers: number;
  published: boolean;
  comments: string[];
}

/** One estate's comments for the period: plain text (rendered as text, never as markup). */
function CommentsPanel(props: { row: OwnerRow; day: string; onClose: () => void }) {
  const { row, day, onClose } = props;
  const [found, setFound] = useState<Comments | null>(null);
  const [error, setError] = useState<string | null>(null);
  const panel = useRef<HTMLElement>(null);
  useEffect(() => panel.current?.scrollIntoView({ block: 'nearest' }), [row.estate_id]);
  useEffect(() => {
    let gone = false;
    setFound(null);
    setError(null);
    getJson<Comments>(`/api/surveys/comments/${row.estate_id}?${new URLSearchParams({ period: day })}`).then(
      (r) => !gone && setFound(r),
      (e) => !gone && setError(describe(e)),
    );
    return () => {
      gone = true;
    };
  }, [row.estate_id, day]);
  return (
    <section ref={panel} class="sv-comments" data-testid="owners-comments" aria-live="polite">
      <div class="row">
        <h3>{ot('comments_title', { name: row.estate_name, n: found?.comments.length ?? '…' })}</h3>
        <button type="button" class="small" data-testid="owners-comments-close" onClick={onClose}>
          {ot('comments_close')}
        </button>
      </div>
      {error && <p class="error">{ot('comments_failed', { m: error })}</p>}
      {!found && !error && <p class="muted">{ot('comments_loading')}</p>}
      {found && (
        <>
          <p class="muted small">{ot('comments_note', { n: found.min_answers })}</p>
          {!found.published && <p class="muted">{ot('comments_withheld', { n: found.min_answers })}</p>}
          {found.published && !found.comments.length && <p class="muted">{ot('comments_none')}</p>}
          {found.comments.length > 0 && (
            <ul class="sv-comment-list" data-testid="owners-comment-list">
              {found.comments.map((text, i) => <li key={i} data-testid="owners-comment">{text}</li>)}
            </ul>
          )}
        </>
      )}
    </section>
  );
}

/** Published first, lowest score first; then by answers (fewest first), then code. */
export function byScore(a: OwnerRow, b: OwnerRow): number {
  const x = a.score ?? Infinity;
  const y = b.score ?? Infinity;
  if (x !== y) return x - y;
  return a.answers - b.answers || a.estate_code.localeCompare(b.estate_code);
}

async function openPoster(estateId: number, target: Window | null): Promise<void> {
  const link = await getJson<{ poster_url: string }>(`/api/surveys/links/${estateId}`);
  if (target) target.location.href = link.poster_url;
  else window.location.assign(link.poster_url);
}

export default function OwnerEvaluation() {
  const [day, setDay] = useState(() => isoDay(new Date()));
  const [answer, setAnswer] = useState<Results | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const [reading, setReading] = useState<OwnerRow | null>(null);
  useEffect(() => {
    let gone = false;
    setAnswer(null);
    setError(null);
    setReading(null);
    getJson<Results>(`/api/surveys/results?${new URLSearchParams({ period: day })}`).then(
      (r) => !gone && setAnswer(r),
      (e) => !gone && setError(describe(e)),
    );
    return () => {
      gone = true;
    };
  }, [day]);
  const rows = useMemo(() => answer && [...answer.estates].sort(byScore), [answer]);

  const poster = (row: OwnerRow) => {
    setNotice(null);
    // Opened now, inside the tap: a window opened after the network answer would be blocked.
    const target = window.open('', '_blank');
    openPoster(row.estate_id, target).catch((e) => {
      target?.close();
      setNotice(ot('poster_failed', { m: describe(e) }));
    });
  };

  return (
    <section class="sv-dashboard page" data-testid="owners-report">
      <AccountBar />
      <SupervisorNav active="owners" />
      <h2>{ot('title')}</h2>
      <div class="row sv-toolbar">
        <label class="sv-date">{ot('period_label')}
          <input type="date" value={day} data-testid="owners-day"
            onChange={(e) => setDay((e.target as HTMLInputElement).value || day)} />
        </label>
      </div>
      {answer && (
        <p class="muted small" data-testid="owners-period">
          {ot('period', { a: answer.period_start, b: answer.period_end, n: answer.min_answers })}
        </p>
      )}
      {notice && <p class="banner info" data-testid="owners-notice">{notice}</p>}
      {error && <p class="error" data-testid="owners-error">{ot('failed', { m: error })}</p>}
      {!rows && !error && <p class="muted">{ot('loading')}</p>}
      {rows && !rows.length && <p class="muted">{ot('empty')}</p>}
      {rows && rows.length > 0 && answer && (
        <>
          <p class="muted small">{ot('formula')}</p>
          <div class="sv-table-wrap" tabIndex={0} role="region" aria-label={ot('title')}>
            <table class="sv-table" data-testid="owners-table">
              <thead>
                <tr>
                  <th>{ot('estate')}</th>
                  <th>{ot('score')}</th>
                  <th>{ot('satisfaction')}</th>
                  <th>{ot('answers')}</th>
                  <th>{ot('comments')}</th>
                  <th>{ot('poster')}</th>
                </tr>
              </thead>
              <tbody>
                {rows.map((r) => (
                  <tr key={r.estate_id} data-testid="owners-row" data-code={r.estate_code}>
                    <td>{r.estate_name}</td>
                    <td>{r.published && r.score !== null ? r.score.toFixed(1) : ot('too_few', { n: answer.min_answers })}</td>
                    <td>{percent(r.satisfaction)}</td>
                    <td>{r.answers}</td>
                    <td>
                      {r.published && (
                        <button type="button" class="small" data-testid="owners-comments-open"
                          aria-label={ot('comments_label', { name: r.estate_name })}
                          aria-pressed={reading?.estate_id === r.estate_id}
                          onClick={() => setReading(r)}>
                          {ot('comments')}
                        </button>
                      )}
                    </td>
                    <td>
                      <button type="button" class="small" data-testid="owners-poster"
                        aria-label={ot('poster_label', { name: r.estate_name })} onClick={() => poster(r)}>
                        {ot('poster')}
                      </button>
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
          {reading && <CommentsPanel row={reading} day={day} onClose={() => setReading(null)} />}
        </>
      )}
    </section>
  );
}
