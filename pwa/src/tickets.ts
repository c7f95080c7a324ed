// Tickets as the phone sees them: inbox pages and counts, one ticket with its trail, server photos
// fetched with the bearer token. Last answers are kept in IndexedDB (cache store) so a firm's inbox
// and an inspector's re-inspection list still show without signal.

import { getJson, request } from './api';
import type { components } from './api-types';
import { getCache, putCache } from './db';

type Schemas = components['schemas'];

/** What the server sends: its dump schemas list every field as optional in OpenAPI (marshmallow
 *  marks none required on output), but every field is always there. */
export type Sent<T> = { -readonly [K in keyof T]-?: Exclude<T[K], undefined> };

export type TicketState = Sent<Schemas['Ticket']>['state'];

/** The position is a plain {lat, lng} (documented as free-form by the server). */
type Located = { position: { lat: number; lng: number } | null };

export type TicketSummary = Omit<Sent<Schemas['TicketSummary']>, 'position'> & Located;

export type TicketEvent = Omit<Sent<Schemas['Event']>, 'data'> & {
  data: { photos?: string[] } & Record<string, unknown>;
};

export type TicketPhoto = Sent<Schemas['TicketPhoto']>;

export type Ticket = Omit<Sent<Schemas['Ticket']>, 'position' | 'events' | 'photos'> &
  Located & { events: TicketEvent[]; photos: TicketPhoto[] };

export type EvidenceFlag = Sent<Schemas['Evidence']>;

export type Counts = Record<TicketState | 'overdue', number>;

/** States in which the responsible unit owes work (the server's UNIT_STATES). */
export const UNIT_STATES: TicketState[] = ['dispatched', 'accepted', 'rework'];

export interface InboxPage {
  items: TicketSummary[];
  page: number;
  totalPages: number;
  total: number;
  fetchedAt: string;
}

export interface InboxQuery {
  states: TicketState[];
  overdue?: boolean;
  estateId?: number | null;
}

function inboxParams(query: InboxQuery, page: number, pageSize: number): string {
  const params = new URLSearchParams({ sort: 'due', page: String(page), page_size: String(pageSize) });
  query.states.forEach((s) => params.append('state', s));
  if (query.overdue) params.set('overdue', 'true');
  if (query.estateId) params.set('estate_id', String(query.estateId));
  return params.toString();
}

export async function fetchInbox(query: InboxQuery, page = 1, pageSize = 20): Promise<InboxPage> {
  const response = await request(`/api/tickets?${inboxParams(query, page, pageSize)}`);
  const items = (await response.json()) as TicketSummary[];
  const pagination = JSON.parse(response.headers.get('X-Pagination') || '{}') as {
    total?: number;
    total_pages?: number;
  };
  return {
    items,
    page,
    totalPages: pagination.total_pages ?? 1,
    total: pagination.total ?? items.length,
    fetchedAt: new Date().toISOString(),
  };
}

export async function fetchCounts(estateId?: number | null): Promise<Counts> {
  return getJson<Counts>(`/api/tickets/counts${estateId ? `?estate_id=${estateId}` : ''}`);
}

const ticketKey = (userId: number, id: number) => `ticket:${userId}:${id}`;

export async function fetchTicket(userId: number, id: number): Promise<Ticket> {
  const ticket = await getJson<Ticket>(`/api/tickets/${id}`);
  await putCache(ticketKey(userId, id), ticket);
  return ticket;
}

export async function cachedTicket(userId: number, id: number) {
  return getCache<Ticket>(ticketKey(userId, id));
}

export async function rememberTicket(userId: number, ticket: Ticket): Promise<void> {
  await putCache(ticketKey(userId, ticket.id), ticket);
}

/** A server photo as a blob URL (the API wants the bearer token, so no plain <img src>). Kept in
 * IndexedDB after the first download: photos never change under their hash. */
export async function photoBlob(userId: number, sha: string, variant: 'thumb' | 'display'): Promise<Blob> {
  const key = `photo:${userId}:${sha}:${variant}`;
  const cached = await getCache<Blob>(key);
  if (cached) return cached.data;
  const blob = await (await request(`/api/photos/${sha}/${variant}`, { headers: { Accept: 'image/jpeg' } })).blob();
  await putCache(key, blob);
  return blob;
}

// --- the inspector's re-inspections (tickets rectified in their grids, awaiting verification) ----

const reinspectKey = (userId: number) => `reinspect:${userId}`;

export async function cachedReinspections(userId: number) {
  return getCache<TicketSummary[]>(reinspectKey(userId));
}

/** Download the list, each ticket's detail and its after-photo thumbnails, for use offline. */
export async function refreshReinspections(userId: number): Promise<TicketSummary[]> {
  const items: TicketSummary[] = [];
  for (let page = 1; page <= 10; page++) {
    const answer = await fetchInbox({ states: ['rectified'] }, page, 100);
    items.push(...answer.items);
    if (page >= answer.totalPages) break;
  }
  await putCache(reinspectKey(userId), items);
  for (const summary of items) {
    const cached = await cachedTicket(userId, summary.id);
    const ticket =
      cached && cached.data.version === summary.version ? cached.data : await fetchTicket(userId, summary.id);
    for (const photo of ticket.photos) await photoBlob(userId, photo.sha256, 'thumb').catch(() => {});
  }
  return items;
}
