// Place names on a map without a base map: small HTML markers (MapLibre text layers would need
// glyph files from outside). Only the names in view, at most MAX_LABELS, so a phone stays quick.

import { Marker, type Map as MapLibre } from 'maplibre-gl';
import type { Area, LngLat } from '../geo';

export type LabelKind = 'district' | 'street' | 'estate';
export interface Label {
  kind: LabelKind;
  name: string;
  at: LngLat; // in the map's (display) coordinates
}

const MAX_LABELS = 40;

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

export class MapLabels {
  private markers: Marker[] = [];

  constructor(private readonly map: MapLibre) {}

  /** Show these names (those in view, up to the cap), replacing the ones shown. */
  show(labels: Label[]): number {
    this.clear();
    const view = this.map.getBounds();
    const shown = labels.filter((l) => view.contains(l.at)).slice(0, MAX_LABELS);
    this.markers = shown.map((l) => {
      const element = document.createElement('div');
      element.className = `map-label map-label-${l.kind}`;
      element.textContent = l.name;
      return new Marker({ element, anchor: 'center' }).setLngLat(l.at).addTo(this.map);
    });
    return shown.length;
  }

  clear(): void {
    this.markers.forEach((m) => m.remove());
    this.markers = [];
  }
}
