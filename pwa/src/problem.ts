// What went wrong, in words a field worker can act on. Every failure of a request is one of:
// no network on the phone, the server cannot be reached (refused, reset, DNS) or did not answer in
// time, the server failed (5xx, a proxy's 502 included), or the server refused (4xx, with its own
// reason). Raw browser or HTTP text ("Failed to fetch", "Bad Gateway") never reaches the screen.

import { ApiError, NetworkError } from './api';
import type { SyncError } from './db';
import { t } from './i18n';

export type ProblemKind = 'offline' | 'unreachable' | 'timeout' | 'server' | 'refused' | 'auth' | 'local';

export interface Problem {
  kind: ProblemKind;
  status: number | null;
  /** The server's own reason (our JSON error shape only; a proxy's page is not a reason). */
  reason: string | null;
  fields: Record<string, unknown>;
  code: string;
}

/** Our error shape has a stable code; a status without our JSON gets the code http_<status>. */
function serverReason(error: { code: string; message: string }): string | null {
  return error.code.startsWith('http_') || !error.message ? null : error.message;
}

export function problemOf(error: unknown): Problem {
  if (error instanceof NetworkError) {
    return { kind: error.kind === 'aborted' ? 'unreachable' : error.kind, status: null, reason: null, fields: {}, code: error.kind };
  }
  if (error instanceof ApiError) {
    return fromStatus(error.status, error.code, serverReason(error), error.errors);
  }
  return { kind: 'local', status: null, reason: null, fields: {}, code: 'local' };
}

function fromStatus(status: number | null, code: string, reason: string | null, errors: unknown): Problem {
  const fields = errors && typeof errors === 'object' ? (errors as Record<string, unknown>) : {};
  if (status === 401) return { kind: 'auth', status, reason, fields, code };
  if (status !== null && (status >= 500 || status === 408 || status === 429)) {
    return { kind: 'server', status, reason, fields, code };
  }
  if (status) return { kind: 'refused', status, reason, fields, code };
  return { kind: 'local', status, reason, fields, code };
}

/** The queue's stored reason (it outlives the error object) as a Problem. */
export function problemOfRecord(error: SyncError): Problem {
  if (error.kind === 'network') {
    const kind = error.code === 'offline' || error.code === 'timeout' ? error.code : 'unreachable';
    return { kind, status: null, reason: null, fields: {}, code: error.code };
  }
  if (error.kind === 'local') return { kind: 'local', status: null, reason: null, fields: {}, code: error.code };
  return fromStatus(error.status, error.code, serverReason(error), error.errors);
}

function fieldText(fields: Record<string, unknown>): string {
  return Object.entries(fields)
    .map(([field, messages]) => `${field}: ${Array.isArray(messages) ? messages.join('; ') : String(messages)}`)
    .join(' · ');
}

export function problemText(problem: Problem): string {
  switch (problem.kind) {
    case 'offline':
      return t('problem_offline');
    case 'unreachable':
      return t('problem_unreachable');
    case 'timeout':
      return t('problem_timeout');
    case 'server':
      if (problem.status === 429) return t('problem_busy');
      return t('problem_server', { s: problem.status ?? '' });
    case 'auth':
      return t('problem_auth');
    case 'refused': {
      const details = fieldText(problem.fields);
      const why = [problem.reason, details].filter(Boolean).join(' — ');
      return why ? t('problem_refused', { m: why }) : t('problem_refused_plain', { s: problem.status ?? '' });
    }
    default:
      if (problem.code === 'photo_lost') return t('problem_photo_lost');
      if (problem.code === 'photos_missing') return t('problem_photos_missing');
      return t('problem_local');
  }
}

/** A lazily loaded part of the app (the map, the dashboard) could not be fetched. */
export function describeLoadFailure(): string {
  return globalThis.navigator?.onLine === false ? t('problem_offline') : t('problem_unreachable');
}

/** One call for screens: the words for whatever was thrown. */
export function describe(error: unknown): string {
  return problemText(problemOf(error));
}

export function describeRecord(error: SyncError): string {
  return problemText(problemOfRecord(error));
}
