// One ticket: what was found (before-photos, place on a map, deadline), its history, and what this
// user may do now. Every action goes through the device's outbox (outbox/actions.ts): after-photos
// are in IndexedDB before anything is sent, and an action taken offline is sent later.

import { Urges } from './urges';
import { useEffect, useState } from 'preact/hooks';
import { ApiError, NetworkError } from '../api';
import { app, kickQueue, registerBackgroundSync } from '../app-state';
import { on } from '../bus';
import { dropUnreferencedPhotos, type LocalAction } from '../db';
import type { LngLat } from '../geo';
import { formatTime, t, word, type Key } from '../i18n';
import { isoNow, newUuid } from '../photos';
import { describe, describeRecord } from '../problem';
import { EvidenceCompare, FlagList } from './evidence';
import { PhotoCapture, Thumb } from './photo-capture';
import { useStore } from '../store';
import { discardAction, newAction, openAction, saveAction, submitAction } from '../outbox';
import { cachedTicket, fetchTicket, type EvidenceFlag, type Ticket } from '../tickets';
import { estateName, useEstates } from './firm';
import {
  Deadline,
  finderText,
  LazyMap,
  PhotoViewer,
  ServerPhoto,
  SeverityTag,
  StateTag,
  Trail,
  useTick,
} from './ticket-parts';

const MAX_PHOTOS = 10;
/** Actions this screen offers, in the order shown. Others (extensions, reroute) are not here yet. */
const OFFERED = ['accept', 'rectify', 'verify', 'reject', 'dispute'] as const;
const NEEDS_FORM = new Set(['rectify', 'reject', 'dispute']);

function failure(record: LocalAction): string {
  const e = record.lastError;
  if (!e) return '';
  if (e.status === 412) return t('stale_reloaded');
  return describeRecord(e);
}

