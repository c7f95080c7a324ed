// Walking an estate through the checklist, item by item. Every change is written to IndexedDB at
// once (notes after a short pause), so closing the app or losing power loses nothing.

import { useEffect, useMemo, useRef, useState } from 'preact/hooks';
import { app, kickQueue, registerBackgroundSync } from '../app-state';
import {
  missingEvidence,
  numberProblem,
  orderedItems,
  outcomeOf,
  requestBody,
  review,
  type ChecklistVersion,
  type Item,
} from '../checklist';
import { checklistVersion } from '../data';
import {
  deleteDraft,
  dropUnreferencedPhotos,
  getInspection,
  getPhoto,
  putInspection,
  putPhoto,
  type Answer,
  type LocalInspection,
  type LocalResult,
} from '../db';
import { distanceToAreaM } from '../geo';
import { freshPosition, gps, useGpsWatch } from '../gps';
import { formatTime, t, tr, type Key } from '../i18n';
import { compressPhoto, isoNow } from '../photos';
import { navigate } from '../router';
import { useStore } from '../store';
import { GpsLine, inspectorData, loadInspectorData } from './estates';

const MAX_PHOTOS = 10; // the server's limit per finding

type View = 'item' | 'overview' | 'review';

function emptyResult(): LocalResult {
  return { answer: null, note: '', photos: [], position: null, answeredAt: null };
}

export function InspectScreen({ id, view }: { id: string; view: View }) {
  const session = useStore(app).session!;
  const [record, setRecord] = useState<LocalInspection | null | undefined>(undefined);
  const [version, setVersion] = useState<ChecklistVersion | null>(null);
  const current = useRef<LocalInspection | null>(null);
  const saving = useRef<Promise<void>>(Promise.resolve());
  const noteTimer = useRef<ReturnType<typeof setTimeout> | null>(null);

  useEffect(() => useGpsWatch(), []);
  useEffect(() => {
    void (async () => {
      const found = await getInspection(id);
      if (!found || found.userId !== session.user.id) return setRecord(null);
      current.current = found;
      setRecord(found);
      setVersion((await checklistVersion(found.checklistVersionId)) ?? null);
      if (!inspectorData.get().estates) void loadInspectorData(session.user.id, false);
    })();
  }, [id]);

  const persist = () => {
    const snapshot = current.current;
    if (!snapshot || snapshot.state !== 'draft') return;
    const copy = structuredClone(snapshot);
    saving.current = saving.current.then(() => putInspection(copy)).catch((e) => console.error('save failed', e));
  };
  const flushNote = () => {
    if (noteTimer.current) {
      clearTimeout(noteTimer.current);
      noteTimer.current = null;
      persist();
    }
  };
  useEffect(() => {
    const onHide = () => flushNote();
    document.addEventListener('visibilitychange', onHide);
    window.addEventListener('pagehide', onHide);
    return () => {
      flushNote();
      document.removeEventListener('visibilitychange', onHide);
      window.removeEventListener('pagehide', onHide);
    };
  }, []);

  /** Change the draft; `lazy` waits for a pause in typing before writing. */
  const change = (fn: (r: LocalInspection) => void, lazy = false) => {
    const base = current.current;
    if (!base || base.state !== 'draft') return;
    const next = structuredClone(base);
    fn(next);
    next.updatedAt = new Date().toISOString();
    current.current = next;
    setRecord(next);
    if (lazy) {
      if (noteTimer.current) clearTimeout(noteTimer.current);
      noteTimer.current = setTimeout(() => {
        noteTimer.current = null;
        persist();
      }, 400);
    } else {
      if (noteTimer.current) clearTimeout(noteTimer.current);
      noteTimer.current = null;
      persist();
    }
  };

  // Keep the best position fix seen during the inspection as the inspection's position.
  const { position } = useStore(gps);
  useEffect(() => {
    if (!position || !record || record.state !== 'draft') return;
    const old = record.position;
    if (!old || (position.accuracy_m ?? 9999) < (old.accuracy_m ?? 9999)) change((r) => (r.position = position));
  }, [position?.lat, position?.lng, position?.accuracy_m, record?.id]);

  const items = useMemo(() => (version ? orderedItems(version) : []), [version]);

  if (record === undefined) return <p class="page muted">{t('loading')}</p>;
  if (record === null) return <p class="page error">{t('err_unknown')}</p>;
  if (!version) return <p class="page error">{t('no_checklist')}</p>;
  if (record.state !== 'draft') {
    return (
      <section class="page">
        <p>{t('submitted')}</p>
        <a class="button primary" href="/sync">
          {t('sync_title')}
        </a>
      </section>
    );
  }

  const cursor = Math.min(Math.max(0, record.cursor), items.length - 1);
  const goTo = (index: number, to: View = 'item') => {
    flushNote();
    change((r) => (r.cursor = Math.min(Math.max(0, index), items.length - 1)));
    navigate(to === 'item' ? `/inspect/${record.id}` : `/inspect/${record.id}/${to}`, true);
  };

  return (
    <section class="page inspect" data-testid="inspection">
      <InspectHeader record={record} version={version} items={items} goTo={goTo} />
      {view === 'item' && (
        <ItemView
          key={items[cursor].code}
          record={record}
          item={items[cursor]}
          index={cursor}
          count={items.length}
          change={change}
          goTo={goTo}
        />
      )}
      {view === 'overview' && <Overview record={record} version={version} items={items} goTo={goTo} />}
      {view === 'review' && (
        <ReviewView
          record={record}
          version={version}
          items={items}
          goTo={goTo}
          submit={async () => {
            flushNote();
            await saving.current;
            const finished = structuredClone(current.current!);
            finished.finishedAt = isoNow();
            finished.payload = requestBody(version, finished);
            finished.state = 'waiting';
            finished.submittedAt = new Date().toISOString();
            finished.nextAttemptAt = 0;
            finished.photosTotal = new Set(Object.values(finished.results).flatMap((r) => r.photos)).size;
            current.current = finished;
            await putInspection(finished);
            navigate('/sync');
            void registerBackgroundSync();
            void kickQueue(true);
          }}
          discard={async () => {
            if (!confirm(t('discard_confirm'))) return;
            await deleteDraft(record.id);
            current.current = null;
            navigate('/');
          }}
        />
      )}
    </section>
  );
}

