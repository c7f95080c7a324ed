// Resumable photo uploads (tus 1.0.0 core + creation, contract §3), so a photo finishes on any link:
// each chunk is small enough to finish in about 5 s at the throughput measured on the last chunks,
// the upload URL and the server's offset are kept with the photo in IndexedDB (a reload or a new
// try resumes, it never starts over), and a chunk that was cut off is retried smaller, after the
// outbox's backoff, with the reason in Chinese.
//
// Why not tus-js-client: it keeps its upload URLs in localStorage (absent in the service worker,
// which sends the same outbox), retries on its own schedule beside the outbox's backoff, and sends
// fixed-size chunks; what we need is ~100 lines on top of request() and the photo record.

import { ApiError, NetworkError, request } from '../api';
import { emit } from '../bus';
import { getKv, getPhoto, setKv, updatePhoto, type LocalPhoto, type PhotoUpload } from '../db';

const TUS = { 'Tus-Resumable': '1.0.0' };
export const MIN_CHUNK = 16 * 1024;
const TARGET_SECONDS = 5;
const THROUGHPUT_KEY = 'uplink-bytes-per-s';

export interface TusLimits {
  maxChunk: number;
  maxSize: number;
}

let limits: Promise<TusLimits | null> | null = null;

/** What the server takes (null: it has no resumable uploads; send the whole photo instead). */
export function tusLimits(): Promise<TusLimits | null> {
  limits ??= request('/api/photos/uploads', { method: 'OPTIONS', headers: TUS })
    .then((r) =>
      r.headers.get('Tus-Version')
        ? {
            maxChunk: Number(r.headers.get('X-Upload-Max-Chunk-Bytes')) || 1024 * 1024,
            maxSize: Number(r.headers.get('Tus-Max-Size')) || 20 * 1024 * 1024,
          }
        : null,
    )
    .catch((e) => {
      if (e instanceof ApiError && (e.status === 404 || e.status === 405)) return null;
      limits = null; // offline or a server error: ask again next time
      throw e;
    });
  return limits;
}

/** Chunk for the measured throughput: about TARGET_SECONDS of sending, halved per recent cut.
 *  Unmeasured links start at the smallest chunk (it finishes in time even at 2.5 KB/s). */
export function chunkFor(bytesPerS: number | undefined, failures: number, maxChunk: number): number {
  const base = bytesPerS ? bytesPerS * TARGET_SECONDS : MIN_CHUNK;
  const size = Math.floor(base / 2 ** Math.min(failures, 6));
  return Math.max(MIN_CHUNK, Math.min(maxChunk, size));
}

const kb = (n: number) => Math.round(n / 1024);

function path(location: string): string {
  const url = new URL(location, globalThis.location.href);
  return url.pathname + url.search;
}

async function save(hash: string, upload: PhotoUpload | null): Promise<void> {
  await updatePhoto(hash, (p) => (p.upload = upload));
  emit('queue-changed');
}

/** Create the upload (or find ours, if the server still has it open); null when the server
 *  already has this photo. */
async function create(photo: LocalPhoto): Promise<{ url: string; offset: number } | null> {
  const type = photo.blob.type || 'image/jpeg';
  const response = await request('/api/photos/uploads', {
    method: 'POST',
    headers: {
      ...TUS,
      'Upload-Length': String(photo.blob.size),
      'Upload-Metadata': `sha256 ${btoa(photo.hash)},filetype ${btoa(type)}`,
    },
  });
  if (response.headers.get('X-Photo-Stored')) return null;
  const location = response.headers.get('Location');
  if (!location) throw new ApiError(response.status, 'no_location', 'upload created without a Location');
  return { url: path(location), offset: Number(response.headers.get('Upload-Offset')) || 0 };
}

/** The server's offset of an upload, or null when it no longer knows it (expired). */
async function serverOffset(url: string): Promise<number | null> {
  try {
    const response = await request(url, { method: 'HEAD', headers: TUS });
    return Number(response.headers.get('Upload-Offset'));
  } catch (e) {
    if (e instanceof ApiError && (e.status === 404 || e.status === 410)) return null;
    throw e;
  }
}

