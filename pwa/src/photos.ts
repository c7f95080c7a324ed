// Photos are shrunk on the phone (≤ 1600 px JPEG, quality 0.8) and named by the SHA-256 of the
// compressed bytes, which is the name the server stores them under. Re-encoding drops EXIF, so the
// capture time and position travel as fields of the finding instead.

import { putPhoto, type Capture, type LocalPhoto } from './db';
import { captureOf, readOrigin } from './photo-origin';

export const MAX_EDGE = 1600;
export const QUALITY = 0.8;

export interface Compressed {
  blob: Blob;
  hash: string;
  width: number;
  height: number;
}

async function decode(file: Blob): Promise<ImageBitmap | HTMLImageElement> {
  if (typeof createImageBitmap === 'function') {
    try {
      // 'from-image' applies the EXIF orientation, so portrait photos stay upright.
      return await createImageBitmap(file, { imageOrientation: 'from-image' });
    } catch {
      /* fall back to <img> below (older WebViews) */
    }
  }
  const url = URL.createObjectURL(file);
  try {
    const image = new Image();
    image.decoding = 'async';
    image.src = url;
    await image.decode();
    return image;
  } finally {
    URL.revokeObjectURL(url);
  }
}

export async function sha256Hex(data: ArrayBuffer): Promise<string> {
  if (!crypto.subtle) throw new Error('crypto.subtle unavailable (the app must be served over HTTPS)');
  const digest = await crypto.subtle.digest('SHA-256', data);
  return Array.from(new Uint8Array(digest), (b) => b.toString(16).padStart(2, '0')).join('');
}

export async function compressPhoto(file: Blob): Promise<Compressed> {
  const image = await decode(file);
  const sourceW = 'naturalWidth' in image ? image.naturalWidth : image.width;
  const sourceH = 'naturalHeight' in image ? image.naturalHeight : image.height;
  if (!sourceW || !sourceH) throw new Error('not an image');
  const scale = Math.min(1, MAX_EDGE / Math.max(sourceW, sourceH));
  const width = Math.max(1, Math.round(sourceW * scale));
  const height = Math.max(1, Math.round(sourceH * scale));
  const canvas = document.createElement('canvas');
  canvas.width = width;
  canvas.height = height;
  const context = canvas.getContext('2d');
  if (!context) throw new Error('no canvas');
  context.imageSmoothingQuality = 'high';
  context.drawImage(image, 0, 0, width, height);
  if ('close' in image) image.close();
  const blob = await new Promise<Blob>((resolve, reject) =>
    canvas.toBlob((b) => (b ? resolve(b) : reject(new Error('JPEG encoding failed'))), 'image/jpeg', QUALITY),
  );
  canvas.width = canvas.height = 0; // free the bitmap memory early on small phones
  const hash = await sha256Hex(await blob.arrayBuffer());
  return { blob, hash, width, height };
}

export function newUuid(): string {
  if (typeof crypto.randomUUID === 'function') return crypto.randomUUID();
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  bytes[6] = (bytes[6] & 0x0f) | 0x40;
  bytes[8] = (bytes[8] & 0x3f) | 0x80;
  const hex = Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

/** ISO 8601 with the phone's UTC offset, e.g. 2026-11-28T09:30:00.000+08:00. */
export function isoNow(date = new Date()): string {
  const offset = -date.getTimezoneOffset();
  const sign = offset >= 0 ? '+' : '-';
  const abs = Math.abs(offset);
  const local = new Date(date.getTime() + offset * 60_000).toISOString().slice(0, -1);
  return `${local}${sign}${String(Math.floor(abs / 60)).padStart(2, '0')}:${String(abs % 60).padStart(2, '0')}`;
}

export interface PhotoOwner {
  /** the inspection's UUID, or `action:<uuid>` for a ticket action */
  inspectionId: string;
  itemCode: string;
}

/** The server's default PHOTO_MAX_BYTES: an original we cannot shrink must fit in it. */
export const PHOTO_MAX_BYTES = 20 * 1024 * 1024;

/** Shown to the user in their words (i18n key), never the browser's. */
export class PhotoProblem extends Error {
  constructor(readonly key: 'photo_too_large' | 'photo_failed') {
    super(key);
  }
}

/** The type of bytes the browser did not name (Chromium gives HEIC files no type). */
function sniffType(head: Uint8Array): string {
  const text = String.fromCharCode(...head.slice(4, 12));
  if (text.startsWith('ftyp')) return /ftyp(heic|heix|hevc|heim|heis|mif1|msf1)/.test(text) ? 'image/heic' : 'image/heif';
  if (head[0] === 0xff && head[1] === 0xd8) return 'image/jpeg';
  return 'application/octet-stream';
}

/** The original bytes, for files this browser cannot decode (HEIC outside Safari): the server
 *  converts them and makes the thumbnail; they are named by the SHA-256 of the original. */
async function keepOriginal(file: Blob): Promise<Compressed & { original: true }> {
  if (file.size > PHOTO_MAX_BYTES) throw new PhotoProblem('photo_too_large');
  const bytes = await file.arrayBuffer();
  const type = file.type && file.type !== 'application/octet-stream' ? file.type : sniffType(new Uint8Array(bytes, 0, 16));
  return { blob: new Blob([bytes], { type }), hash: await sha256Hex(bytes), width: 0, height: 0, original: true };
}

/** Make the stored photo of a file the user took or picked, with where it came from (contract §1),
 *  and keep it in IndexedDB (the outbox sends it with its record). */
export async function storePhoto(
  file: File,
  source: Capture['source'],
  owner: PhotoOwner,
  fix: Capture['fix'],
): Promise<LocalPhoto> {
  const origin = await readOrigin(file);
  let made: Compressed & { original?: true };
  try {
    made = await compressPhoto(file);
  } catch (error) {
    console.info('cannot decode here, keeping the original', error);
    made = await keepOriginal(file);
  }
  const photo: LocalPhoto = {
    hash: made.hash,
    blob: made.blob,
    size: made.blob.size,
    width: made.width,
    height: made.height,
    capturedAt: isoNow(new Date(file.lastModified || Date.now())),
    position: fix ? { lat: fix.lat, lng: fix.lng, accuracy_m: fix.accuracy_m } : null,
    inspectionId: owner.inspectionId,
    itemCode: owner.itemCode,
    uploaded: false,
    attempted: false,
    capture: captureOf(made.hash, source, origin, fix),
    original: made.original ?? false,
  };
  await putPhoto(photo);
  return photo;
}
