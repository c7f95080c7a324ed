// The send queue (lessons of Enketo and ODK Collect): records live in IndexedDB until the server
// has confirmed them; one upload at a time; exponential backoff with jitter; idempotent by the
// inspection UUID and the photo hashes. Runs in the page (driven by the app itself) and in the
// service worker (Background Sync, where the browser has it); a Web Lock keeps it to one runner.
//
// Order: photos first, then the inspection. When the inspection arrives every photo is already
// there, so nothing the server does on submission (tickets) ever sees a finding without its photo.

import { ApiError, NetworkError, request } from './api';
import { emit } from './bus';
import { drainActions, nextActionDue, pendingActions, resetWaitingActions } from './ticket-queue';
import {
  allInspections,
  dropUnreferencedPhotos,
  getPhoto,
  getSession,
  updateInspection,
  updatePhoto,
  type LocalInspection,
  type SyncError,
  type SyncState,
} from './db';

export const SYNC_TAG = 'wuhao-sync';
const BASE_DELAY_MS = 2_000;
const MAX_DELAY_MS = 5 * 60_000;

type Outcome = 'sent' | 'network' | 'auth' | 'retry' | 'failed';

export interface DrainSummary {
  sent: number;
  remaining: number;
  networkTrouble: boolean;
  authNeeded: boolean;
}

/** Exponential backoff with "equal jitter": half fixed, half random. */
export function backoffMs(attempts: number, retryAfterS: number | null = null): number {
  const exp = Math.min(MAX_DELAY_MS, BASE_DELAY_MS * 2 ** Math.max(0, attempts - 1));
  const delay = exp / 2 + Math.random() * (exp / 2);
  return Math.max(delay, (retryAfterS ?? 0) * 1000);
}

export function describeError(error: unknown): SyncError {
  const at = new Date().toISOString();
  if (error instanceof NetworkError) {
    // The code says which network trouble (offline, unreachable, timeout): the screens name it.
    return { kind: 'network', status: null, code: error.kind, message: error.message, at };
  }
  if (error instanceof ApiError) {
    const kind =
      error.status === 401
        ? 'auth'
        : error.status >= 500 || error.status === 429 || error.status === 408
          ? 'server'
          : 'rejected';
    return { kind, status: error.status, code: error.code, message: error.message, errors: error.errors, at };
  }
  const code = error instanceof PhotoLost ? 'photo_lost' : 'local';
  return { kind: 'local', status: null, code, message: String(error), at };
}

export class PhotoLost extends Error {}

type Settled = 'network' | 'auth' | 'retry' | 'failed';
interface Sendable {
  state: SyncState;
  attempts: number;
  nextAttemptAt: number;
  lastError: SyncError | null;
}

/** A failed send (inspection or ticket action): network, server and auth problems wait for a
 *  retry with backoff; a refusal (400/403/404/409/412/413/415/422) or a lost photo is kept as
 *  failed with its reason — never dropped. */
export async function settleFailure(
  error: unknown,
  update: (change: (record: Sendable) => void) => Promise<unknown>,
): Promise<Settled> {
  const problem = describeError(error);
  const retryable = problem.kind === 'network' || problem.kind === 'server' || problem.kind === 'auth';
  if (retryable && !(error instanceof PhotoLost)) {
    const retryAfter = error instanceof ApiError ? error.retryAfter : null;
    await update((r) => {
      r.state = 'waiting';
      if (problem.kind !== 'auth') r.attempts += 1;
      r.nextAttemptAt = problem.kind === 'auth' ? 0 : Date.now() + backoffMs(r.attempts, retryAfter);
      r.lastError = problem;
    });
    return problem.kind === 'network' ? 'network' : problem.kind === 'auth' ? 'auth' : 'retry';
  }
  await update((r) => {
    r.state = 'failed';
    r.attempts += 1;
    r.lastError = problem;
  });
  return 'failed';
}

/** Upload one stored photo (HEAD first if an earlier try may have reached the server). */
export async function uploadPhoto(hash: string): Promise<void> {
  const photo = await getPhoto(hash);
  if (!photo) {
    // Only possible if storage was wiped behind our back. Ask the server before giving up.
    const head = await request(`/api/photos/${hash}`, { method: 'HEAD' }).catch((e) => {
      if (e instanceof ApiError && e.status === 404) return null;
      throw e;
    });
    if (head) return;
    throw new PhotoLost(`photo ${hash.slice(0, 12)}… is no longer on this phone`);
  }
  if (photo.uploaded) return;
  if (photo.attempted) {
    // A previous try may have reached the server before the connection broke: ask first.
    const stored = await request(`/api/photos/${hash}`, { method: 'HEAD' }).then(
      () => true,
      (e) => {
        if (e instanceof ApiError && e.status === 404) return false;
        throw e;
      },
    );
    if (stored) {
      await updatePhoto(hash, (p) => (p.uploaded = true));
      return;
    }
  } else {
    await updatePhoto(hash, (p) => (p.attempted = true));
  }
  await request(`/api/photos/${hash}`, {
    method: 'PUT',
    body: photo.blob,
    contentType: 'image/jpeg',
    timeoutMs: 180_000,
  });
  await updatePhoto(hash, (p) => (p.uploaded = true));
}