/** Send one photo resumably. Resolves once the server has stored it. */
export async function tusSend(hash: string, limit: TusLimits): Promise<void> {
  const photo = await getPhoto(hash);
  if (!photo) throw new Error(`photo ${hash} missing`);
  const total = photo.blob.size;
  let upload: PhotoUpload = photo.upload ?? { url: null, offset: 0, failures: 0, chunk: 0, note: null };

  // Resume where the server is (a reload, a cut connection), or start a new upload.
  if (upload.url) {
    const offset = await serverOffset(upload.url);
    upload = offset === null ? { ...upload, url: null, offset: 0 } : { ...upload, offset };
  }
  if (!upload.url) {
    const created = await create(photo);
    if (created === null) {
      await save(hash, { ...upload, offset: total });
      return;
    }
    upload = { ...upload, ...created };
  }
  await save(hash, upload);

  for (;;) {
    const bytesPerS = await getKv<number>(THROUGHPUT_KEY);
    // At most twice the last chunk: one fast measurement must not overshoot a slow link.
    const grown = upload.chunk ? Math.max(MIN_CHUNK, 2 * upload.chunk) : Infinity;
    const size = Math.min(grown, chunkFor(bytesPerS, upload.failures, limit.maxChunk));
    const body = photo.blob.slice(upload.offset, Math.min(total, upload.offset + size));
    // Generous, but bounded: a chunk that cannot finish in 4× its expected time is cut.
    const timeoutMs = Math.max(20_000, ((4 * body.size) / (bytesPerS ?? 2_000)) * 1000);
    const started = Date.now();
    let response: Response;
    try {
      response = await request(upload.url!, {
        method: 'PATCH',
        body,
        contentType: 'application/offset+octet-stream',
        headers: { ...TUS, 'Upload-Offset': String(upload.offset) },
        timeoutMs,
      });
    } catch (e) {
      if (e instanceof ApiError && e.status === 409 && e.code !== 'hash_mismatch' && e.headers?.get('Upload-Offset')) {
        upload = { ...upload, offset: Number(e.headers.get('Upload-Offset')) };
        await save(hash, upload);
        continue; // we were behind or ahead of the server: continue from its offset
      }
      if (e instanceof ApiError && e.status === 404) {
        await save(hash, { ...upload, url: null, offset: 0 }); // expired: a new upload next try
      }
      // Cut off mid-chunk (no answer, or a proxy's timeout or size limit): the next try resumes
      // from the server's offset with a smaller chunk, after the outbox's backoff, so the same
      // request is never repeated as it was.
      const cut = e instanceof NetworkError || (e instanceof ApiError && [408, 413, 502, 504].includes(e.status));
      if (cut) {
        const failures = upload.failures + 1;
        const next = chunkFor(bytesPerS, failures, limit.maxChunk);
        await save(hash, {
          ...upload,
          failures,
          note: `上传中断(第 ${failures} 次),将从 ${kb(upload.offset)} KB 处续传,分块减为 ${kb(next)} KB`,
        });
        await setKv(THROUGHPUT_KEY, Math.max(MIN_CHUNK / TARGET_SECONDS / 4, (bytesPerS ?? 4_000) / 2));
        // A body too large for someone on the way: smaller at once (the outbox would keep it failed).
        if (e instanceof ApiError && e.status === 413 && size > MIN_CHUNK) {
          upload = { ...upload, failures };
          continue;
        }
      }
      throw e;
    }
    const seconds = Math.max(0.05, (Date.now() - started) / 1000);
    const measured = body.size / seconds;
    // Smooth, so one lucky chunk does not make the next one too big for the link.
    await setKv(THROUGHPUT_KEY, bytesPerS ? 0.5 * bytesPerS + 0.5 * measured : measured);
    const offset = Number(response.headers.get('Upload-Offset') ?? upload.offset + body.size);
    upload = { ...upload, offset, chunk: body.size, failures: Math.max(0, upload.failures - 1), note: upload.note };
    await save(hash, upload);
    if (response.headers.get('X-Photo-Stored') || offset >= total) return;
  }
}
