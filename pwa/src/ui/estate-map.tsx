// The small estate map (MapLibre GL, loaded only when shown). Base map: see ./basemap.ts; without
// one, the estates' names are written on it (./map-labels.ts) from zoom 12, those that fit.

import { Map as MapLibre } from 'maplibre-gl';
import { useEffect, useRef, useState } from 'preact/hooks';
import type { Estate } from '../data';
import { bounds, type Area, type LngLat } from '../geo';
import { t } from '../i18n';
import { baseStyle, loadBasemap, type Basemap } from './basemap';
import { labelPoint, MapLabels } from './map-labels';

/** Estate names from this zoom (below it, outlines alone). */
const NAMES_FROM_ZOOM = 12;

function projectArea(area: Area, project: (p: LngLat) => LngLat): Area {
  if (area.type === 'Polygon') return { type: 'Polygon', coordinates: area.coordinates.map((r) => r.map(project)) };
  return { type: 'MultiPolygon', coordinates: area.coordinates.map((p) => p.map((r) => r.map(project))) };
}

function estatesGeoJson(estates: Estate[], project: (p: LngLat) => LngLat) {
  return {
    type: 'FeatureCollection' as const,
    features: estates
      .filter((e) => e.geometry)
      .map((e) => ({
        type: 'Feature' as const,
        id: e.id,
        properties: { id: e.id, name: e.name },
        geometry: projectArea(e.geometry!, project),
      })),
  };
}

function hereGeoJson(here: LngLat | null, project: (p: LngLat) => LngLat) {
  return {
    type: 'FeatureCollection' as const,
    features: here ? [{ type: 'Feature' as const, properties: {}, geometry: { type: 'Point' as const, coordinates: project(here) } }] : [],
  };
}

export default function EstateMap({
  estates,
  here,
  onPick,
}: {
  estates: Estate[];
  here: LngLat | null;
  onPick: (id: number) => void;
}) {
  const box = useRef<HTMLDivElement>(null);
  const map = useRef<MapLibre | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [base, setBase] = useState<Basemap | null>(null);
  // Callers pass a new array (and callback) on every render, e.g. `[estate]` while the GPS fix
  // updates: the map is rebuilt only when the estates themselves change, or it would be torn down
  // and rebuilt (and its worker fetched again) on each render.
  const latest = useRef({ estates, onPick });
  latest.current = { estates, onPick };
  const estatesKey = estates.map((e) => `${e.id}:${e.geometry ? 1 : 0}`).join(',');

  useEffect(() => {
    let gone = false;
    void loadBasemap().then((b) => gone || setBase(b));
    return () => {
      gone = true;
    };
  }, []);

  useEffect(() => {
    if (!box.current || !base) return;
    const { project } = base;
    let instance: MapLibre;
    try {
      instance = new MapLibre({
        container: box.current,
        style: baseStyle(base),
        attributionControl: base.tiles ? {} : false,
        dragRotate: false,
        pitchWithRotate: false,
        center: project([121.63, 38.92]),
        zoom: 13,
      });
    } catch (e) {
      console.warn('map', e);
      setError(t('map_unsupported'));
      return;
    }
    map.current = instance;
    const { estates } = latest.current;
    const names = new MapLabels(instance);
    const labels = estates
      .filter((e) => e.geometry)
      .map((e) => ({ kind: 'estate' as const, name: e.name, at: labelPoint(projectArea(e.geometry!, project)) }));
    const writeNames = () => {
      if (base.tiles || instance.getZoom() < NAMES_FROM_ZOOM) names.clear();
      else names.show(labels, here ? [{ at: project(here), radius: 10 }] : []); // keep the point clear
    };
    instance.on('error', (e) => console.warn('map', e.error));
    instance.on('load', () => {
      instance.addSource('estates', { type: 'geojson', data: estatesGeoJson(estates, project) });
      instance.addLayer({ id: 'estate-fill', type: 'fill', source: 'estates', paint: { 'fill-color': '#1f6f4a', 'fill-opacity': 0.18 } });
      instance.addLayer({ id: 'estate-line', type: 'line', source: 'estates', paint: { 'line-color': '#1f6f4a', 'line-width': 2 } });
      instance.addSource('here', { type: 'geojson', data: hereGeoJson(here, project) });
      instance.addLayer({
        id: 'here',
        type: 'circle',
        source: 'here',
        paint: { 'circle-radius': 7, 'circle-color': '#1565c0', 'circle-stroke-color': '#fff', 'circle-stroke-width': 2 },
      });
      instance.on('click', 'estate-fill', (e) => {
        const id = e.features?.[0]?.properties?.id;
        if (id !== undefined) latest.current.onPick(Number(id));
      });
      instance.on('moveend', writeNames);
      const extent = bounds(estates.map((e) => (e.geometry ? projectArea(e.geometry, project) : null)));
      if (extent) instance.fitBounds(extent, { padding: 24, animate: false, maxZoom: 17 });
      writeNames();
    });
    return () => {
      names.clear();
      instance.remove();
      map.current = null;
    };
  }, [estatesKey, base]);

  useEffect(() => {
    const source = map.current?.getSource('here') as { setData?: (d: unknown) => void } | undefined;
    if (base) source?.setData?.(hereGeoJson(here, base.project));
  }, [here?.[0], here?.[1], base]);

  if (error) return <div class="map placeholder">{t('map_failed', { m: error })}</div>;
  return <div class="map" ref={box} data-testid="map" />;
}
