// Small geometry for the phone: distances, point in (multi)polygon, WGS84 → GCJ-02 for base maps.
// Coordinates are [lng, lat] in WGS84, as in GeoJSON.

export type LngLat = [number, number];
export interface MultiPolygon {
  type: 'MultiPolygon';
  coordinates: LngLat[][][];
}
export interface Polygon {
  type: 'Polygon';
  coordinates: LngLat[][];
}
export type Area = MultiPolygon | Polygon;

const EARTH_RADIUS_M = 6_371_008.8;
const rad = (deg: number) => (deg * Math.PI) / 180;

export function distanceM(a: LngLat, b: LngLat): number {
  const dLat = rad(b[1] - a[1]);
  const dLng = rad(b[0] - a[0]);
  const h = Math.sin(dLat / 2) ** 2 + Math.cos(rad(a[1])) * Math.cos(rad(b[1])) * Math.sin(dLng / 2) ** 2;
  return 2 * EARTH_RADIUS_M * Math.asin(Math.min(1, Math.sqrt(h)));
}

function polygons(area: Area): LngLat[][][] {
  return area.type === 'Polygon' ? [area.coordinates] : area.coordinates;
}

function inRing(point: LngLat, ring: LngLat[]): boolean {
  // Ray casting; the ring may or may not repeat its first point.
  let inside = false;
  const [x, y] = point;
  for (let i = 0, j = ring.length - 1; i < ring.length; j = i++) {
    const [xi, yi] = ring[i];
    const [xj, yj] = ring[j];
    if (yi > y !== yj > y && x < ((xj - xi) * (y - yi)) / (yj - yi) + xi) inside = !inside;
  }
  return inside;
}

export function contains(area: Area | null | undefined, point: LngLat): boolean {
  if (!area) return false;
  return polygons(area).some(
    ([outer, ...holes]) => inRing(point, outer) && !holes.some((hole) => inRing(point, hole)),
  );
}

/** Metres from the point to the nearest edge of the area (0 when inside). */
export function distanceToAreaM(area: Area | null | undefined, point: LngLat): number | null {
  if (!area) return null;
  if (contains(area, point)) return 0;
  // Local equirectangular projection around the point: plenty for an estate's size.
  const kx = (Math.cos(rad(point[1])) * Math.PI * EARTH_RADIUS_M) / 180;
  const ky = (Math.PI * EARTH_RADIUS_M) / 180;
  let best = Infinity;
  for (const polygon of polygons(area)) {
    for (const ring of polygon) {
      for (let i = 0; i + 1 < ring.length; i++) {
        const ax = (ring[i][0] - point[0]) * kx;
        const ay = (ring[i][1] - point[1]) * ky;
        const bx = (ring[i + 1][0] - point[0]) * kx;
        const by = (ring[i + 1][1] - point[1]) * ky;
        const dx = bx - ax;
        const dy = by - ay;
        const len2 = dx * dx + dy * dy;
        const tt = len2 ? Math.max(0, Math.min(1, -(ax * dx + ay * dy) / len2)) : 0;
        best = Math.min(best, Math.hypot(ax + tt * dx, ay + tt * dy));
      }
    }
  }
  return best;
}

export function bounds(areas: (Area | null | undefined)[]): [LngLat, LngLat] | null {
  let minX = Infinity;
  let minY = Infinity;
  let maxX = -Infinity;
  let maxY = -Infinity;
  for (const area of areas) {
    if (!area) continue;
    for (const polygon of polygons(area))
      for (const ring of polygon)
        for (const [x, y] of ring) {
          minX = Math.min(minX, x);
          minY = Math.min(minY, y);
          maxX = Math.max(maxX, x);
          maxY = Math.max(maxY, y);
        }
  }
  return minX === Infinity ? null : [[minX, minY], [maxX, maxY]];
}

// --- GCJ-02 (the published obfuscation; Krasovsky ellipsoid). No shift outside China. --------
const A = 6378245.0;
const EE = 0.00669342162296594323;

function outOfChina(lng: number, lat: number): boolean {
  return lng < 72.004 || lng > 137.8347 || lat < 0.8293 || lat > 55.8271;
}

function transformLat(x: number, y: number): number {
  let r = -100 + 2 * x + 3 * y + 0.2 * y * y + 0.1 * x * y + 0.2 * Math.sqrt(Math.abs(x));
  r += ((20 * Math.sin(6 * x * Math.PI) + 20 * Math.sin(2 * x * Math.PI)) * 2) / 3;
  r += ((20 * Math.sin(y * Math.PI) + 40 * Math.sin((y / 3) * Math.PI)) * 2) / 3;
  r += ((160 * Math.sin((y / 12) * Math.PI) + 320 * Math.sin((y * Math.PI) / 30)) * 2) / 3;
  return r;
}

function transformLng(x: number, y: number): number {
  let r = 300 + x + 2 * y + 0.1 * x * x + 0.1 * x * y + 0.1 * Math.sqrt(Math.abs(x));
  r += ((20 * Math.sin(6 * x * Math.PI) + 20 * Math.sin(2 * x * Math.PI)) * 2) / 3;
  r += ((20 * Math.sin(x * Math.PI) + 40 * Math.sin((x / 3) * Math.PI)) * 2) / 3;
  r += ((150 * Math.sin((x / 12) * Math.PI) + 300 * Math.sin((x / 30) * Math.PI)) * 2) / 3;
  return r;
}

export function wgs84ToGcj02([lng, lat]: LngLat): LngLat {
  if (outOfChina(lng, lat)) return [lng, lat];
  let dLat = transformLat(lng - 105, lat - 35);
  let dLng = transformLng(lng - 105, lat - 35);
  const radLat = rad(lat);
  let magic = Math.sin(radLat);
  magic = 1 - EE * magic * magic;
  const sqrtMagic = Math.sqrt(magic);
  dLat = (dLat * 180) / (((A * (1 - EE)) / (magic * sqrtMagic)) * Math.PI);
  dLng = (dLng * 180) / ((A / sqrtMagic) * Math.cos(radLat) * Math.PI);
  return [lng + dLng, lat + dLat];
}