function InspectHeader({
  record,
  version,
  items,
  goTo,
}: {
  record: LocalInspection;
  version: ChecklistVersion;
  items: Item[];
  goTo: (i: number, to?: View) => void;
}) {
  const data = useStore(inspectorData);
  const { position } = useStore(gps);
  const estate = data.estates?.find((e) => e.id === record.estateId);
  const away = position && estate ? distanceToAreaM(estate.geometry, [position.lng, position.lat]) : null;
  const answered = items.filter((i) => outcomeOf(i, record.results[i.code]?.answer) !== null).length;
  return (
    <header class="inspect-head">
      <div class="row between">
        <h2>{record.estateName}</h2>
        <span class="muted small">{t('started', { t: formatTime(record.startedAt) })}</span>
      </div>
      <div class="row between small">
        <GpsLine />
        {away === 0 && <b class="tag ok">{t('inside_estate')}</b>}
        {position?.accuracy_m != null && position.accuracy_m > 50 && (
          <span class="tag warn">{t('poor_accuracy', { a: Math.round(position.accuracy_m) })}</span>
        )}
      </div>
      {away !== null && away > 0 && (
        <p class="warning" data-testid="outside-warning">
          {t('outside_estate', { d: Math.round(away) })}
        </p>
      )}
      <div class="progress" title={t('answered_of', { a: answered, n: items.length })}>
        <span style={{ width: `${(100 * answered) / Math.max(1, items.length)}%` }} />
      </div>
      <div class="areas">
        {version.definition.areas.map((area) => {
          const mine = items.filter((i) => i.area === area.key);
          const done = mine.filter((i) => outcomeOf(i, record.results[i.code]?.answer) !== null).length;
          const first = items.findIndex(
            (i) => i.area === area.key && outcomeOf(i, record.results[i.code]?.answer) === null,
          );
          const target = first >= 0 ? first : items.findIndex((i) => i.area === area.key);
          return (
            <button
              type="button"
              key={area.key}
              class={`chip ${done === mine.length ? 'done' : ''}`}
              onClick={() => goTo(target)}
            >
              {tr(area.title)} {done}/{mine.length}
            </button>
          );
        })}
      </div>
    </header>
  );
}

