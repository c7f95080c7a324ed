// The outbox: everything the phone sends (inspections, ticket actions of every role, and the photos
// they carry) waits in IndexedDB until the server has confirmed it (lessons of Enketo and ODK
// Collect). One record at a time, oldest submission first, each by the sender of its kind; photos
// always before the record that names them; exponential backoff with jitter. Runs in the page
// (driven by the app itself) and in the service worker (Background Sync, where the browser has
// it); a Web Lock keeps it to one runner.

import { emit } from '../bus';
import { dropUnreferencedPhotos, getSession } from '../db';
import { actionSender } from './actions';
import { inspectionSender } from './inspections';
import { settleFailure, type Outcome, type Sendable } from './retry';
import type { Sender } from './sender';

export { backoffMs, describeError, PhotoLost, settleFailure } from './retry';
export {
  actionsOf,
  discardAction,
  getAction,
  newAction,
  openAction,
  saveAction,
  settledAction,
  submitAction,
} from './actions';

export const SYNC_TAG = 'wuhao-sync';

export interface DrainSummary {
  sent: number;
  remaining: number;
  networkTrouble: boolean;
  authNeeded: boolean;
}

// One sender per kind; the union keeps each record with the sender that knows it.
const SENDERS = [inspectionSender, actionSender] as unknown as Sender<Sendable>[];

interface Entry {
  sender: Sender<Sendable>;
  record: Sendable;
}

const unsent = (r: Sendable) => r.state === 'waiting' || r.state === 'sending';

/** Records of this user that still have to reach the server, oldest submission first. */
async function pendingEntries(userId: number | null): Promise<Entry[]> {
  const entries: Entry[] = [];
  for (const sender of SENDERS) {
    for (const record of await sender.records(userId)) if (unsent(record)) entries.push({ sender, record });
  }
  return entries.sort((a, b) => (a.record.submittedAt ?? '').localeCompare(b.record.submittedAt ?? ''));
}

async function sendOne({ sender, record }: Entry): Promise<Outcome> {
  await sender.update(record.id, (r) => (r.state = 'sending'));
  emit('queue-changed');
  try {
    const finish = await sender.send(record);
    await sender.update(record.id, (r) => {
      r.state = 'done';
      r.doneAt = new Date().toISOString();
      r.lastError = null;
      finish(r);
    });
    await dropUnreferencedPhotos(sender.photos(record));
    return 'sent';
  } catch (error) {
    return settleFailure(error, (change) => sender.update(record.id, change));
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
    // A reset password must be changed first: the server refuses everything else until then.
    if (!session || session.expired || session.user.must_change_password) {
      summary.authNeeded = Boolean(session?.expired || session?.user.must_change_password);
      summary.remaining = (await pendingEntries(session?.user.id ?? null)).length;
      return summary;
    }
    const userId = session.user.id;
    if (force) {
      for (const { sender, record } of await pendingEntries(userId)) {
        if (record.state === 'waiting') await sender.update(record.id, (r) => (r.nextAttemptAt = 0));
      }
    }
    const tried = new Set<string>();
    for (;;) {
      const now = Date.now();
      const due = (await pendingEntries(userId)).find(
        (e) => !tried.has(e.record.id) && (e.record.state === 'sending' || e.record.nextAttemptAt <= now),
      );
      if (!due) break;
      tried.add(due.record.id);
      const outcome = await sendOne(due);
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
    summary.remaining = (await pendingEntries(userId)).length;
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

/** Earliest time a waiting record of this user is due again (for the page's timer), or null. */
export async function nextDue(userId: number): Promise<number | null> {
  const times = (await pendingEntries(userId)).map((e) => e.record.nextAttemptAt);
  return times.length ? Math.min(...times) : null;
}

/** The user asked to try a failed record again. */
export async function retryFailed(kind: Sender<Sendable>['kind'], id: string): Promise<void> {
  const sender = SENDERS.find((s) => s.kind === kind)!;
  await sender.update(id, (r) => {
    if (r.state === 'failed') {
      r.state = 'waiting';
      r.nextAttemptAt = 0;
    }
  });
  emit('queue-changed');
}
