// IndexedDB: the phone's own copy of everything. Shared by the page and the service worker.
//
// Stores
//   kv           session (token + user), small settings
//   cache        downloaded data: `estates:<userId>`, `checklists:<userId>`, `cv:<versionId>`
//   inspections  one record per inspection, keyed by the UUID the phone made; drafts and the
//                send queue are the same records (field `state`)
//   photos       compressed JPEG blobs keyed by their SHA-256
//   actions      ticket transitions made on this device (firm: accept/rectify/dispute; inspector:
//                verify/reject), a draft while photos are being taken, then queued like inspections
//
// Upgrades: DB_VERSION only goes up. Each step in `upgrade` runs once, in order, and may add
// stores, indexes or fields, or rewrite records in place. A step NEVER deletes a store or a record
// that could hold unsent data: a new app version must always be able to send what an old one saved.

import { openDB, type DBSchema, type IDBPDatabase } from 'idb';
import type { components } from './api-types';

export type Role = 'inspector' | 'firm' | 'supervisor' | 'admin' | 'committee' | 'community';

export interface Position {
  lat: number;
  lng: number;
  accuracy_m: number | null;
}

export interface User {
  id: number;
  username: string;
  display_name: string;
  role: Role;
  /** An administrator reset the password: the app shows only the change-password screen. */
  must_change_password?: boolean;
  scope: {
    level?: string;
    district_id?: number | null;
    street_id?: number | null;
    organisation_id?: number | null;
    estate_id?: number | null;
    community_id?: number | null;
    grids?: { id: number; code: string; name: string }[];
  };
}

export interface Session {
  token: string;
  expiresAt: string;
  user: User;
  /** The server said the token is no longer valid: keep everything, ask to sign in again. */
  expired: boolean;
}

export type Answer = 'pass' | 'fail' | 'not_applicable' | number | string;

export interface LocalResult {
  answer: Answer | null;
  note: string;
  photos: string[]; // sha256 hex of the compressed JPEG bytes
  position: Position | null;
  answeredAt: string | null;
}

export type SyncState = 'draft' | 'waiting' | 'sending' | 'done' | 'failed';

export interface SyncError {
  kind: 'network' | 'auth' | 'server' | 'rejected' | 'local';
  status: number | null;
  code: string;
  message: string;
  errors?: unknown;
  at: string;
}

export interface LocalInspection {
  id: string; // UUID made on the phone
  userId: number;
  username: string;
  estateId: number;
  estateName: string;
  checklistVersionId: number;
  startedAt: string; // ISO 8601 with offset
  finishedAt: string | null;
  position: Position | null;
  results: Record<string, LocalResult>;
  cursor: number; // the item the inspector was on
  state: SyncState;
  /** The exact PUT body, frozen at submission, so every retry is byte-for-byte the same request. */
  payload: unknown | null;
  attempts: number;
  nextAttemptAt: number; // epoch ms
  lastError: SyncError | null;
  photosTotal: number;
  photosSent: number;
  createdAt: string;
  updatedAt: string;
  submittedAt: string | null;
  doneAt: string | null;
  serverStatus: number | null;
  evidenceFlags: string[];
}

/** Where a photo came from, sent beside it (contract §1): read from the ORIGINAL file before the
 *  phone re-encodes it, plus the phone's own fix when the photo was taken or picked. The shape is
 *  the server's (generated from its OpenAPI document). */
export type Capture = Omit<components['schemas']['Capture'], 'fix'> & { fix: components['schemas']['Fix'] | null };

export interface LocalPhoto {
  hash: string;
  /** The JPEG made on the phone, or the original bytes when the phone cannot decode them (HEIC). */
  blob: Blob;
  size: number;
  width: number;
  height: number;
  capturedAt: string;
  position: Position | null;
  inspectionId: string;
  itemCode: string;
  uploaded: boolean;
  attempted: boolean;
  /** Absent on photos stored by older versions of the app. */
  capture?: Capture | null;
  /** The original could not be decoded here: the server converts it and makes the thumbnail. */
  original?: boolean;
  /** A resumable upload under way (outbox/tus.ts): where, how far the server has it, how often a
   *  chunk was cut off (each cut halves the chunk), and the user's words for the last cut. */
  upload?: PhotoUpload | null;
}

