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
  /** false: deactivated (kept for the names of old tickets, takes no new ones) */
  is_active?: boolean;
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

export interface TicketEvidence {
  /** the finding's own flags (inspection and item); null when the ticket is not from an inspection */
  finding: EvidenceFlag[] | null;
  /** the rectification's flags (after-photos against the estate's earlier photos and the finding) */
  rectification: EvidenceFlag[];
  /** flags per photo, keyed `kind:sha256` (one file can be a before- and an after-photo) */
  byPhoto: Record<string, EvidenceFlag[]>;
}

/** Servers before capture metadata send no per-photo flags: read them as none. */
type WithFlags = { sha256: string; kind?: string; evidence?: EvidenceFlag[] | null };

/** Every evidence flag of a ticket: the finding's (from its inspection) and the rectification's. */
export async function evidenceOf(ticket: Ticket): Promise<TicketEvidence> {
  const byPhoto: Record<string, EvidenceFlag[]> = {};
  for (const photo of ticket.photos as WithFlags[]) {
    byPhoto[`${photo.kind}:${photo.sha256}`] = [...(photo.evidence ?? [])];
  }
  const rectification = (ticket as { evidence?: EvidenceFlag[] }).evidence ?? [];
  if (!ticket.inspection_id) return { finding: null, rectification, byPhoto };
  const inspection = await getJson<{
    evidence: EvidenceFlag[];
    results: { item_code: string; evidence: EvidenceFlag[]; attachments?: WithFlags[] }[];
  }>(`/api/inspections/${encodeURIComponent(ticket.inspection_id)}`);
  const result = inspection.results.find((r) => r.item_code === ticket.item_code);
  // The finding's photos are judged by the inspection's checks.
  for (const attachment of result?.attachments ?? []) {
    byPhoto[`before:${attachment.sha256}`] = [...(attachment.evidence ?? [])];
  }
  return { finding: [...inspection.evidence, ...(result?.evidence ?? [])], rectification, byPhoto };
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
