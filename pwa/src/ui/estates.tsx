// Inspector home: assigned estates sorted by distance, a lazy map, and an estate's start page.

import type { ComponentType } from 'preact';
import { useEffect, useMemo, useState } from 'preact/hooks';
import { ApiError } from '../api';
import { app } from '../app-state';
import type { ChecklistVersion } from '../checklist';
import {
  cachedChecklists,
  cachedEstates,
  refreshChecklists,
  cachedTasks,
  refreshEstates,
  refreshTasks,
  type Estate,
  type Task,
} from '../data';
import { allInspections, putInspection, type LocalInspection } from '../db';
import { contains, distanceM, distanceToAreaM, type LngLat } from '../geo';
import { freshPosition, gps, useGpsWatch } from '../gps';
import { formatTime, t, tr } from '../i18n';
import { isoNow, newUuid } from '../photos';
import { describe, describeLoadFailure } from '../problem';
import { navigate } from '../router';
import { createStore, useStore } from '../store';
import { AccountBar } from './placeholder';
import { st } from './scorecard-text';
import { TodayTasks } from './tasks';

interface MapProps {
  estates: Estate[];
  here: LngLat | null;
  onPick: (id: number) => void;
}

/** MapLibre is big: it is only fetched when a map is shown. */
function LazyMap(props: MapProps) {
  const [Map, setMap] = useState<ComponentType<MapProps> | null>(null);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    import('./estate-map').then(
      (module) => setMap(() => module.default),
      (e) => {
        console.warn('load', e);
        setError(describeLoadFailure());
      },
    );
  }, []);
  if (error) return <div class="map placeholder">{t('map_failed', { m: error })}</div>;
  if (!Map) return <div class="map placeholder">{t('map_loading')}</div>;
  return <Map {...props} />;
}

/** Estates and checklists of the signed-in inspector, from IndexedDB first, then the network. */
export const inspectorData = createStore({
  userId: null as number | null,
  estates: null as Estate[] | null,
  checklists: null as ChecklistVersion[] | null,
  fetchedAt: null as string | null,
  tasks: null as Task[] | null,
  tasksAt: null as string | null,
  loading: false,
  error: null as string | null,
});

export async function loadInspectorData(userId: number, network = true): Promise<void> {
  if (inspectorData.get().userId !== userId) {
    inspectorData.set({
      userId,
      estates: null,
      checklists: null,
      fetchedAt: null,
      tasks: null,
      tasksAt: null,
      error: null,
    });
  }
  const [estates, checklists, tasks] = await Promise.all([
    cachedEstates(userId),
    cachedChecklists(userId),
    cachedTasks(userId),
  ]);
  inspectorData.set({
    estates: estates?.data ?? inspectorData.get().estates,
    checklists: checklists?.data ?? inspectorData.get().checklists,
    fetchedAt: estates?.fetchedAt ?? null,
    tasks: tasks?.data ?? inspectorData.get().tasks,
    tasksAt: tasks?.fetchedAt ?? null,
  });
  if (!network || !navigator.onLine) return;
  inspectorData.set({ loading: true, error: null });
  try {
    const [fresh, lists, today] = await Promise.all([
      refreshEstates(userId),
      refreshChecklists(userId),
      refreshTasks(userId),
    ]);
    inspectorData.set({
      estates: fresh.estates,
      checklists: lists,
      fetchedAt: fresh.fetchedAt,
      tasks: today.tasks,
      tasksAt: today.fetchedAt,
    });
  } catch (error) {
    // A lapsed sign-in has its own dialog; every other failure is said plainly.
    if (!(error instanceof ApiError && error.status === 401)) inspectorData.set({ error: describe(error) });
  } finally {
    inspectorData.set({ loading: false });
  }
}

export function formatDistance(metres: number): string {
  return metres < 1000
    ? t('distance_m', { d: Math.round(metres) })
    : t('distance_km', { d: (metres / 1000).toFixed(1) });
}

interface Ranked {
  estate: Estate;
  distance: number | null;
  inside: boolean;
}

