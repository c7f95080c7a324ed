// The coverage layer of the supervisor's map (巡查覆盖): estates filled by their inspection state
// (the state of their latest opened task, never inspected, or no task) or by the days since their
// last inspection, from GET /api/map/coverage for the view (asked again on every move, in the base
// map's CRS). A tap on an estate says its name, state and when it was last inspected.

import type { GeoJSONSource, Map as MapLibre, MapLayerMouseEvent } from 'maplibre-gl';
import { useEffect, useRef, useState } from 'preact/hooks';
import { getJson } from '../../api';
import { describe } from '../../problem';
import type { Basemap } from '../basemap';
import { ct, DAY_BUCKETS, lastInspected, MAP_STATES, stateWord, type MapState } from './coverage-text';
import './coverage.css';

type Mode = 'off' | 'state' | 'days';

export const STATE_COLOUR: Record<MapState, string> = {
  done: '#2e7d32',
  late: '#f9a825',
  due: '#1e88e5',
  missed: '#c62828',
  never_inspected: '#6a1b9a',
  unplanned: '#90a4ae',
};
/** Colours of DAY_BUCKETS, in its order. */
export const DAYS_COLOUR = ['#1b5e20', '#7cb342', '#fbc02d', '#e65100', '#6a1b9a'];

const STATE_FILL = ['match', ['get', 'coverage'],
  ...MAP_STATES.flatMap((s) => [s, STATE_COLOUR[s]]), '#9e9e9e'];
const DAYS = ['get', 'days_since'];
const DAYS_FILL = ['case', ['!=', ['typeof', DAYS], 'number'], DAYS_COLOUR[4],
  ['<=', DAYS, 7], DAYS_COLOUR[0], ['<=', DAYS, 14], DAYS_COLOUR[1], ['<=', DAYS, 30], DAYS_COLOUR[2],
  DAYS_COLOUR[3]];
const GRADE_LAYERS = ['sv-estate-fill', 'sv-estate-line'];
const TICKET_LAYERS = ['sv-clusters', 'sv-pins'];
const DEBOUNCE_MS = 250;

interface Picked {
  name: string;
  coverage: string;
  last_inspected_at: string | null;
  days_since: number | null;
}
type Collection = { type: 'FeatureCollection'; features: { properties: Record<string, unknown> | null }[] };

function viewBox(map: MapLibre): string {
  const b = map.getBounds();
  const clamp = (v: number, lo: number, hi: number) => Math.min(hi, Math.max(lo, v));
  return [clamp(b.getWest(), -180, 180), clamp(b.getSouth(), -85, 85),
    clamp(b.getEast(), -180, 180), clamp(b.getNorth(), -85, 85)].map((v) => v.toFixed(6)).join(',');
}

function ensureLayers(map: MapLibre): void {
  if (map.getSource('coverage')) return;
  map.addSource('coverage', { type: 'geojson', data: { type: 'FeatureCollection', features: [] } });
  const below = map.getLayer('sv-clusters') ? 'sv-clusters' : undefined; // tickets stay on top
  map.addLayer({ id: 'sv-cov-fill', type: 'fill', source: 'coverage',
    paint: { 'fill-color': STATE_FILL as never, 'fill-opacity': 0.55 } }, below);
  map.addLayer({ id: 'sv-cov-line', type: 'line', source: 'coverage',
    paint: { 'line-color': STATE_FILL as never, 'line-width': 2 } }, below);
}

function setVisible(map: MapLibre, layers: string[], visible: boolean): void {
  for (const id of layers) {
    if (map.getLayer(id)) map.setLayoutProperty(id, 'visibility', visible ? 'visible' : 'none');
  }
}

function Legend({ mode }: { mode: Exclude<Mode, 'off'> }) {
  const rows: [string, string, string][] = mode === 'state'
    ? MAP_STATES.map((s) => [s, STATE_COLOUR[s], stateWord(s)])
    : DAY_BUCKETS.map(([, key], i) => [key, DAYS_COLOUR[i], ct(key)]);
  return (
    <div class="cov-legend" data-testid="cov-legend">
      <p class="cov-legend-title">{ct(mode === 'state' ? 'legend_state' : 'legend_days')}</p>
      <ul>
        {rows.map(([key, colour, label]) => (
          <li key={key} data-testid={`cov-legend-${key}`}>
            <span class="cov-swatch" style={{ background: colour }} />
            {label}
          </li>
        ))}
      </ul>
    </div>
  );
}

