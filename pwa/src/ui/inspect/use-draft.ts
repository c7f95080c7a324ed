// The inspection draft as a hook: loaded from IndexedDB, every change written back at once (notes
// after a short pause in typing), so closing the app or losing power loses nothing. Submitting
// freezes the PUT body into the record and hands it to the outbox.

import { useEffect, useRef, useState } from 'preact/hooks';
import { app, kickQueue, registerBackgroundSync } from '../../app-state';
import { requestBody, type ChecklistVersion } from '../../checklist';
import { checklistVersion } from '../../data';
import { deleteDraft, getInspection, putInspection, type LocalInspection } from '../../db';
import { gps } from '../../gps';
import { capturesOf } from '../../outbox/photos';
import { isoNow } from '../../photos';
import { useStore } from '../../store';
import { inspectorData, loadInspectorData } from '../estates';

export type Change = (fn: (r: LocalInspection) => void, lazy?: boolean) => void;

export interface Draft {
  /** undefined while loading, null when there is no such inspection of this user */
  record: LocalInspection | null | undefined;
  version: ChecklistVersion | null;
  change: Change;
  /** Write a pending note now (before leaving the item). */
  flushNote: () => void;
  submit: () => Promise<void>;
  discard: () => Promise<void>;
  /** When the draft last reached IndexedDB, or the failure that kept it from there. */
  saved: { at: string | null; failed: boolean };
}

export function useDraft(id: string): Draft {
  const session = useStore(app).session!;
  const [record, setRecord] = useState<LocalInspection | null | undefined>(undefined);
  const [version, setVersion] = useState<ChecklistVersion | null>(null);
  const current = useRef<LocalInspection | null>(null);
  const saving = useRef<Promise<void>>(Promise.resolve());
  const noteTimer = useRef<ReturnType<typeof setTimeout> | null>(null);
  const [saved, setSaved] = useState<{ at: string | null; failed: boolean }>({ at: null, failed: false });

  useEffect(() => {
    void (async () => {
      const found = await getInspection(id);
      if (!found || found.userId !== session.user.id) return setRecord(null);
      current.current = found;
      setRecord(found);
      setVersion((await checklistVersion(found.checklistVersionId)) ?? null);
      if (!inspectorData.get().estates) void loadInspectorData(session.user.id, false);
    })();
  }, [id]);

  const persist = () => {
    const snapshot = current.current;
    if (!snapshot || snapshot.state !== 'draft') return;
    const copy = structuredClone(snapshot);
    saving.current = saving.current
      .then(() => putInspection(copy))
      .then(
        () => setSaved({ at: new Date().toISOString(), failed: false }),
        (e) => {
          console.error('save failed', e);
          setSaved((old) => ({ ...old, failed: true }));
        },
      );
  };
  const flushNote = () => {
    if (noteTimer.current) {
      clearTimeout(noteTimer.current);
      noteTimer.current = null;
      persist();
    }
  };
  useEffect(() => {
    const onHide = () => flushNote();
    document.addEventListener('visibilitychange', onHide);
    window.addEventListener('pagehide', onHide);
    return () => {
      flushNote();
      document.removeEventListener('visibilitychange', onHide);
      window.removeEventListener('pagehide', onHide);
    };
  }, []);

  const change: Change = (fn, lazy = false) => {
    const base = current.current;
    if (!base || base.state !== 'draft') return;
    const next = structuredClone(base);
    fn(next);
    next.updatedAt = new Date().toISOString();
    current.current = next;
    setRecord(next);
    if (noteTimer.current) clearTimeout(noteTimer.current);
    noteTimer.current = null;
    if (lazy) {
      noteTimer.current = setTimeout(() => {
        noteTimer.current = null;
        persist();
      }, 400);
    } else persist();
  };

  // Keep the best position fix seen during the inspection as the inspection's position.
  const { position } = useStore(gps);
  useEffect(() => {
    if (!position || !record || record.state !== 'draft') return;
    const old = record.position;
    if (!old || (position.accuracy_m ?? 9999) < (old.accuracy_m ?? 9999)) change((r) => (r.position = position));
  }, [position?.lat, position?.lng, position?.accuracy_m, record?.id]);

  const submit = async () => {
    flushNote();
    await saving.current;
    const finished = structuredClone(current.current!);
    const hashes = [...new Set(Object.values(finished.results).flatMap((r) => r.photos))];
    finished.finishedAt = isoNow();
    finished.payload = requestBody(version!, finished, await capturesOf(hashes));
    finished.state = 'waiting';
    finished.submittedAt = new Date().toISOString();
    finished.nextAttemptAt = 0;
    finished.photosTotal = hashes.length;
    current.current = finished;
    await putInspection(finished);
    void registerBackgroundSync();
    void kickQueue(true);
  };

  const discard = async () => {
    if (!record) return;
    await deleteDraft(record.id);
    current.current = null;
  };

  return { record, version, change, flushNote, submit, discard, saved };
}