export function TicketScreen({ id }: { id: number }) {
  const { session, online } = useStore(app);
  const userId = session!.user.id;
  const estates = useEstates(userId);
  const now = useTick();
  const [ticket, setTicket] = useState<Ticket | null>(null);
  const [copyFrom, setCopyFrom] = useState<string | null>(null); // offline: when the copy was saved
  const [missing, setMissing] = useState(false);
  const [notice, setNotice] = useState<string | null>(null);
  const [record, setRecord] = useState<LocalAction | null>(null);
  const [form, setForm] = useState<string | null>(null);
  const [viewing, setViewing] = useState<string | null>(null);

  const load = async (): Promise<Ticket | null> => {
    try {
      const fresh = await fetchTicket(userId, id);
      setTicket(fresh);
      setCopyFrom(null);
      return fresh;
    } catch (e) {
      if (!(e instanceof ApiError && e.status === 401) && !(e instanceof NetworkError && e.kind === 'offline')) {
        setNotice(describe(e));
      }
      const cached = await cachedTicket(userId, id);
      if (cached) {
        setTicket(cached.data);
        setCopyFrom(cached.fetchedAt);
      } else setMissing(true);
      return cached?.data ?? null;
    }
  };

  /** Follow this ticket's queued action: done → reload; refused because the ticket moved → say so. */
  const watch = async () => {
    const current = (await openAction(userId, id)) ?? null;
    setRecord(current);
    if (current?.state === 'draft') setForm(current.action);
    if (!current && record && record.state !== 'draft') {
      setForm(null);
      await load();
    }
    if (current?.state === 'failed' && (current.lastError?.status === 412 || current.lastError?.status === 409)) {
      const fresh = await load();
      setNotice(
        current.lastError.status === 412
          ? t('stale_reloaded')
          : t('conflict_state', { s: fresh ? word('state_', fresh.state) : '?' }),
      );
      // Nothing of value in an action without photos: drop it, the message says what happened.
      if (!current.photos.length) await discardAction(current.id);
    }
  };

  useEffect(() => {
    void load();
  }, [id, online]);
  useEffect(() => {
    void watch();
    return on('queue-changed', () => void watch());
  }, [id, record?.id, record?.state]);

  if (!ticket) {
    // Not on this phone: offline says so; otherwise the reason the server gave none.
    const why = missing ? (notice ? `${notice} ${t('ticket_not_saved')}` : t('ticket_not_cached')) : notice;
    return (
      <p class="page muted" data-testid="ticket-missing">
        {why ?? t('loading')}
      </p>
    );
  }

  const draft = record?.state === 'draft' ? record : null;
  const queued = record && record.state !== 'draft' ? record : null;
  const offered = OFFERED.filter((a) => ticket.allowed_actions.includes(a));

  const ensureDraft = async (action: string): Promise<LocalAction> => {
    if (draft && draft.action === action) return draft;
    if (draft) await discardAction(draft.id);
    const fresh = newAction(userId, ticket, action, newUuid(), isoNow());
    await saveAction(fresh);
    setRecord(fresh);
    return fresh;
  };

  const start = async (action: string) => {
    setNotice(null);
    if (NEEDS_FORM.has(action)) {
      await ensureDraft(action);
      setForm(action);
      return;
    }
    const fresh = newAction(userId, ticket, action, newUuid(), isoNow());
    await submitAction(fresh, ticket, isoNow());
    setRecord({ ...fresh, state: 'waiting' });
    void registerBackgroundSync();
    void kickQueue(true);
  };

  /** One more after-photo, already stored: add it to the (latest) rectify draft. */
  const addPhoto = async (hash: string) => {
    const open = await openAction(userId, id);
    let current = open?.state === 'draft' && open.action === 'rectify' ? open : await ensureDraft('rectify');
    if (!current.photos.includes(hash)) {
      current = { ...current, photos: [...current.photos, hash] };
      await saveAction(current);
      setRecord(current);
    }
  };

  const removePhoto = async (hash: string) => {
    if (!draft) return;
    const next = { ...draft, photos: draft.photos.filter((h) => h !== hash) };
    await saveAction(next);
    setRecord(next);
    await dropUnreferencedPhotos([hash]);
  };

  const setReason = async (reason: string) => {
    if (!draft) return;
    const next = { ...draft, reason };
    setRecord(next);
    await saveAction(next);
  };

  const submitForm = async (event: Event) => {
    event.preventDefault();
    if (!draft) return;
    setNotice(null);
    await submitAction(draft, ticket, isoNow());
    setForm(null);
    void registerBackgroundSync();
    void kickQueue(true);
  };

  const resubmit = async () => {
    if (!queued) return;
    const fresh = (await load()) ?? ticket;
    if (!fresh.allowed_actions.includes(queued.action)) return;
    await submitAction(queued, fresh, isoNow());
    setNotice(null);
    void kickQueue(true);
  };

  const before = ticket.photos.filter((p) => p.kind === 'before');
  const after = ticket.photos.filter((p) => p.kind === 'after');
  const checks = ticket.photos.filter((p) => p.kind === 'verification');
  const estate = estates?.find((e) => e.id === ticket.estate_id);
  const where: LngLat | null = ticket.position ? [ticket.position.lng, ticket.position.lat] : null;
  const formValid =
    draft &&
    (draft.action === 'rectify' ? draft.photos.length > 0 : draft.reason.trim().length > 0);

  return (
    <section class="page ticket-detail" data-testid="ticket-detail" data-state={ticket.state}>
      <a class="back" href={session!.user.role === 'inspector' ? '/reinspect' : '/'}>
        ‹ {t('back')}
      </a>
      {copyFrom && (
        <p class="warning small">
          {online ? t('showing_copy', { t: formatTime(copyFrom) }) : t('ticket_offline_copy', { t: formatTime(copyFrom) })}
        </p>
      )}
      {notice && (
        <p class="warning" data-testid="notice">
          {notice}
        </p>
      )}
      <h2>{ticket.title}</h2>
      <p class="row">
        <StateTag state={ticket.state} />
        <SeverityTag severity={ticket.severity} />
        <Deadline ticket={ticket} now={now} />
      </p>
      <p class="muted small">
        {t('ticket_title', { c: ticket.code })} · {t('due_at', { t: formatTime(ticket.due_at) })}
        {ticket.due_provisional && ` ${t('provisional')}`}
      </p>
      <dl class="ticket-facts" data-testid="ticket-facts">
        <dt>{t('estate')}</dt>
        <dd data-testid="ticket-estate">{ticket.estate_name ?? estateName(estates, ticket.estate_id)}</dd>
        {ticket.estate_address && (
          <>
            <dt>{t('estate_address')}</dt>
            <dd data-testid="ticket-address">{ticket.estate_address}</dd>
          </>
        )}
        <dt>{t('found_by')}</dt>
        <dd data-testid="ticket-finder">{finderText(ticket)}</dd>
      </dl>
      {ticket.description && <p class="description">{ticket.description}</p>}

      <EvidenceCompare
        photos={ticket.photos}
        photo={(sha) => <ServerPhoto userId={userId} sha={sha} onOpen={() => setViewing(sha)} />}
      />

      {[
        ['before_photos', before, 'before'],
        ['after_photos', after, 'after'],
        ['verification_photos', checks, 'verification'],
      ].map(([label, list, kind]) =>
        (list as Ticket['photos']).length ? (
          <div class="photo-group" key={kind as string} data-testid={`photos-${kind}`}>
            <h3>{t(label as Key)}</h3>
            <div class="thumbs">
              {(list as Ticket['photos']).map((p) => (
                <ServerPhoto key={p.sha256} userId={userId} sha={p.sha256} onOpen={() => setViewing(p.sha256)} />
              ))}
            </div>
            <FlagList
              flags={(list as Ticket['photos']).flatMap((p) => (p.evidence as EvidenceFlag[] | null | undefined) ?? [])}
              after={kind === 'after'}
              testId="photo-flags"
            />
          </div>
        ) : null,
      )}

      <h3>{t('location')}</h3>
      {where ? (
        <LazyMap estates={estate ? [estate] : []} here={where} onPick={() => {}} />
      ) : (
        <p class="muted small">{t('no_position')}</p>
      )}

      {queued && (
        <div class={`card queued ${queued.state}`} data-testid="queued-action" data-state={queued.state}>
          <b>{word('act_', queued.action)}</b>{' '}
          {queued.state === 'failed'
            ? t('action_failed', { m: failure(queued) })
            : queued.state === 'sending'
              ? t('action_sending')
              : t('action_waiting')}
          {queued.photos.length > 0 && (
            <div class="thumbs">
              {queued.photos.map((h) => (
                <Thumb key={h} hash={h} testId="after-thumb" />
              ))}
            </div>
          )}
          {queued.state === 'failed' && (
            <div class="row">
              {ticket.allowed_actions.includes(queued.action) && (
                <button type="button" class="small primary" onClick={() => void resubmit()} data-testid="resubmit">
                  {t('action_resubmit')}
                </button>
              )}
              <button type="button" class="small" onClick={() => void discardAction(queued.id)}>
                {t('action_discard')}
              </button>
            </div>
          )}
        </div>
      )}

      {!queued && form && draft && (
        <form class="card action-form" onSubmit={submitForm} data-testid={`form-${form}`}>
          <h3>{word('act_', form)}</h3>
          {form === 'rectify' && (
            <>
              <PhotoCapture
                photos={draft.photos}
                max={MAX_PHOTOS}
                owner={{ inspectionId: `action:${draft.id}`, itemCode: ticket.item_code }}
                onAdd={(hash) => addPhoto(hash)}
                onRemove={(h) => void removePhoto(h)}
                label={t('add_after_photo')}
                testId="after-photo-input"
                galleryTestId="after-photo-gallery"
                thumbTestId="after-thumb"
                multiple
              />
              {!draft.photos.length && <p class="muted small">{t('rectify_needs_photo')}</p>}
            </>
          )}
          <label>
            {t(form === 'rectify' ? 'rectify_note' : form === 'reject' ? 'reject_reason' : 'dispute_reason')}
            <textarea
              rows={3}
              value={draft.reason}
              placeholder={form === 'dispute' ? t('dispute_placeholder') : ''}
              onInput={(e) => void setReason((e.target as HTMLTextAreaElement).value)}
              data-testid="reason"
            />
          </label>
          <div class="row">
            <button type="submit" class="primary" disabled={!formValid} data-testid="submit-action">
              {word('act_', form)}
            </button>
            <button
              type="button"
              onClick={() => {
                setForm(null);
                void discardAction(draft.id);
              }}
            >
              {t('cancel')}
            </button>
          </div>
        </form>
      )}

      {!queued && !form && offered.length > 0 && (
        <div class="actions row" data-testid="actions">
          {offered.map((a) => (
            <button
              type="button"
              key={a}
              class={a === 'dispute' || a === 'reject' ? '' : 'primary'}
              onClick={() => void start(a)}
              data-testid={`action-${a}`}
            >
              {word('act_', a)}
            </button>
          ))}
        </div>
      )}

      <Urges ticketId={ticket.id} canUrge={false} canAcknowledge={session!.user.role === 'firm'} />
      <h3>{t('history')}</h3>
      <Trail events={ticket.events} userId={userId} />
      {viewing && <PhotoViewer userId={userId} sha={viewing} onClose={() => setViewing(null)} />}
    </section>
  );
}