function ItemView({
  record,
  item,
  index,
  count,
  change,
  goTo,
}: {
  record: LocalInspection;
  item: Item;
  index: number;
  count: number;
  change: (fn: (r: LocalInspection) => void, lazy?: boolean) => void;
  goTo: (i: number, to?: View) => void;
}) {
  const result = record.results[item.code] ?? emptyResult();
  const outcome = outcomeOf(item, result.answer);
  const missing = missingEvidence(item, result);
  const [numberText, setNumberText] = useState(typeof result.answer === 'number' ? String(result.answer) : '');
  const [busy, setBusy] = useState(false);
  const [photoError, setPhotoError] = useState<string | null>(null);
  const last = index === count - 1;

  const setResult = (fn: (r: LocalResult) => void, lazy = false) =>
    change((r) => {
      const target = r.results[item.code] ?? emptyResult();
      fn(target);
      r.results[item.code] = target;
    }, lazy);

  const answer = (value: Answer | null, advance = false) => {
    setResult((r) => {
      r.answer = value;
      r.answeredAt = isoNow();
      r.position = freshPosition() ?? r.position;
    });
    if (advance && !last) setTimeout(() => goTo(index + 1), 150);
  };

  const onNumber = (text: string) => {
    setNumberText(text);
    const value = text.trim() === '' ? NaN : Number(text);
    if (text.trim() === '') answer(null);
    else if (!numberProblem(item, value)) answer(value);
  };

  const onPhoto = async (event: Event) => {
    const input = event.target as HTMLInputElement;
    const files = Array.from(input.files ?? []);
    input.value = '';
    if (!files.length) return;
    setBusy(true);
    setPhotoError(null);
    try {
      for (const file of files) {
        if (result.photos.length >= MAX_PHOTOS) {
          setPhotoError(t('photo_limit', { n: MAX_PHOTOS }));
          break;
        }
        const compressed = await compressPhoto(file);
        const position = freshPosition();
        await putPhoto({
          hash: compressed.hash,
          blob: compressed.blob,
          size: compressed.blob.size,
          width: compressed.width,
          height: compressed.height,
          capturedAt: isoNow(new Date(file.lastModified || Date.now())),
          position,
          inspectionId: record.id,
          itemCode: item.code,
          uploaded: false,
          attempted: false,
        });
        setResult((r) => {
          if (!r.photos.includes(compressed.hash)) r.photos.push(compressed.hash);
          r.position = position ?? r.position;
        });
      }
    } catch (e) {
      setPhotoError(t('photo_failed', { m: e instanceof Error ? e.message : String(e) }));
    } finally {
      setBusy(false);
    }
  };

  const removePhoto = (hash: string) => {
    setResult((r) => (r.photos = r.photos.filter((h) => h !== hash)));
    setTimeout(() => void dropUnreferencedPhotos([hash]), 500);
  };

  const spec = item.answer;
  const showEvidence = outcome === 'fail' || result.note !== '' || result.photos.length > 0;
  const notApplicable = (
    <button
      type="button"
      class={`ans na ${result.answer === 'not_applicable' ? 'on' : ''}`}
      onClick={() => answer('not_applicable', true)}
    >
      {t('not_applicable')}
    </button>
  );
  return (
    <article class="card item" data-testid="item" data-code={item.code}>
      <div class="row between small muted">
        <span data-testid="item-counter">{t('item_of', { i: index + 1, n: count })}</span>
        <span>
          {item.code} · <b class={`sev ${item.severity}`}>{t(`severity_${item.severity}` as Key)}</b>
        </span>
      </div>
      <h3>{tr(item.title)}</h3>
      {item.guidance && (
        <details>
          <summary>{t('guidance')}</summary>
          <p>{tr(item.guidance)}</p>
          {item.clause_ref && (
            <p class="muted small">
              {t('clause')}: {item.clause_ref} {item.clause_text}
            </p>
          )}
        </details>
      )}

      {spec.type === 'pass_fail' && (
        <div class="answers three">
          <button type="button" class={`ans pass ${result.answer === 'pass' ? 'on' : ''}`} onClick={() => answer('pass', true)}>
            {t('pass')}
          </button>
          <button type="button" class={`ans fail ${result.answer === 'fail' ? 'on' : ''}`} onClick={() => answer('fail')}>
            {t('fail')}
          </button>
          {notApplicable}
        </div>
      )}
      {spec.type === 'choice' && (
        <div class="answers">
          {spec.options.map((o) => (
            <button
              type="button"
              key={o.value}
              class={`ans ${o.passes ? 'pass' : 'fail'} ${result.answer === o.value ? 'on' : ''}`}
              onClick={() => answer(o.value, o.passes)}
            >
              {tr(o)}
            </button>
          ))}
          {notApplicable}
        </div>
      )}
      {spec.type === 'number' && (
        <div class="number">
          <label>
            {t('value')} {spec.unit ? `(${spec.unit})` : ''}
            <input
              type="number"
              inputMode={spec.integer ? 'numeric' : 'decimal'}
              step={spec.integer ? 1 : 'any'}
              min={spec.min ?? undefined}
              max={spec.max ?? undefined}
              value={numberText}
              onInput={(e) => onNumber((e.target as HTMLInputElement).value)}
              data-testid="number"
            />
          </label>
          <p class="muted small">
            {t('number_range', {
              r: `${spec.pass_min ?? '−∞'} – ${spec.pass_max ?? '∞'}${spec.unit ? ` ${spec.unit}` : ''}`,
            })}
          </p>
          {numberText !== '' && numberProblem(item, Number(numberText)) && (
            <p class="error small">
              {t('number_invalid', {
                min: spec.min ?? '−∞',
                max: spec.max ?? '∞',
                kind: spec.integer ? t('whole_number') : t('number_word'),
              })}
            </p>
          )}
          <button
            type="button"
            class={`ans na ${result.answer === 'not_applicable' ? 'on' : ''}`}
            onClick={() => {
              setNumberText('');
              answer('not_applicable', true);
            }}
          >
            {t('not_applicable')}
          </button>
          {outcome === 'pass' && <p class="tag ok">{t('result_pass')}</p>}
          {outcome === 'fail' && <p class="tag bad">{t('result_fail')}</p>}
        </div>
      )}

      {showEvidence && (
        <div class="evidence" data-testid="evidence">
          <label class={missing.note ? 'required' : ''}>
            {outcome === 'fail' && item.on_fail.note ? t('note_required') : t('note')}
            <textarea
              rows={3}
              maxLength={2000}
              placeholder={t('note_placeholder')}
              value={result.note}
              onInput={(e) => {
                const text = (e.target as HTMLTextAreaElement).value;
                setResult((r) => (r.note = text), true);
              }}
              data-testid="note"
            />
          </label>
          <div class={`photos ${missing.photo ? 'required' : ''}`}>
            <span>{outcome === 'fail' && item.on_fail.photo ? t('photo_required') : t('photos')}</span>
            <div class="thumbs">
              {result.photos.map((hash) => (
                <Thumb key={hash} hash={hash} onRemove={() => removePhoto(hash)} />
              ))}
              <label class="button camera">
                {!busy && <CameraIcon />}
                {busy ? t('photo_processing') : t('take_photo')}
                <input
                  type="file"
                  accept="image/*"
                  capture="environment"
                  onChange={onPhoto}
                  disabled={busy}
                  data-testid="photo-input"
                />
              </label>
            </div>
            {photoError && <p class="error small">{photoError}</p>}
          </div>
        </div>
      )}

      <nav class="itemnav">
        <button type="button" onClick={() => goTo(index - 1)} disabled={index === 0}>
          ‹ {t('prev')}
        </button>
        <button type="button" onClick={() => goTo(index, 'overview')} data-testid="overview">
          {t('overview')}
        </button>
        {last ? (
          <button type="button" class="primary" onClick={() => goTo(index, 'review')} data-testid="to-review">
            {t('review_submit')}
          </button>
        ) : (
          <button type="button" class="primary" onClick={() => goTo(index + 1)} data-testid="next">
            {t('next')} ›
          </button>
        )}
      </nav>
    </article>
  );
}

