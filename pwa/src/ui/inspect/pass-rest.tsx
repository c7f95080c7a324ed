// "Everything else here is fine": one tap (and a confirmation naming the count) passes the
// unanswered items of the current area, then moves on to the next item that still needs a look.

import { outcomeOf, passableRest, passingAnswer, type ChecklistVersion, type Item } from '../../checklist';
import type { LocalInspection } from '../../db';
import { freshPosition } from '../../gps';
import { t, tr } from '../../i18n';
import { isoNow } from '../../photos';
import type { View } from './index';
import type { Change } from './use-draft';
import { emptyResult } from './item-view';

export function PassRest({
  record,
  version,
  items,
  index,
  change,
  goTo,
}: {
  record: LocalInspection;
  version: ChecklistVersion;
  items: Item[];
  index: number;
  change: Change;
  goTo: (i: number, to?: View) => void;
}) {
  const area = items[index].area;
  const rest = passableRest(items, area, record);
  if (rest.length < 2) return null;
  const title = tr(version.definition.areas.find((a) => a.key === area)?.title);

  const passAll = () => {
    if (!confirm(t('pass_rest_confirm', { n: rest.length, a: title }))) return;
    const at = isoNow();
    const position = freshPosition();
    const codes = new Set(rest.map((item) => item.code));
    change((r) => {
      for (const item of rest) {
        const result = r.results[item.code] ?? emptyResult();
        result.answer = passingAnswer(item);
        result.answeredAt = at;
        result.position = position ?? result.position;
        r.results[item.code] = result;
      }
    });
    // Next: the first item still unanswered (this area's measured ones first), else the review.
    const open = (i: Item) => !codes.has(i.code) && outcomeOf(i, record.results[i.code]?.answer) === null;
    const next = items.findIndex((i, n) => n >= index && open(i));
    const wrapped = next >= 0 ? next : items.findIndex(open);
    if (wrapped >= 0) goTo(wrapped);
    else goTo(index, 'review');
  };

  return (
    <button type="button" class="block pass-rest" onClick={passAll} data-testid="pass-rest">
      ✓ {t('pass_rest', { n: rest.length })}
    </button>
  );
}
