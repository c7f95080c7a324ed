// The inspection's header: the estate, the position against its outline, progress per area.

import type { Item, ChecklistVersion } from '../../checklist';
import { outcomeOf } from '../../checklist';
import type { LocalInspection } from '../../db';
import { distanceToAreaM } from '../../geo';
import { gps } from '../../gps';
import { formatTime, t, tr } from '../../i18n';
import { useStore } from '../../store';
import { GpsLine, inspectorData } from '../estates';
import type { View } from './index';

export function InspectHeader({
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

