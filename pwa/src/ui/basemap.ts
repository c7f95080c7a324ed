// MapLibre set-up shared by every map of the app (only lazy chunks import this file).
// With no base map configured a map draws our own layers on a plain background, so it needs
// nothing from outside our server (no remote style, glyphs or sprites: circle/fill/line layers only).
// A raster base map is set at build time: VITE_BASEMAP_TILES="https://…/{z}/{x}/{y}.png" (plus
// VITE_BASEMAP_GCJ02=1 when those tiles use the GCJ-02 offset, as most Chinese ones do, and
// VITE_BASEMAP_ATTRIBUTION). Its host must then also be allowed by the server's CSP.

import 'maplibre-gl/dist/maplibre-gl.css';
import workerUrl from 'maplibre-gl/dist/maplibre-gl-worker.mjs?url';
import { setWorkerCount, setWorkerUrl, type StyleSpecification } from 'maplibre-gl';
import { wgs84ToGcj02, type LngLat } from '../geo';

setWorkerUrl(workerUrl);
setWorkerCount(1); // cheap phones: one worker is plenty for our GeoJSON layers

export const TILES = import.meta.env.VITE_BASEMAP_TILES as string | undefined;
/** The base map is in GCJ-02: everything drawn on it must be shifted the same way. */
export const GCJ02 = Boolean(TILES) && import.meta.env.VITE_BASEMAP_GCJ02 === '1';
export const project = (p: LngLat): LngLat => (GCJ02 ? wgs84ToGcj02(p) : p);

export function baseStyle(): StyleSpecification {
  const spec: StyleSpecification = {
    version: 8,
    sources: {},
    layers: [{ id: 'background', type: 'background', paint: { 'background-color': '#eef2ee' } }],
  };
  if (TILES) {
    spec.sources.base = {
      type: 'raster',
      tiles: [TILES],
      tileSize: 256,
      attribution: (import.meta.env.VITE_BASEMAP_ATTRIBUTION as string | undefined) ?? '',
    };
    spec.layers.push({ id: 'base', type: 'raster', source: 'base' });
  }
  return spec;
}
