// One ticket for the supervisor: before/after photos, the evidence checks of the finding explained,
// the history, and what the supervisor may do now (verify, return for rework, reroute, …).
// Every action goes through the phone's outbox like a firm's (outbox/actions.ts) with the version
// shown; a 412 (someone was faster) or 409 reloads the ticket; without signal it waits on the phone.

import { Urges } from '../urges';
import { useEffect, useState } from 'preact/hooks';
import { getJson } from '../../api';
import { app, kickQueue } from '../../app-state';
import { discardAction, newAction, settledAction, submitAction } from '../../outbox';
import { formatTime, t, word, type Key } from '../../i18n';
import { isoNow, newUuid } from '../../photos';
import { describeRecord } from '../../problem';
import {
  allOrganisations,
  errorText,
  evidenceOf,
  photoUrl,
  type Organisation,
  type Ticket,
  type TicketEvidence,
} from './api';
import { EvidenceCompare, FlagList } from '../evidence';
import { finderText } from '../ticket-parts';

const FORMS = ['reject', 'reroute', 'return', 'cancel'] as const; // actions that need a reason
type FormAction = (typeof FORMS)[number];
const BUTTON: Record<string, Key> = {
  verify: 'sv_do_verify',
  reject: 'sv_do_reject',
  reroute: 'sv_do_reroute',
  return: 'sv_do_return',
  cancel: 'sv_do_cancel',
};

function Photo({ sha, label }: { sha: string; label: string }) {
  const [url, setUrl] = useState<string | null>(null);
  const [failed, setFailed] = useState(false);
  useEffect(() => {
    let made: string | null = null;
    let gone = false;
    photoUrl(sha).then(
      (u) => (gone ? URL.revokeObjectURL(u) : setUrl((made = u))),
      () => setFailed(true),
    );
    return () => {
      gone = true;
      if (made) URL.revokeObjectURL(made);
    };
  }, [sha]);
  if (failed) return <div class="sv-photo missing">{t('sv_photo_failed')}</div>;
  if (!url) return <div class="sv-photo missing">{t('loading')}</div>;
  return (
    <a href={url} target="_blank" rel="noopener" class="sv-photo">
      <img src={url} alt={label} data-testid="sv-photo-img" />
    </a>
  );
}

function Photos({ ticket, evidence }: { ticket: Ticket; evidence: TicketEvidence | undefined }) {
  const groups = (['before', 'after', 'verification'] as const).map((kind) => ({
    kind,
    shas: ticket.photos.filter((p) => p.kind === kind).map((p) => p.sha256),
  }));
  return (
    <div class="sv-photos">
      {groups
        .filter((g) => g.kind !== 'verification' || g.shas.length)
        .map((g) => {
          const label = t(g.kind === 'before' ? 'sv_before' : g.kind === 'after' ? 'sv_after' : 'sv_verification');
          return (
            <figure key={g.kind} data-testid={`sv-photos-${g.kind}`}>
              <figcaption>{label}</figcaption>
              {g.shas.length ? (
                g.shas.map((s) => (
                  <div key={s} class="sv-photo-with-flags" data-sha={s}>
                    <Photo sha={s} label={label} />
                    <FlagList flags={evidence?.byPhoto[`${g.kind}:${s}`] ?? []} after={g.kind === 'after'} testId="sv-photo-flags" />
                  </div>
                ))
              ) : (
                <div class="sv-photo missing">{t('sv_no_photo')}</div>
              )}
            </figure>
          );
        })}
    </div>
  );
}

function Evidence({ evidence }: { evidence: TicketEvidence | undefined }) {
  if (evidence === undefined) return <p class="muted small">{t('loading')}</p>;
  const { finding, rectification } = evidence;
  if (finding === null && !rectification.length) return <p class="muted small">{t('sv_evidence_none')}</p>;
  if (!finding?.length && !rectification.length) {
    return <p class="tag ok" data-testid="sv-evidence-ok">{t('sv_evidence_ok')}</p>;
  }
  return (
    <>
      <FlagList flags={finding ?? []} testId="sv-evidence-finding" />
      <FlagList flags={rectification} after testId="sv-evidence-rectification" />
    </>
  );
}

