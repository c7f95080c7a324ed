// The overview of every item by area, and the check before submitting.

import { useState } from 'preact/hooks';
import { missingEvidence, outcomeOf, review, type ChecklistVersion, type Item } from '../../checklist';
import type { LocalInspection } from '../../db';
import { t, tr } from '../../i18n';
import type { View } from './index';

function mark(item: Item, record: LocalInspection): string {
  const outcome = outcomeOf(item, record.results[item.code]?.answer);
  return outcome === 'pass' ? '✓' : outcome === 'fail' ? '✗' : outcome === 'not_applicable' ? '–' : '·';
}

export function Overview({
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

export function ReviewView({
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