function photoHashes(record: LocalInspection): string[] {
  const all = Object.values(record.results).flatMap((r) => r.photos);
  return [...new Set(all)];
}

async function sendOne(record: LocalInspection): Promise<Outcome> {
  await updateInspection(record.id, (r) => {
    r.state = 'sending';
  });
  emit('queue-changed');
  const hashes = photoHashes(record);
  try {
    for (let round = 0; round < 3; round++) {
      let sent = 0;
      for (const hash of hashes) {
        await uploadPhoto(hash);
        sent++;
        await updateInspection(record.id, (r) => {
          r.photosSent = Math.max(r.photosSent, sent);
          r.photosTotal = hashes.length;
        });
        emit('queue-changed');
      }
      const response = await request(`/api/inspections/${record.id}`, {
        method: 'PUT',
        json: record.payload,
        timeoutMs: 60_000,
      });
      const body = (await response.json()) as { missing_photos?: string[]; evidence_flags?: string[] };
      const missing = body.missing_photos ?? [];
      if (missing.length === 0) {
        await updateInspection(record.id, (r) => {
          r.state = 'done';
          r.doneAt = new Date().toISOString();
          r.serverStatus = response.status;
          r.lastError = null;
          r.photosSent = hashes.length;
          r.evidenceFlags = body.evidence_flags ?? [];
        });
        await dropUnreferencedPhotos(hashes);
        return 'sent';
      }
      // The server lacks some photos we believed stored: send them again, then re-confirm.
      for (const hash of missing) await updatePhoto(hash, (p) => ((p.uploaded = false), (p.attempted = false)));
    }
    throw new ApiError(0, 'photos_missing', 'the server still reports missing photos');
  } catch (error) {
    return settleFailure(error, (change) => updateInspection(record.id, change));
  } finally {
    emit('queue-changed');
  }
}

let running: Promise<DrainSummary> | null = null;

/** Send everything that is due, one at a time. `force` ignores the backoff (e.g. back online). */
export function drainQueue(force = false): Promise<DrainSummary> {
  if (running) return running;
  const run = async (): Promise<DrainSummary> => {
    const summary: DrainSummary = { sent: 0, remaining: 0, networkTrouble: false, authNeeded: false };
    const session = await getSession();
    if (!session || session.expired) {
      summary.authNeeded = Boolean(session?.expired);
      summary.remaining = (await pending(session?.user.id ?? null)).length;
      return summary;
    }
    if (force) {
      for (const r of await pending(session.user.id)) {
        if (r.state === 'waiting') await updateInspection(r.id, (x) => (x.nextAttemptAt = 0));
      }
      await resetWaitingActions(session.user.id);
    }
    const tried = new Set<string>();
    for (;;) {
      const now = Date.now();
      const due = (await pending(session.user.id)).filter(
        (r) => !tried.has(r.id) && (r.state === 'sending' || r.nextAttemptAt <= now),
      );
      if (due.length === 0) break;
      const record = due[0];
      tried.add(record.id);
      const outcome = await sendOne(record);
      if (outcome === 'sent') summary.sent++;
      if (outcome === 'network') {
        summary.networkTrouble = true;
        break; // no point trying the next record over the same broken link
      }
      if (outcome === 'auth') {
        summary.authNeeded = true;
        break;
      }
    }
    if (!summary.networkTrouble && !summary.authNeeded) {
      // Ticket actions (after-photos, verifications) after the inspections, same rules.
      const actions = await drainActions(session.user.id);
      summary.sent += actions.sent;
      summary.networkTrouble = actions.networkTrouble;
      summary.authNeeded = actions.authNeeded;
    }
    summary.remaining =
      (await pending(session.user.id)).length + (await pendingActions(session.user.id)).length;
    return summary;
  };
  const locked = async (): Promise<DrainSummary> => {
    const locks = (globalThis.navigator as Navigator | undefined)?.locks;
    if (!locks) return run();
    const result = await locks.request('wuhao-sync', { ifAvailable: true }, async (lock) =>
      lock ? run() : null,
    );
    // Someone else (another tab or the service worker) is sending right now.
    return result ?? { sent: 0, remaining: -1, networkTrouble: false, authNeeded: false };
  };
  running = locked().finally(() => {
    running = null;
  });
  return running;
}

/** Records of this user that still have to reach the server, oldest submission first. */
export async function pending(userId: number | null): Promise<LocalInspection[]> {
  return (await allInspections())
    .filter(
      (r) => (userId === null || r.userId === userId) && (r.state === 'waiting' || r.state === 'sending'),
    )
    .sort((a, b) => (a.submittedAt ?? '').localeCompare(b.submittedAt ?? ''));
}

/** Earliest time a waiting record is due again (for the page's timer), or null. */
export async function nextDue(userId: number): Promise<number | null> {
  const times = (await pending(userId)).map((r) => r.nextAttemptAt);
  const actions = await nextActionDue(userId);
  if (actions !== null) times.push(actions);
  return times.length ? Math.min(...times) : null;
}

/** The inspector asked to try a failed record again. */
export async function retryFailed(id: string): Promise<void> {
  await updateInspection(id, (r) => {
    if (r.state === 'failed') {
      r.state = 'waiting';
      r.nextAttemptAt = 0;
    }
  });
  emit('queue-changed');
}
