// The photo sender: every photo an outbox record refers to is sent (once) before the record itself,
// so nothing the server does with the record ever sees a finding without its photo.

import { ApiError, request } from '../api';
import { getPhoto, updatePhoto } from '../db';
import { PhotoLost } from './retry';

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