export function rank(estates: Estate[], here: LngLat | null): Ranked[] {
  const ranked = estates.map((estate) => {
    if (!here) return { estate, distance: null, inside: false };
    const inside = contains(estate.geometry, here);
    const distance = inside
      ? 0
      : (distanceToAreaM(estate.geometry, here) ?? (estate.centroid ? distanceM(here, estate.centroid) : null));
    return { estate, distance, inside };
  });
  return ranked.sort((a, b) =>
    a.distance !== null && b.distance !== null
      ? a.distance - b.distance
      : a.estate.name.localeCompare(b.estate.name, 'zh-CN'),
  );
}

export function useDrafts(userId: number | undefined): LocalInspection[] {
  const [drafts, setDrafts] = useState<LocalInspection[]>([]);
  useEffect(() => {
    if (userId === undefined) return;
    void allInspections().then((all) => setDrafts(all.filter((r) => r.userId === userId && r.state === 'draft')));
  }, [userId]);
  return drafts;
}

export function GpsLine() {
  const { position, error } = useStore(gps);
  if (position) return <span class="gps ok">{t('gps_fix', { a: Math.round(position.accuracy_m ?? 0) })}</span>;
  if (error) {
    const key = error === 'denied' ? 'gps_denied' : error === 'timeout' ? 'gps_timeout' : 'gps_unavailable';
    return <span class="gps bad">{t(key)}</span>;
  }
  return <span class="gps">{t('gps_waiting')}</span>;
}

export function EstatesScreen() {
  const session = useStore(app).session!;
  const data = useStore(inspectorData);
  const { position } = useStore(gps);
  const [showMap, setShowMap] = useState(() => localStorage.getItem('wuhao.map') === '1');
  const [query, setQuery] = useState('');
  const drafts = useDrafts(session.user.id);
  useEffect(() => useGpsWatch(), []);
  useEffect(() => void loadInspectorData(session.user.id), [session.user.id, session.token]);

  const here: LngLat | null = position ? [position.lng, position.lat] : null;
  const ranked = useMemo(() => rank(data.estates ?? [], here), [data.estates, here?.[0], here?.[1]]);
  const shown = query
    ? ranked.filter(({ estate }) => `${estate.name} ${estate.address ?? ''} ${estate.code}`.includes(query))
    : ranked;
  const toggleMap = () => {
    localStorage.setItem('wuhao.map', showMap ? '0' : '1');
    setShowMap(!showMap);
  };

  return (
    <section class="page" data-testid="estates">
      <AccountBar />
      <TodayTasks here={here} />
      <a class="button sc-link" href="/my-scorecard" data-testid="my-scorecard-link">
        {st('my_scorecard')}
      </a>
      <div class="row between">
        <h2>{t('my_estates')}</h2>
        <button type="button" class="small" onClick={toggleMap} data-testid="map-toggle">
          {showMap ? t('hide_map') : t('show_map')}
        </button>
      </div>
      <div class="row between muted">
        <GpsLine />
        <span>
          {data.loading
            ? t('loading')
            : data.fetchedAt
              ? t('data_as_of', { t: formatTime(data.fetchedAt) })
              : ''}
        </span>
      </div>
      {data.error && <p class="error">{data.error}</p>}
      {showMap && data.estates && (
        <LazyMap estates={data.estates} here={here} onPick={(id) => navigate(`/estate/${id}`)} />
      )}
      {ranked.length > 10 && (
        <input
          class="search"
          type="search"
          placeholder={t('search')}
          value={query}
          onInput={(e) => setQuery((e.target as HTMLInputElement).value.trim())}
        />
      )}
      {data.estates === null && !data.loading && !data.error && <p class="muted">{t('estates_offline_empty')}</p>}
      {data.estates === null && data.error && <p class="muted">{t('not_downloaded')}</p>}
      {data.estates?.length === 0 && <p class="muted">{t('estates_none')}</p>}
      <ul class="list" data-testid="estate-list">
        {shown.map(({ estate, distance, inside }) => {
          const draft = drafts.find((d) => d.estateId === estate.id);
          return (
            <li key={estate.id}>
              <a href={`/estate/${estate.id}`} class="estate" data-testid="estate">
                <span class="name">{estate.name}</span>
                <span class="meta">
                  {inside ? (
                    <b class="tag ok">{t('you_are_here')}</b>
                  ) : (
                    distance !== null && <span class="dist">{formatDistance(distance)}</span>
                  )}
                  {draft && <b class="tag warn">{t('resume_inspection')}</b>}
                </span>
                <span class="addr">{estate.address}</span>
              </a>
            </li>
          );
        })}
      </ul>
    </section>
  );
}

