// The photo sender: every photo an outbox record refers to is sent (once) before the record itself,
// so nothing the server does with the record ever sees a finding without its photo. Resumable
// (tus.ts) where the server offers it, else one PUT.

import { ApiError, request } from '../api';
import { getPhoto, updatePhoto, type Capture } from '../db';
import { PhotoLost } from './retry';
import { tusLimits, tusSend } from './tus';

async function storedOnServer(hash: string): Promise<boolean> {
  return request(`/api/photos/${hash}`, { method: 'HEAD' }).then(
    () => true,
    (e) => {
      if (e instanceof ApiError && e.status === 404) return false;
      throw e;
    },
  );
}

/** Upload one stored photo (HEAD first if an earlier try may have reached the server). */
export async function sendPhoto(hash: string): Promise<void> {
  const photo = await getPhoto(hash);
  if (!photo) {
    // Only possible if storage was wiped behind our back. Ask the server before giving up.
    if (await storedOnServer(hash)) return;
    throw new PhotoLost(`photo ${hash.slice(0, 12)}… is no longer on this phone`);
  }
  if (photo.uploaded) return;
  const resumable = await tusLimits();
  if (resumable) {
    await tusSend(hash, resumable);
    await updatePhoto(hash, (p) => (p.uploaded = true));
    return;
  }
  // An older server: the whole photo in one PUT.
  if (photo.attempted) {
    // A previous try may have reached the server before the connection broke: ask first.
    if (await storedOnServer(hash)) {
      await updatePhoto(hash, (p) => (p.uploaded = true));
      return;
    }
  } else {
    await updatePhoto(hash, (p) => (p.attempted = true));
  }
  await request(`/api/photos/${hash}`, {
    method: 'PUT',
    body: photo.blob,
    contentType: photo.blob.type || 'image/jpeg',
    timeoutMs: 180_000,
  });
  await updatePhoto(hash, (p) => (p.uploaded = true));
}

/** The server says it lacks photos we believed stored: send them again next time. */
export async function forgetUploaded(hashes: string[]): Promise<void> {
  for (const hash of hashes) await updatePhoto(hash, (p) => ((p.uploaded = false), (p.attempted = false)));
}

/** The captures recorded with these photos (photos without one are left out). */
export async function capturesOf(hashes: string[]): Promise<Record<string, Capture>> {
  const found: Record<string, Capture> = {};
  for (const hash of hashes) {
    const capture = (await getPhoto(hash))?.capture;
    if (capture) found[hash] = capture;
  }
  return found;
}

export interface PhotoProgress {
  hash: string;
  sent: number;
  total: number;
  done: boolean;
  /** why the last chunk was cut, in Chinese (null when nothing went wrong) */
  note: string | null;
}

/** Bytes sent of each photo (the sync screen's progress); photos already dropped count as sent. */
export async function photoProgress(hashes: string[]): Promise<PhotoProgress[]> {
  const list: PhotoProgress[] = [];
  for (const hash of hashes) {
    const photo = await getPhoto(hash);
    const total = photo?.size ?? 0;
    const done = !photo || photo.uploaded;
    list.push({ hash, total, done, sent: done ? total : (photo.upload?.offset ?? 0), note: photo?.upload?.note ?? null });
  }
  return list;
}
