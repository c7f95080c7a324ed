// What the supervisor screens read from /api: ticket filters as query strings, tickets, photos as
// blobs (the photo URLs need the bearer token, so <img src> cannot load them directly) and downloads.

import { ApiError, getJson, request } from '../../api';
import { describe } from '../../problem';
import type { EvidenceFlag, Ticket } from '../../tickets';

export const SEVERITIES = ['urgent', 'major', 'minor'] as const;
export const OPEN_STATES = ['dispatched', 'accepted', 'rectified', 'rework', 'disputed'] as const;
export const AREAS = ['sanitation', 'order', 'facilities', 'garbage', 'property'] as const;

export interface Filters {
  area: string;
  severity: string;
  organisation_id: string;
  state: string;
  overdue: boolean;
}

export const NO_FILTERS: Filters = { area: '', severity: '', organisation_id: '', state: '', overdue: false };

/** The filters as query arguments understood by /api/tickets, /api/map/tickets and the exports. */
export function filterQuery(f: Filters): URLSearchParams {
  const q = new URLSearchParams();
  if (f.area) q.set('area', f.area);
  if (f.severity) q.set('severity', f.severity);
  if (f.organisation_id) q.set('organisation_id', f.organisation_id);
  if (f.state) q.set('state', f.state);
  else OPEN_STATES.forEach((s) => q.append('state', s));
  if (f.overdue) q.set('overdue', 'true');
  return q;
}

// The ticket shapes are the phone's (tickets.ts): one definition of what the server sends.
export type { EvidenceFlag, Ticket, TicketEvent, TicketSummary } from '../../tickets';

export interface Organisation {
  id: number;
  name: string;
  kind: string;
}

export interface Estate {
  id: number;
  name: string;
}

let organisations: Promise<Organisation[]> | null = null;

/** Every party a ticket can be routed to (cached for the visit: it rarely changes). */
export function allOrganisations(): Promise<Organisation[]> {
  organisations ??= getJson<Organisation[]>('/api/organisations?page_size=500').catch((e) => {
    organisations = null;
    throw e;
  });
  return organisations;
}

/** Evidence flags of the finding behind a ticket: the inspection's own and the item's. */
export async function evidenceOf(ticket: Ticket): Promise<EvidenceFlag[] | null> {
  if (!ticket.inspection_id) return null;
  const inspection = await getJson<{
    evidence: EvidenceFlag[];
    results: { item_code: string; evidence: EvidenceFlag[] }[];
  }>(`/api/inspections/${encodeURIComponent(ticket.inspection_id)}`);
  const result = inspection.results.find((r) => r.item_code === ticket.item_code);
  return [...inspection.evidence, ...(result?.evidence ?? [])];
}

/** A photo's display copy as an object URL (the caller revokes it). */
export async function photoUrl(sha256: string, variant: 'display' | 'thumb' = 'display'): Promise<string> {
  const response = await request(`/api/photos/${sha256}/${variant}`, { headers: { Accept: 'image/jpeg' } });
  return URL.createObjectURL(await response.blob());
}

/** Fetch a file with the token and hand it to the browser as a download. */
export async function download(path: string, fallbackName: string): Promise<void> {
  const response = await request(path, { headers: { Accept: '*/*' }, timeoutMs: 120_000 });
  const disposition = response.headers.get('Content-Disposition') ?? '';
  const name = /filename\*?=(?:UTF-8'')?"?([^";]+)"?/i.exec(disposition)?.[1];
  const url = URL.createObjectURL(await response.blob());
  const link = document.createElement('a');
  link.href = url;
  link.download = name ? decodeURIComponent(name) : fallbackName;
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

export function isMissing(error: unknown): boolean {
  return error instanceof ApiError && (error.status === 404 || error.status === 405);
}

export function errorText(error: unknown): string {
  return describe(error);
}
