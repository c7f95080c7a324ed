// The supervisor's screens (issue map with ticket detail, scorecards, coverage) load on demand, so the
// inspector's first screen never pays for MapLibre or the dashboard. This file is all the shell
// bundles of them.

import type { ComponentType } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import { t } from '../../i18n';
import { describeLoadFailure } from '../../problem';

type View = 'map' | 'scorecards' | 'coverage' | 'owners' | 'watchlist' | 'kaoping';
const LOADERS: Record<View, () => Promise<{ default: ComponentType<{ ticketId?: number }> }>> = {
  map: () => import('./home'),
  scorecards: () => import('./dashboard'),
  coverage: () => import('./coverage'),
  owners: () => import('./owners'),
  watchlist: () => import('./watch'),
  kaoping: () => import('./kaoping'),
};
const loaded: Partial<Record<View, ComponentType<{ ticketId?: number }>>> = {};

export function Supervisor({ view, ticketId }: { view: View; ticketId?: number }) {
  const [, setReady] = useState(0);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    if (loaded[view]) return;
    LOADERS[view]().then(
      (module) => {
        loaded[view] = module.default;
        setReady((n) => n + 1);
      },
      (e) => {
        console.warn('load', e);
        setError(describeLoadFailure());
      },
    );
  }, [view]);
  const Screen = loaded[view];
  if (error) return <p class="boot error">{t('map_failed', { m: error })}</p>;
  if (!Screen) return <p class="boot">{t('loading')}</p>;
  return <Screen ticketId={ticketId} />;
}
