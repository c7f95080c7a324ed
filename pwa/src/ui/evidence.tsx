// Evidence flags in plain Chinese (English when chosen), wherever they are shown: the supervisor's
// ticket panel beside each photo and in its checks, and the phone's ticket screen. A check newer
// than this app shows the server's own message.

import type { ComponentChild } from 'preact';
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

/** The codes that name the earlier photo an after-photo matches (`detail.other_photo`). */
const MATCH_CODES = new Set(['after_reused', 'after_near_duplicate']);

interface ComparedPhoto {
  sha256: string;
  kind: string;
  event_id: number | null;
  evidence?: unknown;
}

/**
 * Each flagged after-photo of the latest rectification beside the before-photo (and beside the
 * earlier photo it copies, when a check names one), with the flags explained: what a verifier
 * needs to judge the fix at a glance. `photo` draws one server photo (each screen has its own).
 */
export function EvidenceCompare({
  photos,
  photo,
}: {
  photos: ComparedPhoto[];
  photo: (sha: string, label: string) => ComponentChild;
}) {
  const after = photos.filter((p) => p.kind === 'after');
  if (!after.length) return null;
  const latest = Math.max(...after.map((p) => p.event_id ?? 0));
  const flagged = after
    .filter((p) => (p.event_id ?? 0) === latest)
    .map((p) => ({ sha: p.sha256, flags: (p.evidence as EvidenceFlag[] | null | undefined) ?? [] }))
    .filter((p) => p.flags.length);
  if (!flagged.length) return null;
  const befores = photos.filter((p) => p.kind === 'before').map((p) => p.sha256);
  return (
    <section class="ev-compare-list" data-testid="ev-compare">
      <h3>{t('ev_compare')}</h3>
      {flagged.map(({ sha, flags }) => {
        const matched = [
          ...new Set(
            flags
              .filter((f) => MATCH_CODES.has(f.code))
              .map((f) => String((f.detail as Record<string, unknown> | null)?.other_photo ?? ''))
              .filter(Boolean),
          ),
        ];
        // The before-photo it copies, if it copies one; else the finding's first.
        const before = matched.find((m) => befores.includes(m)) ?? befores[0];
        // An after-photo that is itself the earlier file (after_reused) needs no third picture.
        const others = matched.filter((m) => m !== before && m !== sha).slice(0, 2);
        return (
          <div key={sha} class="ev-compare" data-testid="ev-compare-pair" data-sha={sha}>
            <div class="ev-compare-photos">
              <figure data-testid="ev-compare-before" data-sha={before ?? ''}>
                <figcaption>{t('ev_compare_before')}</figcaption>
                {before ? photo(before, t('ev_compare_before')) : <div class="sv-photo missing">{t('ev_compare_no_before')}</div>}
              </figure>
              <figure data-testid="ev-compare-after" data-sha={sha}>
                <figcaption>{t('ev_compare_after')}</figcaption>
                {photo(sha, t('ev_compare_after'))}
              </figure>
              {others.map((other) => (
                <figure key={other} data-testid="ev-compare-match" data-sha={other}>
                  <figcaption>{t('ev_compare_match')}</figcaption>
                  {photo(other, t('ev_compare_match'))}
                </figure>
              ))}
            </div>
            <FlagList flags={flags} after testId="ev-compare-flags" />
          </div>
        );
      })}
    </section>
  );
}
