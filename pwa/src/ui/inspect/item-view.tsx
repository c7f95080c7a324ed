// One checklist item: the answer buttons (or number), and for a failure its note and photos.

import { useState } from 'preact/hooks';
import { missingEvidence, numberProblem, outcomeOf, singlePassValue, type AnswerSpec, type Item } from '../../checklist';
import { dropUnreferencedPhotos, type Answer, type LocalInspection, type LocalResult } from '../../db';
import { freshPosition } from '../../gps';
import { t, tr, word } from '../../i18n';
import { isoNow } from '../../photos';
import { PhotoCapture } from '../photo-capture';
import type { View } from './index';
import type { Change } from './use-draft';

const MAX_PHOTOS = 10; // the server's limit per finding

type NumberSpec = Extract<AnswerSpec, { type: 'number' }>;

/** The passing rule as a person says it: 应为 0 处, 应不少于 80 %, 应在 2 至 5 之间. */
function passRule(spec: NumberSpec): string {
  const unit = spec.unit ? ` ${spec.unit}` : '';
  const low = spec.pass_min ?? spec.min ?? null;
  const high = spec.pass_max ?? spec.max ?? null;
  if (low !== null && low === high) return t('number_ok_exactly', { v: `${low}${unit}` });
  if (spec.pass_min != null && spec.pass_max != null) {
    return t('number_ok_between', { a: spec.pass_min, b: `${spec.pass_max}${unit}` });
  }
  if (spec.pass_max != null) return t('number_ok_at_most', { v: `${spec.pass_max}${unit}` });
  if (spec.pass_min != null) return t('number_ok_at_least', { v: `${spec.pass_min}${unit}` });
  return '';
}

export function emptyResult(): LocalResult {
  return { answer: null, note: '', photos: [], position: null, answeredAt: null };
}

export function ItemView({
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
  change: Change;
  goTo: (i: number, to?: View) => void;
}) {
  const result = record.results[item.code] ?? emptyResult();
  const outcome = outcomeOf(item, result.answer);
  const missing = missingEvidence(item, result);
  const [numberText, setNumberText] = useState(typeof result.answer === 'number' ? String(result.answer) : '');
  // A count that must be 0 is passed with a tap; the number is asked for only after "fail".
  const single = singlePassValue(item);
  const [counting, setCounting] = useState(outcome === 'fail');
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
      onClick={() => {
        setCounting(false);
        setNumberText('');
        answer('not_applicable', true);
      }}
    >
      {t('not_applicable')}
    </button>
  );
  return (
    <article class="card item" data-testid="item" data-code={item.code}>
      <div class="row between small muted">
        <span data-testid="item-counter">{t('item_of', { i: index + 1, n: count })}</span>
        <span>
          {item.code} · <b class={`sev ${item.severity}`}>{word('severity_', item.severity)}</b>
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
      {spec.type === 'number' && single !== null && (
        <div class="answers three">
          <button
            type="button"
            class={`ans pass ${outcome === 'pass' ? 'on' : ''}`}
            onClick={() => {
              setCounting(false);
              setNumberText(String(single));
              answer(single, true);
            }}
          >
            {t('pass')}
          </button>
          <button
            type="button"
            class={`ans fail ${counting || outcome === 'fail' ? 'on' : ''}`}
            onClick={() => {
              setCounting(true);
              setNumberText('');
              if (outcome !== 'fail') answer(null);
            }}
            data-testid="fail-count"
          >
            {t('fail')}
          </button>
          {notApplicable}
        </div>
      )}
      {spec.type === 'number' && single !== null && !counting && (
        <p class="muted small" data-testid="rule">
          {passRule(spec)}
        </p>
      )}
      {spec.type === 'number' && (single === null || counting) && (
        <div class="number">
          <label>
            {single === null ? t('value') : t('number_enter_count')} {spec.unit ? `(${spec.unit})` : ''}
            <input
              type="number"
              inputMode={spec.integer ? 'numeric' : 'decimal'}
              step={spec.integer ? 1 : 'any'}
              min={spec.min ?? undefined}
              max={spec.max ?? undefined}
              value={numberText}
              onInput={(e) => onNumber((e.target as HTMLInputElement).value)}
              autoFocus={counting}
              data-testid="number"
            />
          </label>
          <p class="muted small" data-testid="rule">
            {passRule(spec)}
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
          {single === null && (
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
          )}
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
            <PhotoCapture
              photos={result.photos}
              max={MAX_PHOTOS}
              owner={{ inspectionId: record.id, itemCode: item.code }}
              onAdd={(hash, position) =>
                setResult((r) => {
                  if (!r.photos.includes(hash)) r.photos.push(hash);
                  r.position = position ?? r.position;
                })
              }
              onRemove={removePhoto}
              label={t('take_photo')}
              testId="photo-input"
              galleryTestId="photo-gallery"
              thumbTestId="thumb"
            />
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

