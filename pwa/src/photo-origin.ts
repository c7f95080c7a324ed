// What the ORIGINAL photo file says about itself, read before the phone re-encodes it (re-encoding
// drops EXIF): the camera's time (DateTimeOriginal with OffsetTimeOriginal) and GPS, from JPEG and
// HEIC alike. exifr is loaded only when a photo is taken (its "lite" build reads JPEG and HEIC).

import type { Capture } from './db';

export interface Origin {
  taken_at: string | null; // "2008-10-22T16:28:39" (camera's local time) or with "+02:00"
  lat: number | null;
  lng: number | null;
}

const NOTHING: Origin = { taken_at: null, lat: null, lng: null };

type Raw = Record<string, unknown>;

/** "2008:10:22 16:28:39" + "+02:00" → "2008-10-22T16:28:39+02:00" (null for garbage). */
export function exifTime(value: unknown, offset: unknown): string | null {
  const m = /^(\d{4}):(\d{2}):(\d{2})[ T](\d{2}):(\d{2}):(\d{2})/.exec(String(value ?? ''));
  if (!m || m[1] === '0000') return null;
  const zone = /^[+-]\d{2}:\d{2}$/.test(String(offset ?? '')) ? String(offset) : '';
  return `${m[1]}-${m[2]}-${m[3]}T${m[4]}:${m[5]}:${m[6]}${zone}`;
}

/** [deg, min, sec] + "N"/"S" → signed decimal degrees (null for garbage). */
export function exifDegrees(value: unknown, ref: unknown, limit: number): number | null {
  const parts = Array.isArray(value) ? value.map(Number) : typeof value === 'number' ? [value] : [];
  if (!parts.length || parts.some((n) => !Number.isFinite(n))) return null;
  const [d, m = 0, s = 0] = parts;
  let degrees = d + m / 60 + s / 3600;
  if (/^[SW]/i.test(String(ref ?? ''))) degrees = -degrees;
  if (Math.abs(degrees) > limit) return null;
  return Math.round(degrees * 1e6) / 1e6;
}

export async function readOrigin(file: Blob): Promise<Origin> {
  try {
    const exifr = await import('exifr/dist/lite.esm.mjs');
    const raw = (await exifr.parse(file, {
      tiff: true,
      exif: true,
      gps: true,
      ifd1: false,
      interop: false,
      xmp: false,
      icc: false,
      iptc: false,
      jfif: false,
      reviveValues: false,
      translateValues: false,
      mergeOutput: true,
    })) as Raw | undefined;
    if (!raw) return NOTHING;
    const lat = exifDegrees(raw.GPSLatitude, raw.GPSLatitudeRef, 90);
    const lng = exifDegrees(raw.GPSLongitude, raw.GPSLongitudeRef, 180);
    // (0, 0) is what broken GPS writes, not a place anyone inspects.
    const located = lat !== null && lng !== null && !(lat === 0 && lng === 0);
    return {
      taken_at: exifTime(raw.DateTimeOriginal ?? raw.CreateDate, raw.OffsetTimeOriginal ?? raw.OffsetTime),
      lat: located ? lat : null,
      lng: located ? lng : null,
    };
  } catch (error) {
    // No EXIF, or a file exifr cannot read: the photo still counts, it just carries nothing.
    console.info('no metadata read', error);
    return NOTHING;
  }
}

export function captureOf(
  sha256: string,
  source: Capture['source'],
  origin: Origin,
  fix: Capture['fix'],
): Capture {
  return {
    sha256,
    source,
    original_taken_at: origin.taken_at,
    original_lat: origin.lat,
    original_lng: origin.lng,
    fix,
  };
}
