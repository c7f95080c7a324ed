// Evidence flags in plain Chinese (English when chosen), wherever they are shown: the supervisor's
// ticket panel beside each photo and in its checks, and the phone's ticket screen. A check newer
// than this app shows the server's own message.

import type { EvidenceFlag } from '../tickets';
import { formatTime, has, t } from '../i18n';

/** After-photos are judged against the finding: two codes read differently there. */
const AFTER_KEYS: Record<string, string> = { photo_time: 'ev_after_photo_time', photo_far: 'ev_after_photo_far' };

export function explainFlag(flag: EvidenceFlag, after = false): string {
  const d = (flag.detail ?? {}) as Record<string, unknown>;
  const key = (after && AFTER_KEYS[flag.code]) || `ev_${flag.code}`;
  const params = {
    d: String(d.distance_m ?? '?'),
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
