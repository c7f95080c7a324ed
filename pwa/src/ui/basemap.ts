// MapLibre set-up shared by every map of the app (only lazy chunks import this file).
// The base map is the server's run-time configuration (GET /api/basemap, BASEMAP_* settings):
// remote raster tiles, our own MBTiles tiles, or none. With none a map draws our own layers on a
// plain background and the place names as HTML labels (map-labels.ts), so it needs nothing from
// outside our server (no remote style, glyphs or sprites). On a GCJ-02 base map everything we draw
// is shifted with wgs84ToGcj02, and the server is asked for its layers with crs=gcj02.

import 'maplibre-gl/dist/maplibre-gl.css';
import workerUrl from 'maplibre-gl/dist/maplibre-gl-worker.mjs?url';
import { setWorkerCount, setWorkerUrl, type StyleSpecification } from 'maplibre-gl';
import { getJson } from '../api';
import type { components } from '../api-types';
import { wgs84ToGcj02, type LngLat } from '../geo';

setWorkerUrl(workerUrl);
setWorkerCount(1); // cheap phones: one worker is plenty for our GeoJSON layers

type Settings = components['schemas']['Basemap'];

export interface Basemap {
  settings: Settings;
  /** Remote or self-hosted tiles are drawn (else: plain background and our own names). */
  tiles: boolean;
  /** The base map is in GCJ-02: everything drawn on it must be shifted the same way. */
  gcj02: boolean;
  /** WGS84 → the base map's coordinates. */
  project: (p: LngLat) => LngLat;
}

const NONE: Settings = { source: 'none', tiles: [], crs: 'wgs84', attribution: '', max_zoom: 22 };
const KEPT = 'wuhao.basemap'; // the last answer, for a map opened offline
let pending: Promise<Basemap> | null = null;

function basemapOf(settings: Settings): Basemap {
  const tiles = settings.source !== 'none' && settings.tiles.length > 0;
  const gcj02 = tiles && settings.crs === 'gcj02';
  return { settings, tiles, gcj02, project: (p) => (gcj02 ? wgs84ToGcj02(p) : p) };
}

function kept(): Settings | null {
  try {
    const raw = localStorage.getItem(KEPT);
    return raw ? (JSON.parse(raw) as Settings) : null;
  } catch {
    return null;
  }
}

// With nothing kept from an earlier load, how long a map waits for the server's answer before it
// draws without a base map (a hung server must not leave a blank map with no word).
const FIRST_WAIT_MS = 3000;

/** The server's base map configuration, asked once per page load. A configuration kept from an
 *  earlier load is used at once (the answer is kept for the next load), so a slow or failing
 *  server never holds a map back. */
export function loadBasemap(): Promise<Basemap> {
  pending ??= new Promise<Basemap>((resolve) => {
    const earlier = kept();
    const timer = setTimeout(() => resolve(basemapOf(earlier ?? NONE)), earlier ? 0 : FIRST_WAIT_MS);
    getJson<Settings>('/api/basemap').then(
      (settings) => {
        try {
          localStorage.setItem(KEPT, JSON.stringify(settings));
        } catch {
          /* storage full or off: ask again next time */
        }
        clearTimeout(timer);
        resolve(basemapOf(settings));
      },
      (e) => {
        console.warn('basemap', e);
        pending = null; // ask again for the next map
        clearTimeout(timer);
        resolve(basemapOf(earlier ?? NONE));
      },
    );
  });
  return pending;
}

export function baseStyle(base: Basemap): StyleSpecification {
  const spec: StyleSpecification = {
    version: 8,
    sources: {},
    layers: [{ id: 'background', type: 'background', paint: { 'background-color': '#eef2ee' } }],
  };
  if (base.tiles) {
    spec.sources.base = {
      type: 'raster',
      // Our own tiles come as a path; MapLibre's worker needs whole URLs.
      tiles: base.settings.tiles.map((t) => (t.startsWith('/') ? location.origin + t : t)),
      tileSize: 256,
      maxzoom: base.settings.max_zoom,
      attribution: base.settings.attribution,
    };
    spec.layers.push({ id: 'base', type: 'raster', source: 'base' });
  }
  return spec;
}
