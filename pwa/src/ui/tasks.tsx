// 今日任务: the inspector's tasks of the day, overdue first, then due, each group by distance.
// Kept in IndexedDB with the estates, so the list works offline; ticks come from the server.

import { useEffect, useMemo, useState } from 'preact/hooks';
import { app } from '../app-state';
import { on } from '../bus';
import { refreshTasks, type Estate, type Task } from '../data';
import { allInspections, type LocalInspection } from '../db';
import type { LngLat } from '../geo';
import { formatTime, lang, t } from '../i18n';
import { navigate } from '../router';
import { useStore } from '../store';
import { formatDistance, inspectorData, rank, startInspection, useDrafts } from './estates';

type Shown = 'overdue' | 'missed' | 'due' | 'later' | 'done' | 'done_late';

/** The state now, from the task's window: the cached list ages while the phone is offline.
 * Same rule as the server's task_state. */
function stateNow(task: Task, now: number): Shown {
  if (task.state === 'done' || task.state === 'done_late') return task.state;
  if (now < Date.parse(task.opens_at)) return 'later';
  if (now < Date.parse(task.closes_at)) return 'due';
  return now < Date.parse(task.grace_until) ? 'overdue' : 'missed';
}

const GROUP: Record<Shown, number> = { overdue: 0, missed: 0, due: 1, later: 2, done: 3, done_late: 3 };
const TAG: Record<Shown, string> = {
  overdue: 'bad',
  missed: 'bad',
  due: 'warn',
  later: '',
  done: 'ok',
  done_late: 'ok',
};

interface Row {
  task: Task;
  estate: Estate;
  shown: Shown;
  distance: number | null;
  inside: boolean;
}

export function order(tasks: Task[], estates: Estate[], here: LngLat | null, now: number): Row[] {
  const byId = new Map(estates.map((e) => [e.id, e]));
  const mine = [...new Set(tasks.map((task) => task.estate_id))].flatMap((id) => byId.get(id) ?? []);
  const ranked = new Map(rank(mine, here).map((r) => [r.estate.id, r]));
  const rows = tasks.flatMap((task) => {
    const estate = byId.get(task.estate_id);
    if (!estate) return [];
    const where = ranked.get(estate.id);
    const shown = stateNow(task, now);
    return [{ task, estate, shown, distance: where?.distance ?? null, inside: where?.inside ?? false }];
  });
  return rows.sort(
    (a, b) =>
      GROUP[a.shown] - GROUP[b.shown] ||
      (a.distance ?? Infinity) - (b.distance ?? Infinity) ||
      a.estate.name.localeCompare(b.estate.name, 'zh-CN') ||
      a.task.id - b.task.id,
  );
}

/** A day of the working calendar, which is Shanghai's wherever the phone's clock is set. */
function formatDay(at: number): string {
  return new Date(at).toLocaleDateString(lang() === 'zh' ? 'zh-CN' : 'en-GB', {
    timeZone: 'Asia/Shanghai',
    month: 'numeric',
    day: 'numeric',
    weekday: 'short',
  });
}

/** The window's (or, overdue, the grace's) last minute: the stored ends are exclusive midnights. */
function lastMinute(row: Row): string {
  if (GROUP[row.shown] === 3 && row.task.fulfilled_at) return t('task_done_at', { t: formatTime(row.task.fulfilled_at) });
  const overdue = row.shown === 'overdue' || row.shown === 'missed';
  const end = Date.parse(overdue ? row.task.grace_until : row.task.closes_at) - 60_000;
  return t(overdue ? 'task_grace' : 'task_window', { t: formatDay(end) });
}

let pending: ReturnType<typeof setTimeout> | null = null;

/** Ask the server again (soon, once) — after the outbox sent something, or the signal returned. */
function refreshSoon(userId: number): void {
  if (pending) clearTimeout(pending);
  pending = setTimeout(() => {
    pending = null;
    if (!navigator.onLine) return;
    refreshTasks(userId).then(
      ({ tasks, fetchedAt }) => {
        if (inspectorData.get().userId === userId) inspectorData.set({ tasks, tasksAt: fetchedAt });
      },
      (error) => console.warn('tasks', error),
    );
  }, 800);
}

