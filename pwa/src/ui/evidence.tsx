// Evidence flags in plain Chinese (English when chosen), wherever they are shown: the supervisor's
// ticket panel beside each photo and in its checks, and the phone's ticket screen. A check newer
// than this app shows the server's own message.

import type { EvidenceFlag } from '../tickets';
import { formatTime, has, t } from '../i18n';

/** After-photos are judged against the finding: two codes read differently there. */
const AFTER_KEYS: Record<string, string> = { photo_time: 'ev_after_photo_time', photo_far: 'ev_after_photo_far' };

function distance(metres: unknown): string {
  const m = Number(metres);
  if (metres === undefined || metres === null || !Number.isFinite(m)) return '?';
  return m >= 1000 ? t('distance_km', { d: Math.round(m / 100) / 10 >= 100 ? Math.round(m / 1000) : Math.round(m / 100) / 10 }) : t('distance_m', { d: Math.round(m) });
}

export function explainFlag(flag: EvidenceFlag, after = false): string {
  const d = (flag.detail ?? {}) as Record<string, unknown>;
  const key = (after && AFTER_KEYS[flag.code]) || `ev_${flag.code}`;
  const params = {
    d: distance(d.distance_m),
    tol: String(d.tolerance_m ?? '?'),
    a: String(d.accuracy_m ?? '?'),
    t: d.taken_at ? formatTime(String(d.taken_at)) : '?',
  };
  return has(key) ? t(key, params) : flag.message;
}

export function FlagList({
  flags,
  after = false,
  testId,
}: {
  flags: EvidenceFlag[];
  after?: boolean;
  testId: string;
}) {
  if (!flags.length) return null;
  return (
    <ul class="sv-evidence" data-testid={testId}>
      {flags.map((f, i) => (
        <li key={i} class="warning" data-code={f.code}>
          {explainFlag(f, after)}
        </li>
      ))}
    </ul>
  );
}
