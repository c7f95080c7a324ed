// Talking to /api: bearer token, the one error shape {code, status, message, errors}, timeouts.
// Works in the page and in the service worker (no DOM).

import { emit } from './bus';
import { getSession, setSession } from './db';
import { noteServer } from './server-state';

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly errors: unknown = {},
    readonly retryAfter: number | null = null,
    readonly headers: Headers | null = null,
  ) {
    super(message);
  }
}

/** Why no answer came: the phone has no network; the server could not be reached (refused,
 *  reset, DNS); it did not answer in time; or the caller gave up. */
export type NetworkKind = 'offline' | 'unreachable' | 'timeout' | 'aborted';

/** No answer from the server at all. Always retryable. */
export class NetworkError extends Error {
  constructor(
    message: string,
    readonly kind: NetworkKind = 'unreachable',
  ) {
    super(message);
  }
}

export interface RequestOptions {
  method?: string;
  json?: unknown;
  body?: BodyInit;
  contentType?: string;
  headers?: Record<string, string>;
  token?: string | null; // undefined: use the stored session
  timeoutMs?: number;
  signal?: AbortSignal; // the caller gave up (a newer map view): throws a NetworkError
  // A poll nobody asked for (the bell's count): its 401 does not ask the user to sign in again
  // in the middle of their work; the next thing they do themselves will.
  background?: boolean;
}

export async function request(path: string, options: RequestOptions = {}): Promise<Response> {
  const headers: Record<string, string> = { Accept: 'application/json', ...options.headers };
  let token = options.token;
  if (token === undefined) token = (await getSession())?.token ?? null;
  if (token) headers.Authorization = `Bearer ${token}`;
  let body = options.body;
  if (options.json !== undefined) {
    body = JSON.stringify(options.json);
    headers['Content-Type'] = 'application/json';
  } else if (options.contentType) {
    headers['Content-Type'] = options.contentType;
  }
  const controller = new AbortController();
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    controller.abort();
  }, options.timeoutMs ?? 30_000);
  options.signal?.addEventListener('abort', () => controller.abort(), { once: true });
  let response: Response;
  try {
    response = await fetch(path, {
      method: options.method ?? 'GET',
      headers,
      body,
      signal: controller.signal,
      credentials: 'omit',
      cache: 'no-store',
    });
  } catch (error) {
    const kind: NetworkKind = options.signal?.aborted
      ? 'aborted'
      : timedOut
        ? 'timeout'
        : globalThis.navigator?.onLine === false
          ? 'offline'
          : 'unreachable';
    if (kind === 'unreachable' || kind === 'timeout') noteServer(kind);
    throw new NetworkError(error instanceof Error ? error.message : String(error), kind);
  } finally {
    clearTimeout(timer);
  }
  // 501 is a feature this database lacks (tiles on SpatiaLite), not a failing server.
  noteServer(response.status >= 500 && response.status !== 501 ? 'error' : 'ok');
  if (response.status === 304 || response.ok) return response;
  throw await toApiError(response, Boolean(token) && !options.background);
}

async function toApiError(response: Response, hadToken: boolean): Promise<ApiError> {
  let data: { code?: string; message?: string; errors?: unknown } = {};
  try {
    data = await response.json();
  } catch {
    /* not our JSON (a proxy's HTML page): keep the status */
  }
  const retryAfter = Number(response.headers.get('Retry-After')) || null;
  const error = new ApiError(
    response.status,
    data.code ?? `http_${response.status}`,
    data.message ?? response.statusText ?? `HTTP ${response.status}`,
    data.errors ?? {},
    retryAfter,
    response.headers,
  );
  if (response.status === 401 && hadToken) await markSessionExpired();
  return error;
}

/** The server no longer takes our token: keep the user (and every unsent record), ask to sign in. */
export async function markSessionExpired(): Promise<void> {
  const session = await getSession();
  if (session && !session.expired) {
    await setSession({ ...session, expired: true });
  }
  emit('auth-expired');
}

export async function getJson<T>(path: string, options: RequestOptions = {}): Promise<T> {
  const response = await request(path, options);
  return (await response.json()) as T;
}