/** A new draft inspection of `estate` on `version`, opened at its first item. The server links
 * it to the task it fulfils (same estate and checklist, captured in the window). */
export async function startInspection(
  user: { id: number; username: string },
  estate: Estate,
  version: ChecklistVersion,
): Promise<void> {
  const now = isoNow();
  const record: LocalInspection = {
    id: newUuid(),
    userId: user.id,
    username: user.username,
    estateId: estate.id,
    estateName: estate.name,
    checklistVersionId: version.id,
    startedAt: now,
    finishedAt: null,
    position: freshPosition(),
    results: {},
    cursor: 0,
    state: 'draft',
    payload: null,
    attempts: 0,
    nextAttemptAt: 0,
    lastError: null,
    photosTotal: 0,
    photosSent: 0,
    createdAt: now,
    updatedAt: now,
    submittedAt: null,
    doneAt: null,
    serverStatus: null,
    evidenceFlags: [],
  };
  await putInspection(record);
  navigate(`/inspect/${record.id}`);
}

export function EstateScreen({ id }: { id: number }) {
  const session = useStore(app).session!;
  const data = useStore(inspectorData);
  const { position } = useStore(gps);
  const drafts = useDrafts(session.user.id).filter((d) => d.estateId === id);
  const [choice, setChoice] = useState<number | null>(null);
  useEffect(() => useGpsWatch(), []);
  useEffect(() => {
    if (!data.estates) void loadInspectorData(session.user.id, false);
  }, []);
  const estate = data.estates?.find((e) => e.id === id);
  if (!estate) return <p class="page muted">{data.estates ? t('estates_none') : t('loading')}</p>;
  const here: LngLat | null = position ? [position.lng, position.lat] : null;
  const away = here ? distanceToAreaM(estate.geometry, here) : null;
  const checklists = data.checklists ?? [];
  const version = checklists.find((c) => c.id === choice) ?? checklists[0];

  const start = async () => {
    if (version) await startInspection(session.user, estate, version);
  };

  return (
    <section class="page" data-testid="estate-detail">
      <a class="back" href="/">
        ‹ {t('back')}
      </a>
      <h2>{estate.name}</h2>
      <p class="muted">
        {estate.address} · {estate.code}
        {estate.grade ? ` · ${t('grade')} ${estate.grade}` : ''}
      </p>
      <p>
        <GpsLine />{' '}
        {away === 0 && <b class="tag ok">{t('inside_estate')}</b>}
        {away !== null && away > 0 && (
          <span class="warning">{t('outside_estate', { d: Math.round(away) })}</span>
        )}
      </p>
      {drafts.map((d) => (
        <a class="button primary block" href={`/inspect/${d.id}`} key={d.id} data-testid="resume">
          {t('resume_inspection')} · {t('draft_exists', { n: Object.keys(d.results).length })}
        </a>
      ))}
      {checklists.length > 1 && (
        <div class="choices">
          {checklists.map((c) => (
            <label key={c.id}>
              <input
                type="radio"
                name="checklist"
                checked={version?.id === c.id}
                onChange={() => setChoice(c.id)}
              />{' '}
              {tr(c.definition.title)} (v{c.number})
            </label>
          ))}
        </div>
      )}
      {version ? (
        <button type="button" class="primary block" onClick={start} data-testid="start">
          {t('start_inspection')} · {tr(version.definition.title)}
        </button>
      ) : (
        <p class="error">{t('no_checklist')}</p>
      )}
    </section>
  );
}