export interface PhotoUpload {
  url: string | null;
  offset: number;
  failures: number;
  chunk: number;
  note: string | null;
}

export interface CacheEntry {
  key: string;
  data: unknown;
  etag: string | null;
  fetchedAt: string;
}

/** A ticket transition made on this device, sent by the outbox after its photos (outbox/actions.ts). */
export interface LocalAction {
  id: string; // UUID made on the phone
  userId: number;
  ticketId: number;
  ticketCode: string;
  title: string;
  action: string; // accept | rectify | dispute | verify | reject | reroute | return | cancel
  reason: string;
  /** reroute: the unit the ticket goes to (records saved before supervisors queued have none). */
  organisationId?: number | null;
  photos: string[]; // sha256 of compressed JPEGs in the `photos` store
  /** The ticket version and trail length the user saw: sent as If-Match; used to recognise our own
   * earlier attempt when the answer is 412/409. */
  baseVersion: number;
  baseEvents: number;
  state: SyncState;
  attempts: number;
  nextAttemptAt: number;
  lastError: SyncError | null;
  createdAt: string;
  submittedAt: string | null;
  doneAt: string | null;
}

interface WuhaoDB extends DBSchema {
  kv: { key: string; value: unknown };
  cache: { key: string; value: CacheEntry };
  inspections: {
    key: string;
    value: LocalInspection;
    indexes: { byUser: number; byState: string };
  };
  photos: { key: string; value: LocalPhoto; indexes: { byInspection: string } };
  actions: { key: string; value: LocalAction; indexes: { byTicket: number } };
}

export const DB_NAME = 'wuhao';
export const DB_VERSION = 2;

let opening: Promise<IDBPDatabase<WuhaoDB>> | null = null;
const blockedListeners = new Set<() => void>();

/** Called when a newer app version (another tab, or after an update) wants to upgrade the DB. */
export function onDbVersionChange(fn: () => void): void {
  blockedListeners.add(fn);
}

export function db(): Promise<IDBPDatabase<WuhaoDB>> {
  if (!opening) {
    opening = openDB<WuhaoDB>(DB_NAME, DB_VERSION, {
      upgrade(database, oldVersion, _newVersion, tx) {
        if (oldVersion < 1) {
          database.createObjectStore('kv');
          database.createObjectStore('cache', { keyPath: 'key' });
          const inspections = database.createObjectStore('inspections', { keyPath: 'id' });
          inspections.createIndex('byUser', 'userId');
          inspections.createIndex('byState', 'state');
          const photos = database.createObjectStore('photos', { keyPath: 'hash' });
          photos.createIndex('byInspection', 'inspectionId');
        }
        if (oldVersion < 2) {
          const actions = database.createObjectStore('actions', { keyPath: 'id' });
          actions.createIndex('byTicket', 'ticketId');
        }
        // Future steps go here, e.g.
        //   if (oldVersion < 3) { rewrite records with tx.objectStore('inspections').openCursor() }
        void tx;
      },
      blocking() {
        // A newer version is waiting for us to close. Everything is already on disk.
        void opening?.then((d) => d.close());
        opening = null;
        blockedListeners.forEach((fn) => fn());
      },
      terminated() {
        opening = null;
      },
    });
  }
  return opening;
}

// --- kv ---------------------------------------------------------------------------------------

export async function getSession(): Promise<Session | null> {
  return ((await (await db()).get('kv', 'session')) as Session | undefined) ?? null;
}

export async function setSession(session: Session | null): Promise<void> {
  const d = await db();
  if (session) await d.put('kv', session, 'session');
  else await d.delete('kv', 'session');
}

export async function getKv<T>(key: string): Promise<T | undefined> {
  return (await (await db()).get('kv', key)) as T | undefined;
}

