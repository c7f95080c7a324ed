// Sign-in, and the data an inspector needs offline (estates, active checklists), kept in IndexedDB.

import { ApiError, getJson, request } from './api';
import { emit } from './bus';
import type { ChecklistVersion } from './checklist';
import { getCache, getSession, putCache, setSession, type Session, type User } from './db';
import type { Area, LngLat } from './geo';
import type { components } from './api-types';

export interface Estate {
  id: number;
  code: string;
  name: string;
  address: string | null;
  street_id: number;
  grid_id: number | null;
  grade: string | null;
  management_mode: string | null;
  centroid: LngLat | null;
  geometry: Area | null;
}

export async function login(username: string, password: string): Promise<Session> {
  const data = await getJson<{ token: string; expires_at: string; user: User }>('/api/auth/login', {
    method: 'POST',
    json: { username, password },
    token: null,
  });
  const session: Session = { token: data.token, expiresAt: data.expires_at, user: data.user, expired: false };
  await setSession(session);
  emit('session-changed');
  return session;
}

export async function logout(): Promise<void> {
  const session = await getSession();
  if (session && !session.expired) {
    // Best effort: offline, the token simply stays valid on the server until it expires.
    await request('/api/auth/logout', { method: 'POST', token: session.token, timeoutMs: 5000 }).catch(() => {});
  }
  await setSession(null);
  // The service worker's copies of API answers belong to this user: drop them.
  if (typeof caches !== 'undefined') await caches.delete('wuhao-api').catch(() => {});
  emit('session-changed');
}

/** Change one's own password; the session (this token) stays, with the user's new state. */
export async function changePassword(currentPassword: string, newPassword: string): Promise<void> {
  const user = await getJson<User>('/api/auth/password', {
    method: 'POST',
    json: { current_password: currentPassword, new_password: newPassword },
  });
  const session = await getSession();
  if (session) await setSession({ ...session, user: { ...session.user, ...user } });
  emit('session-changed');
}

const estatesKey = (userId: number) => `estates:${userId}`;
const checklistsKey = (userId: number) => `checklists:${userId}`;

export async function cachedEstates(userId: number) {
  return getCache<Estate[]>(estatesKey(userId));
}

/** When the server made this answer (a service-worker copy keeps its original Date). */
function servedAt(response: Response): string {
  const date = Date.parse(response.headers.get('Date') ?? '');
  return Number.isFinite(date) ? new Date(date).toISOString() : new Date().toISOString();
}

export async function refreshEstates(userId: number): Promise<{ estates: Estate[]; fetchedAt: string }> {
  const all: Estate[] = [];
  let fetchedAt = new Date().toISOString();
  for (let page = 1; page <= 20; page++) {
    const response = await request(`/api/estates?page_size=500&page=${page}`);
    if (page === 1) fetchedAt = servedAt(response);
    all.push(...((await response.json()) as Estate[]));
    const pagination = JSON.parse(response.headers.get('X-Pagination') || '{}') as { total_pages?: number };
    if (!pagination.total_pages || page >= pagination.total_pages) break;
  }
  await putCache(estatesKey(userId), all, null, fetchedAt);
  return { estates: all, fetchedAt };
}

export async function cachedChecklists(userId: number) {
  return getCache<ChecklistVersion[]>(checklistsKey(userId));
}

/** The active checklists, revalidated with the ETag (304 keeps what we have). */
export async function refreshChecklists(userId: number): Promise<ChecklistVersion[]> {
  const cached = await cachedChecklists(userId);
  const headers: Record<string, string> = {};
  if (cached?.etag) headers['If-None-Match'] = cached.etag;
  const response = await request('/api/checklists/active', { headers });
  if (response.status === 304 && cached) {
    await putCache(checklistsKey(userId), cached.data, cached.etag);
    return cached.data;
  }
  const body = (await response.json()) as { checklists: ChecklistVersion[] };
  await putCache(checklistsKey(userId), body.checklists, response.headers.get('ETag'));
  // Each version is also kept by id: a draft started on it can be finished after it changes.
  for (const version of body.checklists) await putCache(`cv:${version.id}`, version);
  return body.checklists;
}

export async function checklistVersion(id: number): Promise<ChecklistVersion | undefined> {
  return (await getCache<ChecklistVersion>(`cv:${id}`))?.data;
}

/** A task of the day (GET /api/tasks): its estate comes from the cached estates. */
export type Task = Required<Omit<components['schemas']['Task'], 'assignee_ids'>>;

const tasksKey = (userId: number) => `tasks:${userId}`;

export async function cachedTasks(userId: number) {
  return getCache<Task[]>(tasksKey(userId));
}

/** Today's tasks (the server's day, Asia/Shanghai), kept for offline use. */
export async function refreshTasks(userId: number): Promise<{ tasks: Task[]; fetchedAt: string }> {
  const response = await request('/api/tasks');
  const tasks = (await response.json()) as Task[];
  const fetchedAt = servedAt(response);
  await putCache(tasksKey(userId), tasks, null, fetchedAt);
  return { tasks, fetchedAt };
}

export function isAuthError(error: unknown): boolean {
  return error instanceof ApiError && error.status === 401;
}
