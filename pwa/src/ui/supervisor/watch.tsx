// 集中整治 at /supervise/watchlist: the period's watch list of the jurisdiction (estates ranked by
// complaints, disputes, rework, overdue tickets and poor owner evaluation, with the reasons in
// words), where a supervisor classifies an estate and records measures and follow-ups (kept, never
// overwritten); exports of the list with its outcomes; and the 考核 ranking on a second tab.

import { useEffect, useState } from 'preact/hooks';
import { getJson, request } from '../../api';
import type { components } from '../../api-types';
import { getSession } from '../../db';
import { describe } from '../../problem';
import { AccountBar } from '../placeholder';
import { download } from './api';
import { SupervisorNav } from './nav';
import { Rankings } from './watch-rankings';
import { wt } from './watch-text';
import './supervisor.css';
import './watch.css';

type Watchlist = components['schemas']['Watchlist'];
type Entry = components['schemas']['Entry'];
type Note = components['schemas']['Note'];
const CATEGORIES = ['legacy', 'poor_service', 'self_governance'] as const;
const KINDS = ['measure', 'follow_up', 'classification'] as const;
type Kind = (typeof KINDS)[number];

/** This quarter and the three before it, newest first (Beijing calendar). */
export function recentQuarters(now: Date = new Date()): { key: string; y: number; q: number }[] {
  const beijing = new Date(now.getTime() + 8 * 3600_000);
  let y = beijing.getUTCFullYear();
  let q = Math.floor(beijing.getUTCMonth() / 3) + 1;
  const found = [];
  for (let i = 0; i < 4; i++) {
    found.push({ key: `${y}Q${q}`, y, q });
    q -= 1;
    if (q === 0) [y, q] = [y - 1, 4];
  }
  return found;
}

function noteLine(n: Note): string {
  const what = n.kind === 'classification' ? wt(`cat_${n.category as (typeof CATEGORIES)[number]}`) : '';
  return [what, n.text].filter(Boolean).join(' · ');
}

function NoteForm({ entry, period, onSaved }: { entry: Entry; period: string; onSaved: () => void }) {
  const [kind, setKind] = useState<Kind>(entry.classification ? 'measure' : 'classification');
  const [category, setCategory] = useState<string>(entry.classification?.category ?? '');
  const [text, setText] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const save = async (e: Event) => {
    e.preventDefault();
    setError(null);
    // Said before asking: the server would refuse the same, in less friendly words.
    if (kind === 'classification' && !category) return setError(wt('need_category'));
    if (kind !== 'classification' && !text.trim()) return setError(wt('need_text'));
    setBusy(true);
    try {
      const body: Record<string, unknown> = { period, kind, text };
      if (kind === 'classification') body.category = category || null;
      await request(`/api/watchlist/${entry.estate_id}/notes`, { method: 'POST', json: body });
      setText('');
      onSaved();
    } catch (err) {
      setError(wt('save_failed', { m: describe(err) }));
    } finally {
      setBusy(false);
    }
  };
  return (
    <form class="wl-form" onSubmit={save} data-testid="wl-form">
      <fieldset class="wl-choices">
        <legend>{wt('note_kind')}</legend>
        {KINDS.map((k) => (
          <label key={k} class="wl-choice">
            <input type="radio" name={`kind-${entry.estate_id}`} value={k} checked={kind === k}
              data-testid={`wl-kind-${k}`} onChange={() => setKind(k)} />
            {wt(`kind_${k}`)}
          </label>
        ))}
      </fieldset>
      {kind === 'classification' && (
        <fieldset class="wl-choices">
          <legend>{wt('category')}</legend>
          {CATEGORIES.map((c) => (
            <label key={c} class="wl-choice">
              <input type="radio" name={`cat-${entry.estate_id}`} value={c} checked={category === c}
                data-testid={`wl-cat-${c}`} onChange={() => setCategory(c)} />
              {wt(`cat_${c}`)}
            </label>
          ))}
        </fieldset>
      )}
      <label class="wl-text">{wt('text')}
        <textarea rows={3} maxLength={2000} value={text} placeholder={wt('text_hint')} data-testid="wl-text"
          onInput={(e) => setText((e.target as HTMLTextAreaElement).value)} />
      </label>
      {error && <p class="error" data-testid="wl-error">{error}</p>}
      <button type="submit" class="primary" disabled={busy} data-testid="wl-save">{busy ? wt('saving') : wt('save')}</button>
    </form>
  );
}