export async function setKv(key: string, value: unknown): Promise<void> {
  await (await db()).put('kv', value, key);
}

// --- cache ------------------------------------------------------------------------------------

export async function getCache<T>(key: string): Promise<(CacheEntry & { data: T }) | undefined> {
  return (await (await db()).get('cache', key)) as (CacheEntry & { data: T }) | undefined;
}

export async function putCache(
  key: string,
  data: unknown,
  etag: string | null = null,
  fetchedAt: string = new Date().toISOString(),
): Promise<void> {
  await (await db()).put('cache', { key, data, etag, fetchedAt });
}

// --- inspections ------------------------------------------------------------------------------

export async function getInspection(id: string): Promise<LocalInspection | undefined> {
  return (await db()).get('inspections', id);
}

export async function putInspection(record: LocalInspection): Promise<void> {
  record.updatedAt = new Date().toISOString();
  await (await db()).put('inspections', record);
}

export async function allInspections(): Promise<LocalInspection[]> {
  return (await db()).getAll('inspections');
}

/** Change one record atomically (read-modify-write in one transaction). */
export async function updateInspection(
  id: string,
  change: (record: LocalInspection) => void,
): Promise<LocalInspection | undefined> {
  const tx = (await db()).transaction('inspections', 'readwrite');
  const record = await tx.store.get(id);
  if (record) {
    change(record);
    record.updatedAt = new Date().toISOString();
    await tx.store.put(record);
  }
  await tx.done;
  return record;
}

/** Only drafts can be deleted, by the inspector's own choice. Queued records never are. */
export async function deleteDraft(id: string): Promise<void> {
  const d = await db();
  const record = await d.get('inspections', id);
  if (!record || record.state !== 'draft') return;
  await d.delete('inspections', id);
  await dropUnreferencedPhotos(Object.values(record.results).flatMap((r) => r.photos));
}

export async function allActions(): Promise<LocalAction[]> {
  return (await db()).getAll('actions');
}

// --- photos -----------------------------------------------------------------------------------

export async function putPhoto(photo: LocalPhoto): Promise<void> {
  const d = await db();
  const existing = await d.get('photos', photo.hash);
  if (!existing) await d.put('photos', photo);
}

export async function getPhoto(hash: string): Promise<LocalPhoto | undefined> {
  return (await db()).get('photos', hash);
}

export async function updatePhoto(hash: string, change: (p: LocalPhoto) => void): Promise<void> {
  const tx = (await db()).transaction('photos', 'readwrite');
  const photo = await tx.store.get(hash);
  if (photo) {
    change(photo);
    await tx.store.put(photo);
  }
  await tx.done;
}

/** Delete the blobs of `hashes` that no unfinished inspection still refers to. */
export async function dropUnreferencedPhotos(hashes: string[]): Promise<void> {
  if (!hashes.length) return;
  const d = await db();
  const stillUsed = new Set<string>();
  for (const record of await d.getAll('inspections')) {
    if (record.state === 'done') continue;
    for (const result of Object.values(record.results)) result.photos.forEach((h) => stillUsed.add(h));
  }
  for (const action of await d.getAll('actions')) {
    if (action.state !== 'done') action.photos.forEach((h) => stillUsed.add(h));
  }
  const tx = d.transaction('photos', 'readwrite');
  for (const hash of hashes) if (!stillUsed.has(hash)) await tx.store.delete(hash);
  await tx.done;
}

/** Forget finished records older than `days` (their photos are already gone). */
export async function pruneDone(days = 14): Promise<void> {
  const limit = Date.now() - days * 86_400_000;
  const d = await db();
  for (const record of await d.getAll('inspections')) {
    if (record.state === 'done' && record.doneAt && Date.parse(record.doneAt) < limit) {
      await d.delete('inspections', record.id);
    }
  }
  for (const action of await d.getAll('actions')) {
    if (action.state === 'done' && action.doneAt && Date.parse(action.doneAt) < limit) {
      await d.delete('actions', action.id);
    }
  }
}