export function CoverageLayer({ map, base }: { map: MapLibre; base: Basemap }) {
  const [mode, setMode] = useState<Mode>('off');
  const [picked, setPicked] = useState<Picked | null>(null);
  const [error, setError] = useState<string | null>(null);
  const box = useRef<HTMLDivElement>(null);
  const on = mode !== 'off';

  // While shown: the layer, asked for the view now and after every move.
  useEffect(() => {
    if (!on) return;
    ensureLayers(map);
    setVisible(map, ['sv-cov-fill', 'sv-cov-line'], true);
    setVisible(map, GRADE_LAYERS, false); // one colouring of the estates at a time
    let inflight: AbortController | null = null;
    let timer: ReturnType<typeof setTimeout> | undefined;
    let seq = 0;
    const load = async () => {
      inflight?.abort();
      const controller = (inflight = new AbortController());
      const mine = ++seq;
      const q = new URLSearchParams({ bbox: viewBox(map) });
      if (base.gcj02) q.set('crs', 'gcj02'); // the server shifts bbox in and outlines out
      const el = box.current;
      if (el) el.dataset.loading = 'true';
      try {
        const found = await getJson<Collection>(`/api/map/coverage?${q}`, { signal: controller.signal });
        if (mine !== seq) return;
        (map.getSource('coverage') as GeoJSONSource | undefined)?.setData(found as never);
        setError(null);
        if (el) {
          el.dataset.estates = String(found.features.length);
          el.dataset.loaded = String(mine);
        }
      } catch (e) {
        if (!controller.signal.aborted) setError(describe(e));
      } finally {
        if (el && mine === seq) delete el.dataset.loading;
      }
    };
    const schedule = () => {
      clearTimeout(timer);
      timer = setTimeout(() => void load(), DEBOUNCE_MS);
    };
    const click = (e: MapLayerMouseEvent) => {
      const { x, y } = e.point;
      const tickets = TICKET_LAYERS.filter((id) => map.getLayer(id));
      // A tap on a ticket (pin or cluster) is the ticket's, not the estate's under it.
      if (map.queryRenderedFeatures([[x - 8, y - 8], [x + 8, y + 8]], { layers: tickets }).length) return;
      const p = e.features?.[0]?.properties as Record<string, unknown> | undefined;
      if (!p) return;
      setPicked({
        name: String(p.name ?? ''),
        coverage: String(p.coverage ?? ''),
        last_inspected_at: typeof p.last_inspected_at === 'string' ? p.last_inspected_at : null,
        days_since: typeof p.days_since === 'number' ? p.days_since : null,
      });
    };
    void load();
    map.on('moveend', schedule);
    map.on('click', 'sv-cov-fill', click);
    return () => {
      clearTimeout(timer);
      inflight?.abort();
      map.off('moveend', schedule);
      map.off('click', 'sv-cov-fill', click);
      try {
        setVisible(map, ['sv-cov-fill', 'sv-cov-line'], false);
        setVisible(map, GRADE_LAYERS, true);
      } catch {
        /* the map itself is gone */
      }
    };
  }, [on, map, base]);

  useEffect(() => {
    if (!on || !map.getLayer('sv-cov-fill')) return;
    const fill = mode === 'state' ? STATE_FILL : DAYS_FILL;
    map.setPaintProperty('sv-cov-fill', 'fill-color', fill as never);
    map.setPaintProperty('sv-cov-line', 'line-color', fill as never);
    if (box.current) box.current.dataset.mode = mode;
  }, [mode, on, map]);

  return (
    <div class="cov" ref={box} data-testid="sv-coverage" data-mode={mode}>
      <div class="cov-ctl">
        <button type="button" class={`cov-toggle${on ? ' active' : ''}`} aria-pressed={on}
          title={ct('layer_on')} data-testid="cov-toggle"
          onClick={() => {
            setPicked(null);
            setMode(on ? 'off' : 'state');
          }}>
          {ct('layer')}
        </button>
        {on && (
          <div class="cov-modes" role="radiogroup" aria-label={ct('layer')}>
            {(['state', 'days'] as const).map((m) => (
              <button key={m} type="button" role="radio" aria-checked={mode === m} data-testid={`cov-mode-${m}`}
                class={mode === m ? 'active' : ''} onClick={() => setMode(m)}>
                {ct(m === 'state' ? 'mode_state' : 'mode_days')}
              </button>
            ))}
          </div>
        )}
      </div>
      {on && !picked && <Legend mode={mode as Exclude<Mode, 'off'>} />}
      {on && error && <p class="cov-error error">{ct('load_failed', { m: error })}</p>}
      {on && picked && (
        <div class="cov-card" data-testid="cov-card" role="dialog" aria-label={picked.name}>
          <div class="cov-card-head">
            <strong>{picked.name}</strong>
            <button type="button" class="cov-close" aria-label={ct('close')} onClick={() => setPicked(null)}>×</button>
          </div>
          <p>
            <span class="cov-swatch" style={{ background: STATE_COLOUR[picked.coverage as MapState] ?? '#9e9e9e' }} />
            <span data-testid="cov-card-state">{stateWord(picked.coverage)}</span>
          </p>
          <p data-testid="cov-card-last">
            {ct('last_inspected', { d: lastInspected(picked.last_inspected_at, picked.days_since) })}
          </p>
        </div>
      )}
    </div>
  );
}