function EntryCard({ entry, period, canDecide, onSaved }: { entry: Entry; period: string; canDecide: boolean; onSaved: () => void }) {
  const [open, setOpen] = useState(false);
  const notes = entry.notes ?? [];
  return (
    <li class="wl-card" data-testid="wl-entry" data-code={entry.code}>
      <div class="wl-head">
        <span class="wl-rank">{entry.rank ?? '—'}</span>
        <span class="wl-name">{entry.name}<span class="muted small"> · {entry.street}</span></span>
        <span class="wl-points">{entry.listed ? wt('points', { n: entry.points ?? 0 }) : wt('off_list')}</span>
      </div>
      <p class="wl-reasons" data-testid="wl-reasons">{(entry.reasons ?? []).join('、')}</p>
      <p class="wl-class" data-testid="wl-class">
        {entry.classification ? wt(`cat_${entry.classification.category as (typeof CATEGORIES)[number]}`) : wt('unclassified')}
      </p>
      <button type="button" class="small" aria-expanded={open} data-testid="wl-decide" onClick={() => setOpen(!open)}>
        {open ? wt('close') : canDecide ? wt('decide') : wt('history')}
      </button>
      {open && (
        <>
          {canDecide && <NoteForm entry={entry} period={period} onSaved={onSaved} />}
          <h4>{wt('history')}</h4>
          {notes.length ? (
            <ol class="wl-notes" data-testid="wl-notes">
              {[...notes].reverse().map((n) => (
                <li key={n.id}>
                  <span class="muted small">{n.noted_on} {wt(`kind_${n.kind as Kind}`)} · {n.author}</span>
                  <div>{noteLine(n)}</div>
                </li>
              ))}
            </ol>
          ) : (
            <p class="muted small">{wt('no_notes')}</p>
          )}
        </>
      )}
    </li>
  );
}

export default function WatchScreen() {
  const quarters = recentQuarters();
  const [period, setPeriod] = useState(quarters[0].key);
  const [tab, setTab] = useState<'list' | 'rank'>('list');
  const [answer, setAnswer] = useState<Watchlist | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const [reloads, setReloads] = useState(0);
  const [supervisor, setSupervisor] = useState(false);
  useEffect(() => {
    getSession().then((s) => setSupervisor(s?.user?.role === 'supervisor'));
  }, []);
  useEffect(() => {
    if (tab !== 'list') return;
    let gone = false;
    setError(null);
    getJson<Watchlist>(`/api/watchlist?${new URLSearchParams({ period })}`).then(
      (r) => !gone && setAnswer(r),
      (e) => !gone && setError(describe(e)),
    );
    return () => {
      gone = true;
    };
  }, [period, tab, reloads]);
  const exportAs = (format: 'csv' | 'xlsx') => {
    setNotice(null);
    download(`/api/watchlist/export?${new URLSearchParams({ period, format })}`, `watchlist-${period}.${format}`).catch((e) =>
      setNotice(wt('export_failed', { m: describe(e) })),
    );
  };
  const saved = () => {
    setNotice(wt('saved'));
    setReloads((n) => n + 1);
  };
  const rows = answer && answer.period === period ? (answer.estates ?? []) : null;
  return (
    <section class="sv-dashboard page" data-testid="watch-screen">
      <AccountBar />
      <SupervisorNav active="watchlist" />
      <h2>{wt('title')}</h2>
      <div class="row sv-toolbar">
        <label class="sv-date">{wt('period_label')}
          <select value={period} data-testid="wl-period" onChange={(e) => setPeriod((e.target as HTMLSelectElement).value)}>
            {quarters.map((q) => <option key={q.key} value={q.key}>{wt('quarter', { y: q.y, q: q.q })}</option>)}
          </select>
        </label>
        <div class="sv-tabs" role="tablist">
          <button type="button" role="tab" aria-selected={tab === 'list'} class={tab === 'list' ? 'active' : ''}
            data-testid="wl-tab-list" onClick={() => setTab('list')}>{wt('tab_list')}</button>
          <button type="button" role="tab" aria-selected={tab === 'rank'} class={tab === 'rank' ? 'active' : ''}
            data-testid="wl-tab-rank" onClick={() => setTab('rank')}>{wt('tab_rank')}</button>
        </div>
      </div>
      {notice && <p class="banner info" data-testid="wl-notice">{notice}</p>}
      {tab === 'rank' && <Rankings period={period} />}
      {tab === 'list' && (
        <>
          <div class="row wl-export">
            <span>{wt('export')}</span>
            <button type="button" class="small" data-testid="wl-export-csv" onClick={() => exportAs('csv')}>CSV</button>
            <button type="button" class="small" data-testid="wl-export-xlsx" onClick={() => exportAs('xlsx')}>XLSX</button>
          </div>
          {error && <p class="error" data-testid="wl-failed">{wt('failed', { m: error })}</p>}
          {!rows && !error && <p class="muted">{wt('loading')}</p>}
          {rows && answer && (
            <p class="muted small">
              {wt('intro', { v: answer.rule_version ?? '', n: answer.size ?? 0, p: answer.min_points ?? 0 })}
            </p>
          )}
          {rows && !rows.length && <p class="muted" data-testid="wl-empty">{wt('empty')}</p>}
          {rows && rows.length > 0 && (
            <ol class="wl-list" data-testid="wl-list">
              {rows.map((e) => <EntryCard key={e.estate_id} entry={e} period={period} canDecide={supervisor} onSaved={saved} />)}
            </ol>
          )}
        </>
      )}
    </section>
  );
}