function Trail({ ticket }: { ticket: Ticket }) {
  return (
    <ul class="sv-trail">
      {[...ticket.events].reverse().map((e) => {
        return (
          <li key={e.id}>
            <span class="muted small">{formatTime(e.at)}</span> {word('act_', e.action)}
            {e.actor_name && <span class="muted small" data-testid="sv-trail-actor"> · {e.actor_name}</span>}
            {e.reason && <div class="small">“{e.reason}”</div>}
          </li>
        );
      })}
    </ul>
  );
}

function Actions({ ticket, onDone }: { ticket: Ticket; onDone: (message: string, reload: boolean) => void }) {
  const [form, setForm] = useState<FormAction | null>(null);
  const [reason, setReason] = useState('');
  const [target, setTarget] = useState('');
  const [orgs, setOrgs] = useState<Organisation[]>([]);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    if (form === 'reroute') allOrganisations().then(setOrgs, (e) => setError(errorText(e)));
  }, [form]);
  const allowed = ticket.allowed_actions.filter((a) => a in BUTTON);
  if (!allowed.length) return <p class="muted small">{t('sv_no_actions')}</p>;

  const send = async (action: string) => {
    setBusy(true);
    setError(null);
    const record = newAction(app.get().session!.user.id, ticket, action, newUuid(), isoNow(), {
      reason: action === 'verify' ? '' : reason.trim(),
      organisationId: action === 'reroute' ? Number(target) : null,
    });
    try {
      await submitAction(record, ticket, isoNow());
      void kickQueue(true);
      const settled = await settledAction(record.id);
      setForm(null);
      setReason('');
      const status = settled?.lastError?.status;
      if (!settled || settled.state === 'done') onDone(t('sv_done', { a: t(BUTTON[action]) }), true);
      else if (settled.state !== 'failed') onDone(t('sv_queued'), false);
      else {
        // Refused: nothing of value to keep in an action without photos; the message says why.
        await discardAction(settled.id);
        if (status === 412) onDone(t('sv_stale'), true);
        else if (status === 409) onDone(t('sv_conflict'), true);
        else setError(settled.lastError ? describeRecord(settled.lastError) : t('problem_local'));
      }
    } catch (e) {
      setError(errorText(e));
    } finally {
      setBusy(false);
    }
  };
  const submit = (event: Event) => {
    event.preventDefault();
    if (form) void send(form);
  };
  return (
    <div class="sv-actions">
      <div class="row">
        {allowed.map((a) =>
          a === 'verify' ? (
            <button key={a} type="button" class="primary" disabled={busy} data-testid="sv-verify"
              onClick={() => confirm(t('sv_verify_confirm')) && void send('verify')}>
              {t(BUTTON[a])}
            </button>
          ) : (
            <button key={a} type="button" class={form === a ? 'active' : ''} disabled={busy} data-testid={`sv-${a}`}
              onClick={() => setForm(form === a ? null : (a as FormAction))}>
              {t(BUTTON[a])}
            </button>
          ),
        )}
      </div>
      {form && (
        <form class="card" onSubmit={submit} data-testid="sv-action-form">
          {form === 'reroute' && (
            <label>
              {t('sv_reroute_to')}
              <select required value={target} onChange={(e) => setTarget((e.target as HTMLSelectElement).value)}>
                <option value="">{t('sv_choose')}</option>
                {orgs.filter((o) => o.id !== ticket.responsible_org_id && o.is_active !== false).map((o) => (
                  <option key={o.id} value={o.id}>{o.name}</option>
                ))}
              </select>
            </label>
          )}
          <label>
            {t('sv_reason')}
            <textarea required rows={3} value={reason} maxLength={2000}
              onInput={(e) => setReason((e.target as HTMLTextAreaElement).value)} />
          </label>
          <div class="row">
            <button type="submit" class="primary" disabled={busy || !reason.trim()}>{t('sv_confirm')}</button>
            <button type="button" onClick={() => setForm(null)}>{t('cancel')}</button>
          </div>
        </form>
      )}
      {error && <p class="error">{error}</p>}
    </div>
  );
}

