// Ticket actions go through IndexedDB first, like inspections: a firm's after-photos are never lost
// to a dropped connection, and an inspector can verify or reject a rectification without signal.
//
// A record is a draft while photos are being added, then `waiting`. Sending: photos first (same
// upload as the inspection queue), then POST /api/tickets/{id}/transitions with If-Match: the
// version the user saw. A transition is not idempotent by itself, so when the answer is 412 or 409
// we read the ticket: if its trail, after the events the user saw, holds our action by us (with
// our photos), an earlier try got through and the record is done. Otherwise someone else changed
// the ticket: the record fails with the reason and keeps its photos, for the user to decide.

import { ApiError, request } from './api';
import { emit } from './bus';
import { db, dropUnreferencedPhotos, updatePhoto, type LocalAction } from './db';
import { settleFailure, uploadPhoto } from './queue';
import { fetchTicket, rememberTicket, type Ticket } from './tickets';

export async function actionsOf(userId: number): Promise<LocalAction[]> {
  return (await (await db()).getAll('actions')).filter((a) => a.userId === userId);
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
): LocalAction {
  return {
    id,
    userId,
    ticketId: ticket.id,
    ticketCode: ticket.code,
    title: ticket.title,
    action,
    reason: '',
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

export async function pendingActions(userId: number): Promise<LocalAction[]> {
  return (await actionsOf(userId))
    .filter((a) => a.state === 'waiting' || a.state === 'sending')
    .sort((a, b) => (a.submittedAt ?? '').localeCompare(b.submittedAt ?? ''));
}

export async function nextActionDue(userId: number): Promise<number | null> {
  const times = (await pendingActions(userId)).map((a) => a.nextAttemptAt);
  return times.length ? Math.min(...times) : null;
}

export async function resetWaitingActions(userId: number): Promise<void> {
  for (const a of await pendingActions(userId)) {
    if (a.state === 'waiting') await updateAction(a.id, (x) => (x.nextAttemptAt = 0));
  }
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
        record.photos.every((h) => (e.data.photos ?? []).includes(h)),
    );
}

type Outcome = 'sent' | 'network' | 'auth' | 'retry' | 'failed';

async function post(record: LocalAction): Promise<Ticket | null> {
  try {
    const response = await request(`/api/tickets/${record.ticketId}/transitions`, {
      method: 'POST',
      json: { action: record.action, reason: record.reason, photos: record.photos },
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

async function sendAction(record: LocalAction): Promise<Outcome> {
  await updateAction(record.id, (r) => (r.state = 'sending'));
  emit('queue-changed');
  try {
    let ticket: Ticket | null = null;
    for (let round = 0; ; round++) {
      for (const hash of record.photos) await uploadPhoto(hash);
      try {
        ticket = await post(record);
        break;
      } catch (error) {
        // The server lacks a photo we believed stored: send it again, once.
        if (round > 0 || !photosNotUploaded(error)) throw error;
        for (const hash of record.photos) await updatePhoto(hash, (p) => ((p.uploaded = false), (p.attempted = false)));
      }
    }
    if (ticket) await rememberTicket(record.userId, ticket);
    await updateAction(record.id, (r) => {
      r.state = 'done';
      r.doneAt = new Date().toISOString();
      r.lastError = null;
    });
    await dropUnreferencedPhotos(record.photos);
    return 'sent';
  } catch (error) {
    return settleFailure(error, (change) => updateAction(record.id, change));
  } finally {
    emit('queue-changed');
  }
}

/** Send due ticket actions one at a time (called by the queue's drain, under its lock). */
export async function drainActions(
  userId: number,
): Promise<{ sent: number; networkTrouble: boolean; authNeeded: boolean }> {
  const result = { sent: 0, networkTrouble: false, authNeeded: false };
  const tried = new Set<string>();
  for (;;) {
    const now = Date.now();
    const due = (await pendingActions(userId)).filter(
      (a) => !tried.has(a.id) && (a.state === 'sending' || a.nextAttemptAt <= now),
    );
    if (!due.length) return result;
    tried.add(due[0].id);
    const outcome = await sendAction(due[0]);
    if (outcome === 'sent') result.sent++;
    if (outcome === 'network') return { ...result, networkTrouble: true };
    if (outcome === 'auth') return { ...result, authNeeded: true };
  }
}
