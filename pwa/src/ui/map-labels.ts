// Place names on a map without a base map: small HTML markers (MapLibre text layers would need
// glyph files from outside). Only the names in view, at most MAX_LABELS, so a phone stays quick;
// a name that would cover another name or one of our pins is left out (the list comes largest
// place first). Sizes are estimated from the text, so placing them costs no layout.

import { Marker, type Map as MapLibre } from 'maplibre-gl';
import type { Area, LngLat } from '../geo';

export type LabelKind = 'district' | 'street' | 'estate';
export interface Label {
  kind: LabelKind;
  name: string;
  at: LngLat; // in the map's (display) coordinates
}

const MAX_LABELS = 40;
/** Estimated glyph width in CSS px per kind (see .map-label-* in styles.css) and label height. */
const CHAR_PX: Record<LabelKind, number> = { district: 18, street: 13.5, estate: 11.8 };
const LINE_PX = 18;
/** Where a name may go, tried in turn: on its point, else just below or above it. */
const SHIFTS: [number, number][] = [[0, 0], [0, 26], [0, -26], [0, 40], [0, -40]];

type Box = [number, number, number, number];
const overlaps = (a: Box, b: Box) => a[0] < b[2] && b[0] < a[2] && a[1] < b[3] && b[1] < a[3];

/** A point to write an outline's name at: the centre of its largest ring's extent. */
export function labelPoint(area: Area): LngLat {
  const rings = area.type === 'Polygon' ? [area.coordinates[0]] : area.coordinates.map((p) => p[0]);
  let best: [number, number, number, number] | null = null;
  let bestSize = -1;
  for (const ring of rings) {
    const xs = ring.map((p) => p[0]);
    const ys = ring.map((p) => p[1]);
    const box: [number, number, number, number] = [Math.min(...xs), Math.min(...ys), Math.max(...xs), Math.max(...ys)];
    const size = (box[2] - box[0]) * (box[3] - box[1]);
    if (size > bestSize) [best, bestSize] = [box, size];
  }
  return best ? [(best[0] + best[2]) / 2, (best[1] + best[3]) / 2] : [0, 0];
}

/** Something of ours drawn on the map that a name must not cover (display coordinates). */
export interface Obstacle {
  at: LngLat;
  radius: number; // CSS px around it to keep clear
}

export class MapLabels {
  private markers: Marker[] = [];

  constructor(private readonly map: MapLibre) {}

  /** Show these names (those in view that fit, up to the cap), replacing the ones shown;
   * `avoid`: our pins and clusters, to keep clear. */
  show(labels: Label[], avoid: Obstacle[] = []): number {
    this.clear();
    const view = this.map.getBounds();
    const taken: Box[] = avoid.filter((o) => view.contains(o.at)).map((o) => {
      const { x, y } = this.map.project(o.at);
      return [x - o.radius, y - o.radius, x + o.radius, y + o.radius];
    });
    const shown: { label: Label; shift: [number, number] }[] = [];
    for (const label of labels) {
      if (shown.length >= MAX_LABELS) break;
      if (!view.contains(label.at)) continue;
      const { x, y } = this.map.project(label.at);
      const half = (Math.min(label.name.length * CHAR_PX[label.kind], 144) + 4) / 2;
      for (const shift of SHIFTS) {
        const [cx, cy] = [x + shift[0], y + shift[1]];
        const box: Box = [cx - half, cy - LINE_PX / 2, cx + half, cy + LINE_PX / 2];
        if (taken.some((t) => overlaps(t, box))) continue;
        taken.push(box);
        shown.push({ label, shift });
        break;
      }
    }
    this.markers = shown.map(({ label, shift }) => {
      const element = document.createElement('div');
      element.className = `map-label map-label-${label.kind}`;
      element.textContent = label.name;
      return new Marker({ element, anchor: 'center', offset: shift }).setLngLat(label.at).addTo(this.map);
    });
    return shown.length;
  }

  clear(): void {
    this.markers.forEach((m) => m.remove());
    this.markers = [];
  }
}
