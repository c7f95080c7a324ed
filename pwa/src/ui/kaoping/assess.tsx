// 考评打分 at /assess (and /assess/:id for one estate's form): committee members, community staff
// and street supervisors score the estates they assess, one form per quarter, on the phone.
// The form is the server's (GET /api/assessments/form); a second submission replaces the first.

import { useEffect, useState } from 'preact/hooks';
import { getJson, request } from '../../api';
import { lang } from '../../i18n';
import { navigate } from '../../router';
import { describe } from '../../problem';
import { AccountBar } from '../placeholder';
import { kt } from './kaoping-text';
import './kaoping.css';

interface Text {
  zh: string;
  en?: string;
}
interface Item {
  key: string;
  title: Text;
  points: number;
}
interface Form {
  kind: 'committee' | 'community' | 'street';
  version: number;
  definition: { title: Text; intro?: Text; items: Item[]; comment?: Text };
}
interface Given {
  ratings: Record<string, number>;
  score: number;
  comment: string;
  submitted_at: string;
}
interface Row {
  estate_id: number;
  code: string;
  name: string;
  assessment: Given | null;
}
interface Mine {
  kind: string;
  period_start: string;
  period_end: string;
  open: boolean;
  estates: Row[];
}

const say = (text: Text | undefined): string => (text ? (lang() === 'en' && text.en) || text.zh : '');

function useAssessments() {
  const [form, setForm] = useState<Form | null>(null);
  const [mine, setMine] = useState<Mine | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [round, setRound] = useState(0);
  useEffect(() => {
    let gone = false;
    Promise.all([getJson<Form>('/api/assessments/form'), getJson<Mine>('/api/assessments/mine')]).then(
      ([f, m]) => {
        if (gone) return;
        setForm(f);
        setMine(m);
      },
      (e) => !gone && setError(describe(e)),
    );
    return () => {
      gone = true;
    };
  }, [round]);
  return { form, mine, error, reload: () => setRound((n) => n + 1) };
}

export function AssessScreen({ estateId }: { estateId?: number }) {
  const { form, mine, error, reload } = useAssessments();
  const [notice, setNotice] = useState<string | null>(null);
  const row = mine?.estates.find((r) => r.estate_id === estateId);
  return (
    <section class="page kp-assess" data-testid="assess">
      <AccountBar />
      <h2>{form ? kt(`kind_${form.kind}`) : kt('assess_title')}</h2>
      {mine && <p class="muted small" data-testid="assess-quarter">{kt('quarter', { a: mine.period_start, b: mine.period_end })}</p>}
      {mine && !mine.open && <p class="banner warn">{kt('closed')}</p>}
      {notice && <p class="banner info" data-testid="assess-notice">{notice}</p>}
      {error && <p class="error" data-testid="assess-error">{kt('failed', { m: error })}</p>}
      {!mine && !error && <p class="muted">{kt('loading')}</p>}
      {mine && form && estateId === undefined && <EstateList mine={mine} />}
      {mine && form && row && (
        <AssessForm
          key={row.estate_id}
          form={form}
          row={row}
          open={mine.open}
          onSaved={(score) => {
            setNotice(kt('saved', { name: row.name, s: score }));
            reload();
            navigate('/assess');
          }}
        />
      )}
    </section>
  );
}

function EstateList({ mine }: { mine: Mine }) {
  if (!mine.estates.length) return <p class="muted">{kt('empty')}</p>;
  return (
    <ul class="kp-estates">
      {mine.estates.map((r) => (
        <li key={r.estate_id} class="kp-estate" data-testid="assess-estate" data-code={r.code}>
          <span class="kp-name">{r.name}</span>
          <span class={`kp-state ${r.assessment ? 'ok' : ''}`}>
            {r.assessment ? kt('done', { s: r.assessment.score }) : kt('not_yet')}
          </span>
          {mine.open && (
            <a class="button small" href={`/assess/${r.estate_id}`} data-testid="assess-open">
              {r.assessment ? kt('change') : kt('fill')}
            </a>
          )}
        </li>
      ))}
    </ul>
  );
}

function AssessForm({ form, row, open, onSaved }: { form: Form; row: Row; open: boolean; onSaved: (score: number) => void }) {
  const items = form.definition.items;
  const [ratings, setRatings] = useState<Record<string, number | null>>(() =>
    Object.fromEntries(items.map((i) => [i.key, row.assessment?.ratings[i.key] ?? null])),
  );
  const [comment, setComment] = useState(row.assessment?.comment ?? '');
  const [busy, setBusy] = useState(false);
  const [problem, setProblem] = useState<string | null>(null);
  const left = items.filter((i) => ratings[i.key] === null).length;
  const total = items.reduce((sum, i) => sum + (ratings[i.key] ?? 0), 0);
  const submit = async (event: Event) => {
    event.preventDefault();
    if (left || busy) return;
    setBusy(true);
    setProblem(null);
    try {
      const answer = await request(`/api/assessments/${row.estate_id}`, { method: 'PUT', json: { ratings, comment } });
      const saved = (await answer.json()) as Given;
      onSaved(saved.score);
    } catch (e) {
      setProblem(kt('send_failed', { m: describe(e) }));
    } finally {
      setBusy(false);
    }
  };
  return (
    <form class="kp-form" onSubmit={submit} data-testid="assess-form">
      <a class="back" href="/assess">{kt('back')}</a>
      <h3>{row.name}</h3>
      {form.definition.intro && <p class="muted small">{say(form.definition.intro)}</p>}
      {row.assessment && <p class="muted small">{kt('replaces')}</p>}
      {items.map((item) => (
        <label key={item.key} class="kp-item">
          <span class="kp-title">{say(item.title)}</span>
          <span class="muted small">{kt('points', { n: item.points })}</span>
          <select
            data-testid="assess-item"
            data-key={item.key}
            value={ratings[item.key] === null ? '' : String(ratings[item.key])}
            onChange={(e) => {
              const value = (e.target as HTMLSelectElement).value;
              setRatings((now) => ({ ...now, [item.key]: value === '' ? null : Number(value) }));
            }}
          >
            <option value="">{kt('choose')}</option>
            {Array.from({ length: item.points + 1 }, (_, n) => item.points - n).map((n) => (
              <option key={n} value={String(n)}>
                {n}
              </option>
            ))}
          </select>
        </label>
      ))}
      <label class="kp-item">
        <span class="kp-title">{say(form.definition.comment) || kt('comment')}</span>
        <textarea maxLength={300} rows={3} value={comment} data-testid="assess-comment"
          onInput={(e) => setComment((e.target as HTMLTextAreaElement).value)} />
      </label>
      <p class="kp-total" data-testid="assess-total">
        {kt('total', { s: total })}
        {left > 0 && <span class="muted small"> · {kt('missing', { n: left })}</span>}
      </p>
      {problem && <p class="error" data-testid="assess-problem">{problem}</p>}
      <button type="submit" class="primary" disabled={!open || left > 0 || busy} data-testid="assess-submit">
        {busy ? kt('submitting') : kt('submit')}
      </button>
    </form>
  );
}
