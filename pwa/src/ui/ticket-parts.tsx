// Small pieces shared by the firm inbox, the ticket screen and the inspector's re-inspections.

import './firm.css';
import type { ComponentType } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import type { Estate } from '../data';
import type { LngLat } from '../geo';
import { formatTime, t, word } from '../i18n';
import {
  photoBlob,
  UNIT_STATES,
  type Ticket,
  type TicketEvent,
  type TicketState,
  type TicketSummary,
} from '../tickets';

export function duration(ms: number): string {
  const minutes = Math.max(0, Math.floor(ms / 60_000));
  const days = Math.floor(minutes / 1440);
  const hours = Math.floor((minutes % 1440) / 60);
  if (days > 0) return t('dur_dh', { d: days, h: hours });
  if (hours > 0) return t('dur_hm', { h: hours, m: minutes % 60 });
  return t('dur_m', { m: minutes });
}

/** Re-render every `ms` (countdowns). */
export function useTick(ms = 30_000): number {
  const [now, setNow] = useState(Date.now());
  useEffect(() => {
    const timer = setInterval(() => setNow(Date.now()), ms);
    return () => clearInterval(timer);
  }, [ms]);
  return now;
}

/** The deadline: a countdown while the unit owes work, red once it has passed. */
export function Deadline({ ticket, now }: { ticket: TicketSummary; now: number }) {
  const due = Date.parse(ticket.due_at);
  if (!UNIT_STATES.includes(ticket.state)) {
    return <span class="deadline muted">{t('due_at', { t: formatTime(ticket.due_at) })}</span>;
  }
  const overdue = ticket.overdue || due <= now;
  return (
    <span
      class={`deadline ${overdue ? 'over' : due - now < 4 * 3_600_000 ? 'soon' : 'ok'}`}
      data-testid="deadline"
      data-overdue={overdue ? 'true' : 'false'}
      title={t('due_at', { t: formatTime(ticket.due_at) })}
    >
      {overdue ? t('overdue_by', { d: duration(now - due) }) : t('due_in', { d: duration(due - now) })}
    </span>
  );
}

/** Who found the problem: the inspector (or the supervisor who registered it) or a complaint's
 *  channel. A copy saved by an older app has no finder: "not recorded". */
export function finderText(ticket: Pick<Ticket, 'source' | 'found_by'>): string {
  const found = ticket.found_by as Ticket['found_by'] | undefined;
  if (found?.name) return found.name;
  if (ticket.source === 'complaint') {
    return found?.channel ? t('found_via_channel', { c: found.channel }) : t('found_via_complaint');
  }
  return t('found_by_unknown');
}

export function StateTag({ state }: { state: TicketState }) {
  return (
    <span class={`tstate ${state}`} data-testid="ticket-state" data-state={state}>
      {word('state_', state)}
    </span>
  );
}

export function SeverityTag({ severity }: { severity: string }) {
  return <span class={`sev ${severity}`}>{word('severity_', severity)}</span>;
}

/** A photo from the server (fetched with the token, then kept on the device). */
export function ServerPhoto({ userId, sha, onOpen }: { userId: number; sha: string; onOpen?: () => void }) {
  const [url, setUrl] = useState<string | null>(null);
  const [failed, setFailed] = useState(false);
  useEffect(() => {
    let made: string | null = null;
    void photoBlob(userId, sha, 'thumb').then(
      (blob) => setUrl((made = URL.createObjectURL(blob))),
      () => setFailed(true),
    );
    return () => {
      if (made) URL.revokeObjectURL(made);
    };
  }, [sha]);
  return (
    <button
      type="button"
      class="thumb server"
      onClick={onOpen}
      aria-label={t('photo_open')}
      data-testid="server-photo"
      data-sha={sha}
    >
      {url ? <img src={url} alt="" /> : <span class="muted small">{failed ? '×' : '…'}</span>}
    </button>
  );
}

/** Full-size view of a server photo. */
export function PhotoViewer({ userId, sha, onClose }: { userId: number; sha: string; onClose: () => void }) {
  const [url, setUrl] = useState<string | null>(null);
  useEffect(() => {
    let made: string | null = null;
    void photoBlob(userId, sha, 'display')
      .catch(() => photoBlob(userId, sha, 'thumb'))
      .then((blob) => setUrl((made = URL.createObjectURL(blob))), () => {});
    return () => {
      if (made) URL.revokeObjectURL(made);
    };
  }, [sha]);
  return (
    <div class="modal viewer" role="dialog" aria-modal="true" onClick={onClose}>
      {url ? <img src={url} alt="" /> : <p class="muted">{t('loading')}</p>}
    </div>
  );
}

export function Trail({ events, userId }: { events: TicketEvent[]; userId: number }) {
  return (
    <ol class="trail" data-testid="trail">
      {[...events].reverse().map((e) => (
        <li key={e.id} data-action={e.action}>
          <div class="row between">
            <b>{word('act_', e.action)}</b>
            <span class="muted small">{formatTime(e.at)}</span>
          </div>
          <div class="muted small">
            {e.actor_id === null ? '' : e.actor_id === userId ? t('by_me') : (e.actor_name ?? t('by_someone'))}
            {e.to_state && e.from_state !== e.to_state ? ` → ${word('state_', e.to_state)}` : ''}
          </div>
          {e.reason && <p class="small reason">{e.reason}</p>}
        </li>
      ))}
    </ol>
  );
}

interface MapProps {
  estates: Estate[];
  here: LngLat | null;
  onPick: (id: number) => void;
}

/** The estate map, reused: the estate's outline and the finding's position as the point. */
export function LazyMap(props: MapProps) {
  const [Map, setMap] = useState<ComponentType<MapProps> | null>(null);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    import('./estate-map').then(
      (module) => setMap(() => module.default),
      (e) => setError(String(e)),
    );
  }, []);
  if (error) return <div class="map small-map placeholder">{t('map_failed', { m: error })}</div>;
  if (!Map) return <div class="map small-map placeholder">{t('map_loading')}</div>;
  return <Map {...props} />;
}
