// Walking an estate through the checklist, item by item. The draft lives in IndexedDB (use-draft),
// the item's photos are taken through PhotoCapture; this screen only routes between the views.

import { useEffect, useMemo } from 'preact/hooks';
import { orderedItems } from '../../checklist';
import { useGpsWatch } from '../../gps';
import { lang, t } from '../../i18n';
import { navigate } from '../../router';
import { InspectHeader } from './header';
import { ItemView } from './item-view';
import { PassRest } from './pass-rest';
import { Overview, ReviewView } from './review';
import { useDraft } from './use-draft';

export type View = 'item' | 'overview' | 'review';

export function InspectScreen({ id, view }: { id: string; view: View }) {
  const { record, version, change, flushNote, submit, discard, saved } = useDraft(id);
  useEffect(() => useGpsWatch(), []);
  const items = useMemo(() => (version ? orderedItems(version) : []), [version]);

  if (record === undefined) return <p class="page muted">{t('loading')}</p>;
  if (record === null) {
    return (
      <section class="page">
        <p class="error">{t('inspection_missing')}</p>
        <a class="button" href="/sync">
          {t('sync_title')}
        </a>
      </section>
    );
  }
  if (!version) return <p class="page error">{t('no_checklist')}</p>;
  if (record.state !== 'draft') {
    return (
      <section class="page">
        <p>{t('submitted')}</p>
        <a class="button primary" href="/sync">
          {t('sync_title')}
        </a>
      </section>
    );
  }

  const cursor = Math.min(Math.max(0, record.cursor), items.length - 1);
  const goTo = (index: number, to: View = 'item') => {
    flushNote();
    change((r) => (r.cursor = Math.min(Math.max(0, index), items.length - 1)));
    navigate(to === 'item' ? `/inspect/${record.id}` : `/inspect/${record.id}/${to}`, true);
  };

  return (
    <section class="page inspect" data-testid="inspection">
      <InspectHeader record={record} version={version} items={items} goTo={goTo} />
      {view === 'item' && (
        <PassRest record={record} version={version} items={items} index={cursor} change={change} goTo={goTo} />
      )}
      {view === 'item' && (
        <ItemView
          key={items[cursor].code}
          record={record}
          item={items[cursor]}
          index={cursor}
          count={items.length}
          change={change}
          goTo={goTo}
        />
      )}
      <DraftSaved saved={saved} />
      {view === 'overview' && <Overview record={record} version={version} items={items} goTo={goTo} />}
      {view === 'review' && (
        <ReviewView
          record={record}
          version={version}
          items={items}
          goTo={goTo}
          submit={async () => {
            await submit();
            navigate('/sync');
          }}
          discard={async () => {
            if (!confirm(t('discard_confirm'))) return;
            await discard();
            navigate('/');
          }}
        />
      )}
    </section>
  );
}

/** The worker sees that the phone keeps every answer (or that it could not, and what to do). */
function DraftSaved({ saved }: { saved: { at: string | null; failed: boolean } }) {
  if (saved.failed) {
    return (
      <p class="error small" role="alert" data-testid="draft-save-failed">
        {t('draft_save_failed')}
      </p>
    );
  }
  if (!saved.at) return null;
  const time = new Date(saved.at).toLocaleTimeString(lang() === 'zh' ? 'zh-CN' : 'en-GB');
  return (
    <p class="muted small draft-saved" aria-live="polite" data-testid="draft-saved">
      ✓ {t('draft_saved')} · {time}
    </p>
  );
}
