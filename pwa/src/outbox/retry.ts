// How a failed send is settled, the same for every kind the outbox carries: network, server and
// auth problems wait for a retry with backoff; a refusal or a lost photo is kept as failed with its
// reason — never dropped.

import { ApiError, NetworkError } from '../api';
import type { SyncError, SyncState } from '../db';

const BASE_DELAY_MS = 2_000;
const MAX_DELAY_MS = 5 * 60_000;

export type Outcome = 'sent' | 'network' | 'auth' | 'retry' | 'failed';
type Settled = Exclude<Outcome, 'sent'>;

/** The fields every outbox record carries (inspections and ticket actions). */
export interface Sendable {
  id: string;
  userId: number;
  state: SyncState;
  attempts: number;
  nextAttemptAt: number;
  lastError: SyncError | null;
  submittedAt: string | null;
  doneAt: string | null;
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
      error.status === 401 || error.code === 'password_change_required'
        ? 'auth'
        : error.status >= 500 || error.status === 429 || error.status === 408
          ? 'server'
          : 'rejected';
    return { kind, status: error.status, code: error.code, message: error.message, errors: error.errors, at };
  }
  const code = error instanceof PhotoLost ? 'photo_lost' : 'local';
  return { kind: 'local', status: null, code, message: String(error), at };
}

/** A photo the record needs is neither on this phone nor on the server. */
export class PhotoLost extends Error {}

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
