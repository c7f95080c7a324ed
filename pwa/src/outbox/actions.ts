// Ticket actions of every role go through the outbox: a firm's accept / rectify (after-photos) /
// dispute, an inspector's verify / reject, a supervisor's verify / reject / reroute / return /
// cancel. A record is a draft while photos are being added, then `waiting`.
//
// Sending: photos first, then POST /api/tickets/{id}/transitions with If-Match: the version the
// user saw. A transition is not idempotent by itself, so when the answer is 412 or 409 we read the
// ticket: if its trail, after the events the user saw, holds our action by us (with our photos), an
// earlier try got through and the record is done. Otherwise someone else changed the ticket: the
// record fails with the reason and keeps its photos, for the user to decide.

import { ApiError, request } from '../api';
import { emit, on } from '../bus';
import { db, dropUnreferencedPhotos, type LocalAction } from '../db';
import { fetchTicket, rememberTicket, type Ticket } from '../tickets';
import { capturesOf, forgetUploaded, sendPhoto } from './photos';
import type { Sender } from './sender';

export async function actionsOf(userId: number): Promise<LocalAction[]> {
  return (await (await db()).getAll('actions')).filter((a) => a.userId === userId);
}

export async function getAction(id: string): Promise<LocalAction | undefined> {
  return (await db()).get('actions', id);
}

/** The unfinished action of this user on this ticket (there is at most one), or undefined. */
export async function openAction(userId: number, ticketId: number): Promise<LocalAction | undefined> {
  const all = await (await db()).getAllFromIndex('actions', 'byTicket', ticketId);
  return all.find((a) => a.userId === userId && a.state !== 'done');
}

export async function saveAction(record: LocalAction): Promise<void> {
  await (await db()).put('actions', record);
  emit('queue-changed');
}

async function updateAction(id: string, change: (a: LocalAction) => void): Promise<LocalAction | undefined> {
  const tx = (await db()).transaction('actions', 'readwrite');
  const record = await tx.store.get(id);
  if (record) {
    change(record);
    await tx.store.put(record);
  }
  await tx.done;
  return record;
}

/** The user gave up an unsent action (a draft, or one the server refused). Its photos go too. */
export async function discardAction(id: string): Promise<void> {
  const d = await db();
  const record = await d.get('actions', id);
  if (!record || record.state === 'waiting' || record.state === 'sending') return;
  await d.delete('actions', id);
  await dropUnreferencedPhotos(record.photos);
  emit('queue-changed');
}

export function newAction(
  userId: number,
  ticket: Ticket,
  action: string,
  id: string,
  now: string,
  extra: { reason?: string; organisationId?: number | null } = {},
): LocalAction {
  return {
    id,
    userId,
    ticketId: ticket.id,
    ticketCode: ticket.code,
    title: ticket.title,
    action,
    reason: extra.reason ?? '',
    organisationId: extra.organisationId ?? null,
    photos: [],
    baseVersion: ticket.version,
    baseEvents: ticket.events.length,
    state: 'draft',
    attempts: 0,
    nextAttemptAt: 0,
    lastError: null,
    createdAt: now,
    submittedAt: null,
    doneAt: null,
  };
}

/** Freeze the action against the ticket as the user sees it now, and queue it. */
export async function submitAction(record: LocalAction, ticket: Ticket, now: string): Promise<void> {
  await saveAction({
    ...record,
    baseVersion: ticket.version,
    baseEvents: ticket.events.length,
    state: 'waiting',
    nextAttemptAt: 0,
    lastError: null,
    submittedAt: now,
  });
}

/** Did an earlier try of this record reach the server? (Read after a 412/409.) */
async function alreadyApplied(record: LocalAction): Promise<boolean> {
  const ticket = await fetchTicket(record.userId, record.ticketId);
  return ticket.events
    .slice(record.baseEvents)
    .some(
      (e) =>
        e.action === record.action &&
        e.actor_id === record.userId &&
        record.photos.every((h) => ((e.data.photos as string[] | undefined) ?? []).includes(h)),
    );
}

async function transitionBody(record: LocalAction): Promise<Record<string, unknown>> {
  const body: Record<string, unknown> = { action: record.action, reason: record.reason, photos: record.photos };
  const captures = Object.values(await capturesOf(record.photos));
  if (captures.length) body.captures = captures;
  if (record.organisationId) body.organisation_id = record.organisationId;
  return body;
}

async function post(record: LocalAction): Promise<Ticket | null> {
  try {
    const response = await request(`/api/tickets/${record.ticketId}/transitions`, {
      method: 'POST',
      json: await transitionBody(record),
      headers: { 'If-Match': `"${record.baseVersion}"` },
      timeoutMs: 60_000,
    });
    return (await response.json()) as Ticket;
  } catch (error) {
    if (error instanceof ApiError && (error.status === 412 || error.status === 409)) {
      if (await alreadyApplied(record)) return null;
    }
    throw error;
  }
}

function photosNotUploaded(error: unknown): boolean {
  if (!(error instanceof ApiError) || error.status !== 422) return false;
  const photos = (error.errors as { photos?: string[] } | null)?.photos ?? [];
  return photos.some((p) => p.endsWith('not uploaded'));
}

async function send(record: LocalAction): Promise<(done: LocalAction) => void> {
  for (let round = 0; ; round++) {
    for (const hash of record.photos) await sendPhoto(hash);
    try {
      const ticket = await post(record);
      if (ticket) await rememberTicket(record.userId, ticket);
      return () => {};
    } catch (error) {
      // The server lacks a photo we believed stored: send it again, once.
      if (round > 0 || !photosNotUploaded(error)) throw error;
      await forgetUploaded(record.photos);
    }
  }
}

export const actionSender: Sender<LocalAction> = {
  kind: 'action',
  records: async (userId) =>
    userId === null ? (await db()).getAll('actions') : actionsOf(userId),
  update: updateAction,
  photos: (record) => record.photos,
  send,
};

/** Resolves once the outbox has dealt with this action: sent (done), refused (failed), or put
 *  back to wait for the network (waiting with a reason). Offline it resolves at once. */
export function settledAction(id: string): Promise<LocalAction | undefined> {
  return new Promise((resolve) => {
    let off = () => {};
    const check = async () => {
      const record = await getAction(id);
      const offline = typeof navigator !== 'undefined' && navigator.onLine === false;
      if (!record || record.state === 'done' || record.state === 'failed' || (record.state === 'waiting' && (record.lastError || offline))) {
        off();
        resolve(record);
      }
    };
    off = on('queue-changed', () => void check());
    void check();
  });
}
