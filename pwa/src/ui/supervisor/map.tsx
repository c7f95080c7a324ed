// The supervisor's issue map: open tickets as server-made clusters (count, worst severity, overdue)
// below zoom 15 and pins above, estate outlines filled by their latest grade. Every pan or zoom
// asks the server again for the view (debounced; a newer view aborts the older request).
// Counts (and, without a base map, place names) are HTML markers, so the style needs no glyphs. Pins at one spot, which no
// zoom separates, are reached through a list (stack.tsx) that a tap on them or their cluster opens.

import { Map as MapLibre, Marker, type GeoJSONSource, type MapGeoJSONFeature } from 'maplibre-gl';
import { useEffect, useRef, useState } from 'preact/hooks';
import { getJson } from '../../api';
import { describe } from '../../problem';
import { t } from '../../i18n';
import { bounds, type Area } from '../../geo';
import { baseStyle, loadBasemap, type Basemap } from '../basemap';
import { MapLabels, type Label } from '../map-labels';
import { filterQuery, type Filters } from './api';
import { CoverageLayer } from './coverage-map';
import { asPin, ordered, StackList, type Pin, type Stack } from './stack';

const SEVERITY_COLOUR = ['match', ['coalesce', ['get', 'severity'], ['get', 'worst_severity'], ''],
  'urgent', '#b3261e', 'major', '#e8710a', 'minor', '#d4a000', '#607d8b'] as const;
const GRADE_COLOUR = ['match', ['coalesce', ['get', 'grade'], ''],
  '优', '#2e7d32', '良', '#8bc34a', '中', '#f9a825', '差', '#c62828', '#9e9e9e'] as const;
const IS_CLUSTER = ['==', ['get', 'cluster'], true] as const;
const IS_PIN = ['!=', ['get', 'cluster'], true] as const;
const DEBOUNCE_MS = 250;
/** A tap lists every pin within this many pixels: pins at one spot stay reachable. */
const NEAR_PX = 12;
/** Cluster taps zoom in up to here; at this zoom a cluster (over MAX_FEATURES in view) is listed. */
const CLUSTER_ZOOM_MAX = 16;
/** A cluster of at most this many is checked for being a single spot (then listed at once). */
const SPOT_CHECK_MAX = 50;
/** "One spot": within about 5 m of the cluster's centre, in degrees. */
const SPOT_DEG = 0.00005;

interface Feature {
  type: 'Feature';
  geometry: { type: 'Point'; coordinates: [number, number] } | { type: string; coordinates: unknown };
  properties: Record<string, unknown> | null;
}
type Collection = { type: 'FeatureCollection'; features: Feature[]; properties?: { clustered: boolean } };
const EMPTY: Collection = { type: 'FeatureCollection', features: [] };

declare global {
  interface Window {
    __wuhaoMap?: MapLibre; // test hook: the browser tests query rendered features through it
  }
}

function addLayers(map: MapLibre): void {
  map.addSource('estates', { type: 'geojson', data: EMPTY as never });
  map.addSource('tickets', { type: 'geojson', data: EMPTY as never });
  map.addLayer({ id: 'sv-estate-fill', type: 'fill', source: 'estates',
    paint: { 'fill-color': GRADE_COLOUR as never, 'fill-opacity': 0.28 } });
  map.addLayer({ id: 'sv-estate-line', type: 'line', source: 'estates',
    paint: { 'line-color': GRADE_COLOUR as never, 'line-width': 1.5 } });
  map.addLayer({ id: 'sv-clusters', type: 'circle', source: 'tickets', filter: IS_CLUSTER as never,
    paint: {
      'circle-color': SEVERITY_COLOUR as never,
      'circle-opacity': 0.85,
      'circle-radius': ['interpolate', ['linear'], ['get', 'count'], 1, 14, 10, 20, 100, 30] as never,
      'circle-stroke-color': ['case', ['>', ['get', 'overdue'], 0], '#7a0000', '#ffffff'] as never,
      'circle-stroke-width': ['case', ['>', ['get', 'overdue'], 0], 4, 2] as never,
    } });
  map.addLayer({ id: 'sv-pin-halo', type: 'circle', source: 'tickets',
    filter: ['all', IS_PIN, ['==', ['get', 'overdue'], true]] as never,
    paint: { 'circle-color': '#b3261e', 'circle-opacity': 0.25, 'circle-radius': 16 } });
  map.addLayer({ id: 'sv-pins', type: 'circle', source: 'tickets', filter: IS_PIN as never,
    paint: {
      'circle-color': SEVERITY_COLOUR as never,
      'circle-radius': ['case', ['==', ['get', 'overdue'], true], 9, 7] as never,
      'circle-stroke-color': ['case', ['==', ['get', 'overdue'], true], '#7a0000', '#ffffff'] as never,
      'circle-stroke-width': ['case', ['==', ['get', 'overdue'], true], 3, 2] as never,
    } });
  map.addLayer({ id: 'sv-selected', type: 'circle', source: 'tickets', filter: ['==', ['get', 'id'], -1],
    paint: { 'circle-color': 'rgba(0,0,0,0)', 'circle-radius': 13, 'circle-stroke-color': '#1565c0', 'circle-stroke-width': 3 } });
}

