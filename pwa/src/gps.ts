// The phone's position (WGS84, as browsers report it), watched while the app is visible.

import type { Position } from './db';
import { isoNow } from './photos';
import { createStore } from './store';

export interface GpsState {
  position: Position | null;
  at: number | null;
  /** 'denied' | 'timeout' | 'unavailable' (see i18n gps_*) */
  error: string | null;
  watching: boolean;
}

export const gps = createStore<GpsState>({ position: null, at: null, error: null, watching: false });
let watchId: number | null = null;
let users = 0;

function start(): void {
  if (watchId !== null || !('geolocation' in navigator)) {
    if (!('geolocation' in navigator)) gps.set({ error: 'unavailable' });
    return;
  }
  gps.set({ watching: true });
  watchId = navigator.geolocation.watchPosition(
    (p) =>
      gps.set({
        position: {
          lat: p.coords.latitude,
          lng: p.coords.longitude,
          accuracy_m: Number.isFinite(p.coords.accuracy) ? Math.round(p.coords.accuracy * 10) / 10 : null,
        },
        at: p.timestamp || Date.now(),
        error: null,
      }),
    (e) => gps.set({ error: e.code === 1 ? 'denied' : e.code === 3 ? 'timeout' : 'unavailable' }),
    { enableHighAccuracy: true, maximumAge: 10_000, timeout: 60_000 },
  );
}

function stop(): void {
  if (watchId !== null) navigator.geolocation.clearWatch(watchId);
  watchId = null;
  gps.set({ watching: false });
}

/** Screens that need the position call this; the watch stops when none does (battery). */
export function useGpsWatch(): () => void {
  users++;
  if (document.visibilityState === 'visible') start();
  return () => {
    users = Math.max(0, users - 1);
    if (users === 0) stop();
  };
}

document.addEventListener('visibilitychange', () => {
  if (document.visibilityState === 'visible' && users > 0) start();
  else if (document.visibilityState === 'hidden') stop();
});

/** A position is only useful for a short while. */
export function freshPosition(maxAgeMs = 120_000): Position | null {
  const { position, at } = gps.get();
  return position && at && Date.now() - at < maxAgeMs ? position : null;
}

/** The phone's own fix for a photo being taken or picked now (contract §1 `fix`), or null. */
export function currentFix(maxAgeMs = 120_000): { lat: number; lng: number; accuracy_m: number | null; at: string } | null {
  const { position, at } = gps.get();
  if (!position || !at || Date.now() - at >= maxAgeMs) return null;
  return { ...position, at: isoNow(new Date(at)) };
}