/** Inspections finished on this phone that the server has not confirmed yet. */
function useUnsent(userId: number): LocalInspection[] {
  const [unsent, setUnsent] = useState<LocalInspection[]>([]);
  useEffect(() => {
    const load = () =>
      void allInspections().then((all) =>
        setUnsent(all.filter((r) => r.userId === userId && r.state !== 'draft' && r.state !== 'done')),
      );
    load();
    return on('queue-changed', load);
  }, [userId]);
  return unsent;
}

export function TodayTasks({ here }: { here: LngLat | null }) {
  const session = useStore(app).session!;
  const data = useStore(inspectorData);
  const drafts = useDrafts(session.user.id);
  const userId = session.user.id;
  const unsent = useUnsent(userId);
  useEffect(() => {
    const off = on('queue-changed', () => refreshSoon(userId));
    const online = () => refreshSoon(userId);
    window.addEventListener('online', online);
    return () => {
      off();
      window.removeEventListener('online', online);
    };
  }, [userId]);
  const rows = useMemo(
    () => order(data.tasks ?? [], data.estates ?? [], here, Date.now()),
    [data.tasks, data.estates, here?.[0], here?.[1]],
  );
  const open = rows.filter((r) => GROUP[r.shown] < 3).length;

  const start = async (row: Row) => {
    const draft = drafts.find((d) => d.estateId === row.estate.id);
    if (draft) return navigate(`/inspect/${draft.id}`);
    const version = (data.checklists ?? []).find((c) => c.checklist_id === row.task.checklist_id);
    if (version) await startInspection(session.user, row.estate, version);
  };

  return (
    <section class="tasks" data-testid="tasks" aria-labelledby="tasks-title">
      <div class="row between">
        <h2 id="tasks-title">{t('todays_tasks')}</h2>
        <span class="muted">
          {data.tasks && open > 0 ? t('tasks_open', { n: open }) : ''}
          {data.tasksAt ? ` · ${t('data_as_of', { t: formatTime(data.tasksAt) })}` : ''}
        </span>
      </div>
      {data.tasks === null && !data.loading && <p class="muted">{t('tasks_not_downloaded')}</p>}
      {data.tasks?.length === 0 && <p class="muted">{t('tasks_none')}</p>}
      <ul class="list" data-testid="task-list">
        {rows.map((row) => {
          const done = GROUP[row.shown] === 3;
          const version = (data.checklists ?? []).find((c) => c.checklist_id === row.task.checklist_id);
          const draft = drafts.find((d) => d.estateId === row.estate.id);
          // Inspected here since the window opened, still on its way: no second start.
          const waiting =
            !done &&
            unsent.some(
              (r) =>
                r.estateId === row.estate.id &&
                Date.parse(r.startedAt) >= Date.parse(row.task.opens_at) &&
                Date.parse(r.startedAt) < Date.parse(row.task.grace_until),
            );
          return (
            <li key={row.task.id} data-testid="task" data-state={row.shown} data-task-id={row.task.id}>
              <div class={`estate task${done ? ' done' : ''}`}>
                <span class="name">
                  {done && <span aria-hidden="true">✓ </span>}
                  {row.estate.name}
                </span>
                <span class="meta">
                  <b class={`tag ${TAG[row.shown]}`}>{t(`task_${row.shown}` as 'task_due')}</b>
                  {!done && row.inside && <b class="tag ok">{t('you_are_here')}</b>}
                  {!done && !row.inside && row.distance !== null && (
                    <span class="dist">{formatDistance(row.distance)}</span>
                  )}
                </span>
                <span class="addr">
                  {lastMinute(row)}
                </span>
                {waiting && <b class="tag warn task-start">{t('task_unsent')}</b>}
                {!done &&
                  !waiting &&
                  (version || draft ? (
                    <button
                      type="button"
                      class="primary small task-start"
                      onClick={() => void start(row)}
                      data-testid="task-start"
                    >
                      {draft ? t('resume_inspection') : t('task_start')}
                    </button>
                  ) : (
                    <span class="addr warning">{t('task_no_checklist')}</span>
                  ))}
              </div>
            </li>
          );
        })}
      </ul>
    </section>
  );
}
