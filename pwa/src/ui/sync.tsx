// What is waiting, sending, sent or failed, with progress and the reason of every failure.

import { useEffect, useState } from 'preact/hooks';
import { app, kickQueue, type QueueCounts } from '../app-state';
import { on } from '../bus';
import { allActions, allInspections, updateInspection, type LocalAction, type LocalInspection } from '../db';
import { formatTime, t, word, type Key } from '../i18n';
import { retryFailed } from '../outbox';
import { photoProgress, type PhotoProgress } from '../outbox/photos';
import { describeRecord } from '../problem';
import { navigate } from '../router';
import { useStore } from '../store';

function reason(record: LocalInspection): string | null {
  const error = record.lastError;
  if (!error) return null;
  if (error.status === 409) return t('err_conflict');
  return describeRecord(error);
}

const kb = (n: number) => (n < 10_240 ? `${(n / 1024).toFixed(1)} KB` : `${Math.round(n / 1024)} KB`);

/** Each photo of an unsent record: bytes sent of its size, and why its last chunk was cut. */
function PhotoBars({ hashes, tick }: { hashes: string[]; tick: number }) {
  const [list, setList] = useState<PhotoProgress[]>([]);
  useEffect(() => {
    void photoProgress(hashes).then(setList);
  }, [hashes.join(), tick]);
  return (
    <ul class="photo-progress">
      {list.map((p, i) => (
        <li key={p.hash} data-testid="photo-progress" data-sent={p.sent} data-total={p.total} data-done={p.done}>
          <span class="small">{t('sync_photo_bytes', { i: i + 1, s: kb(p.sent), n: kb(p.total) })}</span>
          <div class="progress">
            <span style={{ width: `${p.total ? (100 * p.sent) / p.total : 100}%` }} />
          </div>
          {p.note && !p.done && <p class="muted small" data-testid="upload-note">{p.note}</p>}
        </li>
      ))}
    </ul>
  );
}

const photosOf = (r: LocalInspection) => [...new Set(Object.values(r.results).flatMap((x) => x.photos))];

const ORDER: Record<string, number> = { sending: 0, failed: 1, waiting: 2, done: 3 };
const LABEL: Record<string, Key> = {
  sending: 'sync_sending',
  waiting: 'sync_waiting',
  failed: 'sync_failed',
  done: 'sync_done',
};

function unsentOf(counts: QueueCounts): number {
  return counts.waiting + counts.sending + counts.failed;
}

/** One line that never contradicts itself: "nothing to send" only when nothing is unsent. */
function summaryText(total: number, done: number, counts: QueueCounts): string {
  const parts: string[] = [];
  if (total) parts.push(t('sync_progress', { d: done, n: total }));
  if (unsentOf(counts) === 0) {
    parts.push(total || counts.done ? t('sync_all_sent') : t('sync_empty'));
  } else {
    if (counts.sending) parts.push(`${t('sync_sending')} ${counts.sending}`);
    if (counts.waiting) parts.push(`${t('sync_waiting')} ${counts.waiting}`);
    if (counts.failed) parts.push(`${t('sync_failed')} ${counts.failed}`);
  }
  return parts.join(' · ');
}

