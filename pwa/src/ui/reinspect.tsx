// The inspector's re-inspections: tickets in their grids that the unit reports rectified and that
// wait for a check on site. Downloaded with each ticket and its photo thumbnails into IndexedDB,
// so the list, the tickets and verify/reject (queued) all work without signal.

import { useEffect, useState } from 'preact/hooks';
import { ApiError } from '../api';
import { app } from '../app-state';
import { formatTime, t } from '../i18n';
import { describe } from '../problem';
import { useStore } from '../store';
import { cachedReinspections, refreshReinspections, type TicketSummary } from '../tickets';
import { TicketRow, useEstates } from './firm';
import { useTick } from './ticket-parts';

export function ReinspectScreen() {
  const { session, online } = useStore(app);
  const userId = session!.user.id;
  const estates = useEstates(userId);
  const now = useTick();
  const [items, setItems] = useState<TicketSummary[] | null>(null);
  const [fetchedAt, setFetchedAt] = useState<string | null>(null);
  const [loading, setLoading] = useState(false);
  const [error, setError] = useState<string | null>(null);

  const load = async () => {
    const cached = await cachedReinspections(userId);
    if (cached) {
      setItems(cached.data);
      setFetchedAt(cached.fetchedAt);
    }
    if (!navigator.onLine) return;
    setLoading(true);
    setError(null);
    try {
      setItems(await refreshReinspections(userId));
      setFetchedAt(new Date().toISOString());
    } catch (e) {
      if (!(e instanceof ApiError && e.status === 401)) setError(describe(e));
    } finally {
      setLoading(false);
    }
  };

  useEffect(() => void load(), [userId, online]);

  return (
    <section class="page" data-testid="reinspect">
      <div class="row between">
        <h2>{t('reinspect_title')}</h2>
        <button type="button" class="small" onClick={() => void load()} disabled={loading || !online}>
          {t('refresh')}
        </button>
      </div>
      <p class="muted small">
        {t('reinspect_hint')}
        {fetchedAt && ` ${t('data_as_of', { t: formatTime(fetchedAt) })}`}
      </p>
      {error && (
        <p class="error" data-testid="reinspect-error">
          {error}
        </p>
      )}
      {items === null && (
        <p class="muted">{loading ? t('loading') : error ? t('not_downloaded') : t('reinspect_offline_empty')}</p>
      )}
      {items?.length === 0 && <p class="muted">{t('reinspect_none')}</p>}
      <ul class="list tickets" data-testid="reinspect-list">
        {items?.map((ticket) => <TicketRow key={ticket.id} ticket={ticket} estates={estates} now={now} />)}
      </ul>
    </section>
  );
}
