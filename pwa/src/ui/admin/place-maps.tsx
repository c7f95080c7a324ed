// The places sections' maps (MapLibre, set up as every map here: ../basemap.ts, no tiles needed):
// an outline editor whose vertices are dragged, and the import preview's before/after shapes.

import { Map as MapLibre, Marker, Point } from 'maplibre-gl';
import { useEffect, useRef, useState } from 'preact/hooks';
import { bounds, type Area, type LngLat, type MultiPolygon } from '../../geo';
import { t, texts } from '../../i18n';
import { baseStyle, loadBasemap, type Basemap } from '../basemap';
import './places.css';

const mt = texts({
  vertex: ['顶点 {n}(拖动或用方向键移动)', 'Vertex {n} (drag, or move with the arrow keys)'],
  outline_map: ['小区范围编辑地图', 'Estate outline editor map'],
  preview_map: ['导入预览地图', 'Import preview map'],
});

/** The server's base map settings, once (cached by ../basemap.ts). */
export function useBasemap(): Basemap | null {
  const [base, setBase] = useState<Basemap | null>(null);
  useEffect(() => {
    let gone = false;
    void loadBasemap().then((b) => gone || setBase(b));
    return () => {
      gone = true;
    };
  }, []);
  return base;
}

function newMap(box: HTMLDivElement, base: Basemap): MapLibre {
  return new MapLibre({
    container: box,
    style: baseStyle(base),
    attributionControl: base.tiles ? {} : false,
    dragRotate: false,
    pitchWithRotate: false,
    center: base.project([121.63, 38.92]),
    zoom: 14,
  });
}

const NUDGE: Record<string, [number, number]> = { ArrowUp: [0, -4], ArrowDown: [0, 4], ArrowLeft: [-4, 0], ArrowRight: [4, 0] };

function copy(area: MultiPolygon): MultiPolygon {
  return { type: 'MultiPolygon', coordinates: area.coordinates.map((p) => p.map((r) => r.map(([x, y]) => [x, y] as LngLat))) };
}

/** Drag the vertices of `outline` (coordinates as the base map draws them); `onChange` gets the
 *  moved outline after each drag. `version` redraws from `outline` (after a save or a reset). */
export function OutlineEditor({ base, outline, version, onChange }: { base: Basemap; outline: MultiPolygon; version: number; onChange: (a: MultiPolygon) => void }) {
  const box = useRef<HTMLDivElement>(null);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    if (!box.current) return;
    let map: MapLibre;
    try {
      map = newMap(box.current, base);
    } catch (e) {
      console.warn('map', e);
      setError(t('map_unsupported'));
      return;
    }
    const working = copy(outline);
    const markers: Marker[] = [];
    const draw = () => (map.getSource('outline') as { setData?: (d: unknown) => void } | undefined)?.setData?.(working);
    map.on('load', () => {
      map.addSource('outline', { type: 'geojson', data: working });
      map.addLayer({ id: 'outline-fill', type: 'fill', source: 'outline', paint: { 'fill-color': '#1f6f4a', 'fill-opacity': 0.2 } });
      map.addLayer({ id: 'outline-line', type: 'line', source: 'outline', paint: { 'line-color': '#1f6f4a', 'line-width': 2 } });
      const extent = bounds([working]);
      if (extent) map.fitBounds(extent, { padding: 48, animate: false, maxZoom: 18 });
      let n = 0;
      working.coordinates.forEach((polygon) =>
        polygon.forEach((ring) => {
          // The closing position repeats the first: one handle moves both.
          ring.slice(0, -1).forEach((at, i) => {
            n += 1;
            const handle = document.createElement('button');
            handle.type = 'button';
            handle.className = 'vertex-handle';
            handle.setAttribute('aria-label', mt('vertex', { n }));
            handle.dataset.testid = 'vertex';
            const marker = new Marker({ element: handle, draggable: true }).setLngLat(at).addTo(map);
            marker.on('drag', () => {
              const { lng, lat } = marker.getLngLat();
              ring[i] = [lng, lat];
              if (i === 0) ring[ring.length - 1] = [lng, lat];
              draw();
            });
            marker.on('dragend', () => onChange(copy(working)));
            // Without a pointer: the arrow keys move the vertex by a few screen pixels.
            handle.addEventListener('keydown', (event) => {
              const step = NUDGE[event.key];
              if (!step) return;
              event.preventDefault();
              const moved = map.unproject(map.project(marker.getLngLat()).add(new Point(step[0], step[1])));
              marker.setLngLat(moved);
              marker.fire('drag');
              onChange(copy(working));
            });
            markers.push(marker);
          });
        }),
      );
    });
    return () => {
      markers.forEach((m) => m.remove());
      map.remove();
    };
  }, [base, version]);
  if (error) return <div class="admin-map placeholder">{t('map_failed', { m: error })}</div>;
  return <div class="admin-map" ref={box} role="region" aria-label={mt('outline_map')} data-testid="outline-map" />;
}

export interface PreviewShape {
  index: number;
  original: Area | null;
  geometry: Area | null;
  action: string;
}

function collection(shapes: PreviewShape[], key: 'original' | 'geometry', project: (p: LngLat) => LngLat) {
  const features = shapes
    .filter((s) => s[key])
    .map((s) => {
      const area = s[key]!;
      const coords = area.type === 'Polygon' ? [area.coordinates] : area.coordinates;
      return {
        type: 'Feature' as const,
        properties: { index: s.index, action: s.action },
        geometry: { type: 'MultiPolygon' as const, coordinates: coords.map((p) => p.map((r) => r.map(project))) },
      };
    });
  return { type: 'FeatureCollection' as const, features };
}

/** The shapes as given (red, dashed) and as they would be stored (green), in WGS84. */
export function PreviewMap({ base, shapes }: { base: Basemap; shapes: PreviewShape[] }) {
  const box = useRef<HTMLDivElement>(null);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    if (!box.current) return;
    let map: MapLibre;
    try {
      map = newMap(box.current, base);
    } catch (e) {
      console.warn('map', e);
      setError(t('map_unsupported'));
      return;
    }
    map.on('load', () => {
      map.addSource('stored', { type: 'geojson', data: collection(shapes, 'geometry', base.project) });
      map.addSource('given', { type: 'geojson', data: collection(shapes, 'original', base.project) });
      map.addLayer({ id: 'stored-fill', type: 'fill', source: 'stored', paint: { 'fill-color': '#1f6f4a', 'fill-opacity': 0.25 } });
      map.addLayer({ id: 'stored-line', type: 'line', source: 'stored', paint: { 'line-color': '#1f6f4a', 'line-width': 1.5 } });
      map.addLayer({ id: 'given-line', type: 'line', source: 'given', paint: { 'line-color': '#c62828', 'line-width': 3, 'line-dasharray': [2, 2] } });
      const extent = bounds(shapes.flatMap((s) => [s.original, s.geometry]).map((a) => (a ? projectArea(a, base.project) : null)));
      if (extent) map.fitBounds(extent, { padding: 32, animate: false, maxZoom: 18 });
    });
    return () => map.remove();
  }, [base, shapes]);
  if (error) return <div class="admin-map placeholder">{t('map_failed', { m: error })}</div>;
  return <div class="admin-map" ref={box} role="region" aria-label={mt('preview_map')} data-testid="preview-map" />;
}

function projectArea(area: Area, project: (p: LngLat) => LngLat): Area {
  if (area.type === 'Polygon') return { type: 'Polygon', coordinates: area.coordinates.map((r) => r.map(project)) };
  return { type: 'MultiPolygon', coordinates: area.coordinates.map((p) => p.map((r) => r.map(project))) };
}