export function SyncScreen() {
  const state = useStore(app);
  const session = state.session!;
  const [records, setRecords] = useState<LocalInspection[]>([]);
  const [actions, setActions] = useState<LocalAction[]>([]);
  const [storage, setStorage] = useState<{ usage?: number; quota?: number } | null>(null);
  const [ticks, tick] = useState(0);

  useEffect(() => {
    const load = () => {
      void allInspections().then((all) => setRecords(all.filter((r) => r.state !== 'draft')));
      void allActions().then((all) =>
        setActions(all.filter((a) => a.userId === session.user.id && a.state !== 'draft' && a.state !== 'done')),
      );
    };
    load();
    const off = on('queue-changed', load);
    const timer = setInterval(() => {
      load();
      tick((n) => n + 1);
    }, 1000);
    void navigator.storage?.estimate?.().then(setStorage);
    return () => {
      off();
      clearInterval(timer);
    };
  }, []);

  const mine = records.filter((r) => r.userId === session.user.id);
  const others = records.filter((r) => r.userId !== session.user.id && r.state !== 'done');
  const done = mine.filter((r) => r.state === 'done').length;
  const total = mine.length;
  const sorted = [...mine].sort(
    (a, b) => ORDER[a.state] - ORDER[b.state] || (b.submittedAt ?? '').localeCompare(a.submittedAt ?? ''),
  );
  const mb = (n?: number) => (n === undefined ? '?' : `${(n / 1048576).toFixed(1)} MB`);

  return (
    <section class="page" data-testid="sync">
      <div class="row between">
        <h2>{t('sync_title')}</h2>
        <button
          type="button"
          class="small"
          disabled={!state.online || session.expired}
          onClick={() => void kickQueue(true)}
          data-testid="sync-now"
        >
          {t('sync_now')}
        </button>
      </div>
      {session.expired && <p class="warning">{t('sync_paused_login')}</p>}
      <div class="progress big" data-testid="sync-progress">
        <span style={{ width: `${total ? (100 * done) / total : 100}%` }} />
      </div>
      <p class="muted small" data-testid="sync-summary">
        {summaryText(total, done, state.counts)}
      </p>
      <ul class="list queue" data-testid="queue">
        {sorted.map((r) => {
          const why = reason(r);
          const wait = r.state === 'waiting' && r.nextAttemptAt > Date.now() ? Math.ceil((r.nextAttemptAt - Date.now()) / 1000) : 0;
          const steps = r.photosTotal + 1;
          const stepsDone = r.state === 'done' ? steps : r.photosSent;
          return (
            <li key={r.id} class={`q ${r.state}`} data-testid="queue-item" data-state={r.state} data-id={r.id}>
              <div class="row between">
                <b>{t('inspection_label', { e: r.estateName })}</b>
                <span class={`state ${r.state}`}>{t(LABEL[r.state])}</span>
              </div>
              <div class="muted small">
                {formatTime(r.startedAt)} · {t('sync_photos', { d: r.state === 'done' ? r.photosTotal : r.photosSent, n: r.photosTotal })}
                {r.attempts > 0 && ` · ${t('sync_attempts', { n: r.attempts })}`}
                {wait > 0 && ` · ${t('sync_next_try', { s: wait })}`}
                {r.doneAt && ` · ${formatTime(r.doneAt)}`}
              </div>
              <div class="progress">
                <span style={{ width: `${(100 * stepsDone) / steps}%` }} />
              </div>
              {r.state !== 'done' && r.photosTotal > 0 && <PhotoBars hashes={photosOf(r)} tick={ticks} />}
              {why && r.state !== 'done' && (
                <p class={r.state === 'failed' ? 'error small' : 'muted small'} data-testid="reason">
                  {t('sync_reason', { m: why })}
                </p>
              )}
              {r.state === 'failed' && (
                <div class="row">
                  <button type="button" class="small" onClick={() => void retryFailed('inspection', r.id).then(() => kickQueue(true))}>
                    {t('sync_retry')}
                  </button>
                  {r.lastError?.status === 422 && (
                    <button
                      type="button"
                      class="small"
                      onClick={async () => {
                        // Refused as invalid, so the server stored nothing: safe to edit and resubmit.
                        await updateInspection(r.id, (x) => {
                          x.state = 'draft';
                          x.payload = null;
                          x.finishedAt = null;
                        });
                        navigate(`/inspect/${r.id}/review`);
                      }}
                    >
                      {t('resume_inspection')}
                    </button>
                  )}
                </div>
              )}
            </li>
          );
        })}
      </ul>
      {actions.length > 0 && (
        <ul class="list queue" data-testid="queued-actions">
          {actions.map((a) => (
            <li key={a.id} class={`q ${a.state}`} data-testid="queued-action-item" data-state={a.state}>
              <div class="row between">
                <a href={`/ticket/${a.ticketId}`}>
                  {word('act_', a.action)} · {a.title} · {a.ticketCode}
                </a>
                <span class={`state ${a.state}`}>{t(LABEL[a.state])}</span>
              </div>
              {a.photos.length > 0 && <PhotoBars hashes={a.photos} tick={ticks} />}
              {a.lastError && (
                <p class={a.state === 'failed' ? 'error small' : 'muted small'}>
                  {t('sync_reason', { m: describeRecord(a.lastError) })}
                </p>
              )}
            </li>
          ))}
        </ul>
      )}
      {state.counts.failed > 0 && <p class="muted small">{t('sync_kept')}</p>}
      {others.length > 0 && <p class="warning">{t('other_user_data', { n: others.length })}</p>}
      {others.map((r) => (
        <p class="muted small" key={r.id}>
          {r.estateName} · {t('sync_other_user', { u: r.username })}
        </p>
      ))}
      {storage && (
        <p class="muted small">{t('sync_storage', { u: mb(storage.usage), q: mb(storage.quota) })}</p>
      )}
      {/* Only worth saying while something unsent could be lost to the browser's clean-up. */}
      {state.persisted === false && unsentOf(state.counts) > 0 && (
        <p class="warning small" data-testid="storage-risk">
          {t('storage_risk')}
        </p>
      )}
    </section>
  );
}