export default function TicketPanel({
  id,
  orgName,
  onLoaded,
  onChanged,
  onClose,
}: {
  id: number;
  orgName: (id: number) => string;
  onLoaded: (ticket: Ticket) => void;
  onChanged: () => void;
  onClose: () => void;
}) {
  const [ticket, setTicket] = useState<Ticket | null>(null);
  const [evidence, setEvidence] = useState<TicketEvidence | undefined>(undefined);
  const [error, setError] = useState<string | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const [generation, setGeneration] = useState(0);

  useEffect(() => {
    let gone = false;
    setError(null);
    getJson<Ticket>(`/api/tickets/${id}`).then(
      (loaded) => {
        if (gone) return;
        setTicket(loaded);
        onLoaded(loaded);
        evidenceOf(loaded).then((f) => !gone && setEvidence(f), (e) => !gone && setError(errorText(e)));
      },
      (e) => !gone && setError(errorText(e)),
    );
    return () => {
      gone = true;
    };
  }, [id, generation]);

  const done = (message: string, reload: boolean) => {
    setNotice(message);
    if (reload) setGeneration((g) => g + 1);
    onChanged();
  };

  return (
    <article class="sv-ticket" data-testid="sv-ticket" data-state={ticket?.state}>
      <div class="row between">
        <h2>{ticket ? t('ticket_title', { c: ticket.code }) : t('loading')}</h2>
        <button type="button" class="small" onClick={onClose} data-testid="sv-close">{t('sv_close_panel')}</button>
      </div>
      {error && <p class="error">{error}</p>}
      {notice && <p class="banner info" data-testid="sv-notice">{notice}</p>}
      {ticket && (
        <>
          <h3>{ticket.title}</h3>
          <p class="row">
            <span class={`tag sev-${ticket.severity}`}>{word('severity_', ticket.severity)}</span>
            <span class="tag plain" data-testid="sv-state">{word('state_', ticket.state)}</span>
            {ticket.overdue && <span class="tag bad">{t('sv_overdue')}</span>}
          </p>
          {ticket.description && <p>{ticket.description}</p>}
          <dl class="sv-facts" data-testid="sv-facts">
            <dt>{t('estate')}</dt><dd data-testid="sv-estate">{ticket.estate_name ?? `#${ticket.estate_id}`}</dd>
            {ticket.estate_address && <><dt>{t('estate_address')}</dt><dd data-testid="sv-address">{ticket.estate_address}</dd></>}
            <dt>{t('found_by')}</dt><dd data-testid="sv-finder">{finderText(ticket)}</dd>
            <dt>{t('sv_responsible')}</dt><dd>{orgName(ticket.responsible_org_id)}</dd>
            <dt>{t('sv_found')}</dt><dd>{formatTime(ticket.found_at)}</dd>
            <dt>{t('sv_deadline')}</dt><dd>{formatTime(ticket.due_at)}</dd>
            <dt>{t('sv_rework_count')}</dt><dd>{ticket.rework_count}</dd>
          </dl>
          <Actions ticket={ticket} onDone={done} />
          <Urges ticketId={ticket.id} canUrge={!['closed', 'cancelled'].includes(ticket.state)} canAcknowledge={false} />
          <EvidenceCompare photos={ticket.photos} photo={(sha, label) => <Photo sha={sha} label={label} />} />
          <Photos ticket={ticket} evidence={evidence} />
          <h3>{t('sv_evidence')}</h3>
          <div data-testid="sv-evidence"><Evidence evidence={evidence} /></div>
          <h3>{t('sv_trail')}</h3>
          <Trail ticket={ticket} />
        </>
      )}
    </article>
  );
}