function CameraIcon() {
  return (
    <svg width="20" height="20" viewBox="0 0 24 24" aria-hidden="true" fill="none" stroke="currentColor" stroke-width="2">
      <path d="M4 7h3l2-3h6l2 3h3a1 1 0 0 1 1 1v11a1 1 0 0 1-1 1H4a1 1 0 0 1-1-1V8a1 1 0 0 1 1-1z" />
      <circle cx="12" cy="13" r="4" />
    </svg>
  );
}

function Thumb({ hash, onRemove }: { hash: string; onRemove: () => void }) {
  const [url, setUrl] = useState<string | null>(null);
  useEffect(() => {
    let made: string | null = null;
    void getPhoto(hash).then((p) => {
      if (p) setUrl((made = URL.createObjectURL(p.blob)));
    });
    return () => {
      if (made) URL.revokeObjectURL(made);
    };
  }, [hash]);
  return (
    <span class="thumb" data-testid="thumb">
      {url && <img src={url} alt="" />}
      <button type="button" aria-label={t('photo_remove')} title={t('photo_remove')} onClick={onRemove}>
        ×
      </button>
    </span>
  );
}

function mark(item: Item, record: LocalInspection): string {
  const outcome = outcomeOf(item, record.results[item.code]?.answer);
  return outcome === 'pass' ? '✓' : outcome === 'fail' ? '✗' : outcome === 'not_applicable' ? '–' : '·';
}