function clusterLabel(props: Record<string, unknown>): HTMLElement {
  const label = document.createElement('div');
  label.className = 'sv-cluster-label';
  label.textContent = String(props.count);
  const late = Number(props.overdue ?? 0);
  if (late > 0) {
    const badge = document.createElement('span');
    badge.className = 'sv-overdue-badge';
    badge.textContent = String(late);
    badge.title = t('sv_overdue');
    label.append(badge);
  }
  return label;
}

export interface Focus {
  lng: number; // WGS84
  lat: number;
  seq: number; // a new number flies there again even to the same place
}

export default function TicketMap({
  filters,
  reloadKey,
  focus,
  selected,
  onPick,
}: {
  filters: Filters;
  reloadKey: number;
  focus: Focus | null;
  selected: number | null;
  onPick: (id: number) => void;
}) {
  const box = useRef<HTMLDivElement>(null);
  const map = useRef<MapLibre | null>(null);
  const state = useRef({ filters, onPick, reload: () => {}, focused: false });
  state.current.filters = filters;
  state.current.onPick = onPick;
  const [error, setError] = useState<string | null>(null);
  const [stack, setStack] = useState<Stack | null>(null);
  const [base, setBase] = useState<Basemap | null>(null);
  const [loaded, setLoaded] = useState<MapLibre | null>(null); // styled: other layers may be added

  useEffect(() => {
    let stop = () => {};
    let gone = false;
    void loadBasemap().then((b) => {
      if (gone) return;
      setBase(b);
      stop = start(b) ?? stop;
    });
    return () => {
      gone = true;
      stop();
    };
  }, []);

  /** Builds the map on the configured base map; returns its clean-up. */
  const start = (base: Basemap): (() => void) | undefined => {
    if (!box.current) return;
    const container = box.current;
    const { gcj02: GCJ02, project } = base;
    let instance: MapLibre;
    try {
      instance = new MapLibre({
        container,
        style: baseStyle(base),
        attributionControl: base.tiles ? {} : false,
        dragRotate: false,
        pitchWithRotate: false,
        center: project([121.62, 38.92]),
        zoom: 11,
      });
    } catch (e) {
      setError(t('map_unsupported'));
      console.warn('map', e);
      return;
    }
    map.current = instance;
    window.__wuhaoMap = instance;
    // The first view's data is asked for at once, while the style and MapLibre's worker load
    // (measured: this, not vector tiles, is what makes the map quick to draw; bench/map_browser.py).
    const styled = new Promise<void>((resolve) => instance.once('load', () => resolve()));
    let markers: Marker[] = [];
    const names = new MapLabels(instance);
    let timer: ReturnType<typeof setTimeout> | undefined;
    let inflight: AbortController | null = null;
    let seq = 0;
    let fitted = false;

    const load = async () => {
      inflight?.abort();
      const controller = (inflight = new AbortController());
      const mine = ++seq;
      const b = instance.getBounds();
      const clamp = (v: number, lo: number, hi: number) => Math.min(hi, Math.max(lo, v));
      const bbox = [clamp(b.getWest(), -180, 180), clamp(b.getSouth(), -85, 85),
        clamp(b.getEast(), -180, 180), clamp(b.getNorth(), -85, 85)].map((v) => v.toFixed(6)).join(',');
      const where = new URLSearchParams({ bbox });
      if (GCJ02) where.set('crs', 'gcj02'); // the server shifts bbox in and geometry out
      const ticketsQ = filterQuery(state.current.filters);
      ticketsQ.set('bbox', bbox);
      ticketsQ.set('zoom', String(Math.floor(instance.getZoom())));
      if (GCJ02) ticketsQ.set('crs', 'gcj02');
      // Without a base map, the names of the districts, streets or estates (by zoom) in view.
      const labelsQ = new URLSearchParams({ bbox, zoom: String(Math.floor(instance.getZoom())) });
      container.dataset.loading = 'true';
      try {
        const [tickets, estates, labels] = await Promise.all([
          getJson<Collection>(`/api/map/tickets?${ticketsQ}`, { signal: controller.signal }),
          getJson<Collection>(`/api/map/estates?${where}`, { signal: controller.signal }),
          base.tiles ? null : getJson<Collection>(`/api/map/labels?${labelsQ}`, { signal: controller.signal }),
        ]);
        await styled; // the sources exist once the style has loaded (its handler adds them)
        if (mine !== seq) return;
        (instance.getSource('tickets') as GeoJSONSource).setData(tickets as never);
        (instance.getSource('estates') as GeoJSONSource).setData(estates as never);
        markers.forEach((m) => m.remove());
        markers = tickets.features
          .filter((f) => f.properties?.cluster)
          .map((f) =>
            new Marker({ element: clusterLabel(f.properties!) })
              .setLngLat(f.geometry.coordinates as [number, number])
              .addTo(instance),
          );
        if (labels) {
          const shown = names.show(labels.features.map((f): Label => ({
            kind: f.properties?.kind as Label['kind'],
            name: String(f.properties?.name ?? ''),
            at: f.geometry.coordinates as [number, number],
          })), tickets.features.map((f) => ({
            at: f.geometry.coordinates as [number, number],
            radius: f.properties?.cluster ? 24 : 12, // a cluster's circle and its overdue badge
          })));
          container.dataset.labels = String(shown);
        }
        setError(null);
        if (!fitted && !state.current.focused) {
          // First view: the estates of the caller's jurisdiction, whatever the default centre was.
          fitted = true;
          const extent = bounds(estates.features.map((f) => f.geometry as Area));
          if (extent) instance.fitBounds(extent, { padding: 40, maxZoom: 15, animate: false });
        }
        container.dataset.tickets = String(tickets.features.length);
        container.dataset.clustered = String(Boolean(tickets.properties?.clustered));
        container.dataset.estates = String(estates.features.length);
        container.dataset.loaded = String(mine);
      } catch (e) {
        if (!controller.signal.aborted) setError(describe(e));
      } finally {
        if (mine === seq) delete container.dataset.loading;
      }
    };
    const schedule = () => {
      if (!instance.getSource('tickets')) return; // the first load comes with the style
      clearTimeout(timer);
      timer = setTimeout(() => void load(), DEBOUNCE_MS);
    };
    state.current.reload = schedule;

    /** The open tickets in a box (display coordinates) as pins, asked at the closest zoom. */
    const pinsIn = async (west: number, south: number, east: number, north: number) => {
      const q = filterQuery(state.current.filters);
      q.set('bbox', [west, south, east, north].map((v) => v.toFixed(7)).join(','));
      q.set('zoom', '22');
      if (GCJ02) q.set('crs', 'gcj02');
      const found = await getJson<Collection>(`/api/map/tickets?${q}`);
      const clustered = Boolean(found.properties?.clustered);
      return { pins: clustered ? [] : found.features.map((f) => asPin(f.properties ?? {})), clustered };
    };
    const show = (pins: Pin[], tooMany = false) => setStack({ pins: ordered(pins), tooMany });

    instance.on('error', (e) => console.warn('map', e.error));
    instance.on('load', () => {
      addLayers(instance);
      setLoaded(instance);
      instance.on('moveend', schedule);
      instance.on('click', 'sv-clusters', (e) => {
        const feature = e.features?.[0] as MapGeoJSONFeature | undefined;
        if (!feature) return;
        const [lng, lat] = (feature.geometry as { coordinates: [number, number] }).coordinates;
        const count = Number(feature.properties?.count ?? 0);
        const zoomIn = () => instance.easeTo({ center: [lng, lat], zoom: Math.min(instance.getZoom() + 2, CLUSTER_ZOOM_MAX) });
        if (instance.getZoom() >= CLUSTER_ZOOM_MAX - 0.01) {
          // Zooming no longer splits it: list what lies under the circle.
          const { x, y } = instance.project([lng, lat]);
          const sw = instance.unproject([x - 30, y + 30]);
          const ne = instance.unproject([x + 30, y - 30]);
          pinsIn(sw.lng, sw.lat, ne.lng, ne.lat).then(
            ({ pins, clustered }) => show(pins, clustered),
            (err) => setError(describe(err)),
          );
          return;
        }
        if (count > SPOT_CHECK_MAX) return zoomIn();
        // All at one spot (e.g. several findings at one gate)? Then no zoom splits them: list them.
        pinsIn(lng - SPOT_DEG, lat - SPOT_DEG, lng + SPOT_DEG, lat + SPOT_DEG).then(
          ({ pins }) => (pins.length >= count ? show(pins) : zoomIn()),
          () => zoomIn(),
        );
      });
      instance.on('click', 'sv-pins', (e) => {
        const { x, y } = e.point;
        const near = instance.queryRenderedFeatures(
          [[x - NEAR_PX, y - NEAR_PX], [x + NEAR_PX, y + NEAR_PX]],
          { layers: ['sv-pins'] },
        );
        const pins = ordered(near.map((f) => asPin(f.properties ?? {})));
        if (pins.length > 1) show(pins);
        else if (pins.length === 1) state.current.onPick(pins[0].id);
      });
      // Moved by hand: the list was of another spot.
      instance.on('movestart', (e) => {
        if ((e as { originalEvent?: Event }).originalEvent) setStack(null);
      });
      for (const layer of ['sv-clusters', 'sv-pins']) {
        instance.on('mouseenter', layer, () => (instance.getCanvas().style.cursor = 'pointer'));
        instance.on('mouseleave', layer, () => (instance.getCanvas().style.cursor = ''));
      }
    });
    void load();
    return () => {
      clearTimeout(timer);
      inflight?.abort();
      names.clear();
      instance.remove();
      map.current = null;
      if (window.__wuhaoMap === instance) delete window.__wuhaoMap;
    };
  };

  useEffect(() => state.current.reload(), [filters, reloadKey]);

  useEffect(() => {
    if (!focus || !map.current || !base) return;
    state.current.focused = true; // a ticket was opened: do not fit the view to the estates over it
    map.current.jumpTo({ center: base.project([focus.lng, focus.lat]), zoom: Math.max(map.current.getZoom(), 16) });
  }, [focus?.seq, base]);

  useEffect(() => {
    const instance = map.current;
    if (instance?.getLayer('sv-selected')) instance.setFilter('sv-selected', ['all', IS_PIN as never, ['==', ['get', 'id'], selected ?? -1]]);
    else instance?.once('load', () => instance.setFilter('sv-selected', ['all', IS_PIN as never, ['==', ['get', 'id'], selected ?? -1]]));
  }, [selected, base]);

  return (
    <div class="sv-map-wrap">
      <div class="sv-map" ref={box} data-testid="sv-map" />
      {base && !base.tiles && <div class="sv-map-note">{t('sv_no_basemap')}</div>}
      {error && <div class="sv-map-error error">{t('sv_map_error', { m: error })}</div>}
      {loaded && base && <CoverageLayer map={loaded} base={base} />}
      {stack && (
        <StackList stack={stack} selected={selected} onPick={onPick} onClose={() => setStack(null)} />
      )}
    </div>
  );
}
