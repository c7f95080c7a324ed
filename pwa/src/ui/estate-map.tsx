// The small estate map (MapLibre GL, loaded only when shown). Base map: see ../basemap.ts.

import { Map as MapLibre } from 'maplibre-gl';
import { useEffect, useRef, useState } from 'preact/hooks';
import type { Estate } from '../data';
import { bounds, type Area, type LngLat } from '../geo';
import { t } from '../i18n';
import { baseStyle, project, TILES } from './basemap';

function projectArea(area: Area): Area {
  if (area.type === 'Polygon') return { type: 'Polygon', coordinates: area.coordinates.map((r) => r.map(project)) };
  return { type: 'MultiPolygon', coordinates: area.coordinates.map((p) => p.map((r) => r.map(project))) };
}

function estatesGeoJson(estates: Estate[]) {
  return {
    type: 'FeatureCollection' as const,
    features: estates
      .filter((e) => e.geometry)
      .map((e) => ({
        type: 'Feature' as const,
        id: e.id,
        properties: { id: e.id, name: e.name },
        geometry: projectArea(e.geometry!),
      })),
  };
}

function hereGeoJson(here: LngLat | null) {
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

  useEffect(() => {
    if (!box.current) return;
    let instance: MapLibre;
    try {
      instance = new MapLibre({
        container: box.current,
        style: baseStyle(),
        attributionControl: TILES ? {} : false,
        dragRotate: false,
        pitchWithRotate: false,
        center: [121.63, 38.92],
        zoom: 13,
      });
    } catch (e) {
      console.warn('map', e);
      setError(t('map_unsupported'));
      return;
    }
    map.current = instance;
    instance.on('error', (e) => console.warn('map', e.error));
    instance.on('load', () => {
      instance.addSource('estates', { type: 'geojson', data: estatesGeoJson(estates) });
      instance.addLayer({ id: 'estate-fill', type: 'fill', source: 'estates', paint: { 'fill-color': '#1f6f4a', 'fill-opacity': 0.18 } });
      instance.addLayer({ id: 'estate-line', type: 'line', source: 'estates', paint: { 'line-color': '#1f6f4a', 'line-width': 2 } });
      instance.addSource('here', { type: 'geojson', data: hereGeoJson(here) });
      instance.addLayer({
        id: 'here',
        type: 'circle',
        source: 'here',
        paint: { 'circle-radius': 7, 'circle-color': '#1565c0', 'circle-stroke-color': '#fff', 'circle-stroke-width': 2 },
      });
      instance.on('click', 'estate-fill', (e) => {
        const id = e.features?.[0]?.properties?.id;
        if (id !== undefined) onPick(Number(id));
      });
      const extent = bounds(estates.map((e) => (e.geometry ? projectArea(e.geometry) : null)));
      if (extent) instance.fitBounds(extent, { padding: 24, animate: false, maxZoom: 17 });
    });
    return () => {
      instance.remove();
      map.current = null;
    };
  }, [estates]);

  useEffect(() => {
    const source = map.current?.getSource('here') as { setData?: (d: unknown) => void } | undefined;
    source?.setData?.(hereGeoJson(here));
  }, [here?.[0], here?.[1]]);

  if (error) return <div class="map placeholder">{t('map_failed', { m: error })}</div>;
  return <div class="map" ref={box} data-testid="map" />;
}