function Overview({
  record,
  version,
  items,
  goTo,
}: {
  record: LocalInspection;
  version: ChecklistVersion;
  items: Item[];
  goTo: (i: number, to?: View) => void;
}) {
  return (
    <div class="overview" data-testid="overview-list">
      {version.definition.areas.map((area) => (
        <section key={area.key}>
          <h3>{tr(area.title)}</h3>
          <ul class="list compact">
            {items.map((item, index) =>
              item.area !== area.key ? null : (
                <li key={item.code}>
                  <button type="button" class="itemrow" onClick={() => goTo(index)}>
                    <span class={`mark m${mark(item, record)}`}>{mark(item, record)}</span>
                    <span class="title">{tr(item.title)}</span>
                    {(() => {
                      const m = missingEvidence(item, record.results[item.code]);
                      return m.note || m.photo ? (
                        <span class="tag bad">{m.photo ? t('needs_photo') : t('needs_note')}</span>
                      ) : null;
                    })()}
                  </button>
                </li>
              ),
            )}
          </ul>
        </section>
      ))}
      <button type="button" class="primary block" onClick={() => goTo(record.cursor, 'review')}>
        {t('review_submit')}
      </button>
    </div>
  );
}

function ReviewView({
  record,
  version,
  items,
  goTo,
  submit,
  discard,
}: {
  record: LocalInspection;
  version: ChecklistVersion;
  items: Item[];
  goTo: (i: number, to?: View) => void;
  submit: () => Promise<void>;
  discard: () => Promise<void>;
}) {
  const summary = review(version, record);
  const [busy, setBusy] = useState(false);
  const blocked = summary.incomplete.length > 0 || summary.answered === 0;
  const firstUnanswered = items.findIndex((i) => outcomeOf(i, record.results[i.code]?.answer) === null);
  const onSubmit = async () => {
    if (blocked) return;
    if (summary.unanswered.length && !confirm(t('submit_unanswered_confirm', { n: summary.unanswered.length })))
      return;
    setBusy(true);
    await submit();
  };
  return (
    <div class="card review" data-testid="review">
      <h3>{t('review_title')}</h3>
      <p>{t('review_counts', { p: summary.pass, f: summary.fail, na: summary.na })}</p>
      <p class="muted">{t('answered_of', { a: summary.answered, n: summary.total })}</p>
      {summary.incomplete.length > 0 && (
        <div class="problems" data-testid="problems">
          <p class="error">{t('review_problems')}</p>
          <ul class="list compact">
            {summary.incomplete.map(({ item, missing }) => (
              <li key={item.code}>
                <button type="button" class="itemrow" onClick={() => goTo(items.indexOf(item))}>
                  <span class="mark m✗">✗</span>
                  <span class="title">{tr(item.title)}</span>
                  <span class="tag bad">
                    {[missing.photo && t('needs_photo'), missing.note && t('needs_note')].filter(Boolean).join(' · ')}
                  </span>
                </button>
              </li>
            ))}
          </ul>
        </div>
      )}
      {summary.unanswered.length > 0 && (
        <p class="warning">
          {t('review_unanswered', { n: summary.unanswered.length })}{' '}
          <button type="button" class="link" onClick={() => goTo(firstUnanswered)}>
            {t('unanswered')} ›
          </button>
        </p>
      )}
      {!blocked && summary.unanswered.length === 0 && <p class="tag ok">{t('review_ok')}</p>}
      <button type="button" class="primary block" disabled={blocked || busy} onClick={onSubmit} data-testid="submit">
        {t('submit')}
      </button>
      <button type="button" class="link danger" onClick={discard}>
        {t('discard_draft')}
      </button>
    </div>
  );
}
