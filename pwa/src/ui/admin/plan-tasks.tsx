// A plan's tasks over a period (default this month) with their states in the words of 今日任务:
// 稍后开始, 待巡查, 已逾期 (window closed, grace running), 已错过, 已完成, 逾期完成.

import { useState } from 'preact/hooks';
import type { components } from '../../api-types';
import { t } from '../../i18n';
import type { Sent } from '../../tickets';
import { at, ErrorLine, useResource } from './kit';
import { beijingDay } from './plan-form';
import { pt } from './plans-text';

type Schemas = components['schemas'];
type Task = Omit<Sent<Schemas['PlanTask']>, 'assignees'> & { assignees: Sent<Schemas['Assignee']>[] };

const PAGE = 500;

type Shown = 'later' | 'due' | 'overdue' | 'missed' | 'done' | 'done_late';
const WORDS: Record<Shown, Parameters<typeof t>[0]> = {
  later: 'task_later',
  due: 'task_due',
  overdue: 'task_overdue',
  missed: 'task_missed',
  done: 'task_done',
  done_late: 'task_done_late',
};
const TAG: Record<Shown, string> = { later: '', due: 'warn', overdue: 'bad', missed: 'bad', done: 'ok', done_late: 'ok' };

/** The server's state; a due task whose window has closed is shown as overdue (its grace runs). */
function shown(task: Task): Shown {
  if (task.state === 'upcoming') return 'later';
  if (task.state === 'due') return Date.now() >= Date.parse(task.closes_at) ? 'overdue' : 'due';
  return task.state;
}

function monthBounds(): [string, string] {
  const today = beijingDay();
  const [y, m] = today.split('-').map(Number);
  const last = new Date(Date.UTC(y, m, 0)).getUTCDate();
  return [`${today.slice(0, 7)}-01`, `${today.slice(0, 7)}-${String(last).padStart(2, '0')}`];
}

function short(day: string): string {
  return day.slice(5).replace('-', '/');
}

export function PlanTasks({ planId }: { planId: number }) {
  const [first, last] = monthBounds();
  const [from, setFrom] = useState(first);
  const [to, setTo] = useState(last);
  const [asked, setAsked] = useState(`from=${first}&to=${last}`);
  const tasks = useResource<Task[]>(`/api/plans/${planId}/tasks?${asked}&page_size=${PAGE}`);
  const span = from && to ? (Date.parse(to) - Date.parse(from)) / 86400_000 : 0;
  const bad = span < 0 ? pt('to_before_from') : span >= 366 ? pt('period_long') : null;
  return (
    <section data-testid="plan-tasks">
      <h4>{pt('tasks')}</h4>
      <form
        class="admin-inline-form"
        onSubmit={(e) => {
          e.preventDefault();
          if (!bad) setAsked(new URLSearchParams({ ...(from ? { from } : {}), ...(to ? { to } : {}) }).toString());
        }}
      >
        <label class="admin-field">
          <span>{pt('period_from')}</span>
          <input type="date" value={from} onInput={(e) => setFrom(e.currentTarget.value)} data-testid="tasks-from" />
        </label>
        <label class={`admin-field ${bad ? 'invalid' : ''}`} data-field="to">
          <span>{pt('period_to')}</span>
          <input type="date" value={to} onInput={(e) => setTo(e.currentTarget.value)} data-testid="tasks-to" />
          {bad && (
            <small class="admin-field-error" role="alert" data-testid="error-tasks-to">
              {bad}
            </small>
          )}
        </label>
        <button type="submit" class="secondary" data-testid="tasks-show">
          {pt('show')}
        </button>
      </form>
      <ErrorLine text={tasks.error} />
      {tasks.loading && <p class="admin-hint">{at('loading')}</p>}
      {tasks.data && tasks.data.length === 0 && <p class="admin-hint">{pt('tasks_none')}</p>}
      {tasks.data && tasks.data.length > 0 && (
        <>
          <p class="admin-hint" data-testid="tasks-count">
            {pt('tasks_count', { n: tasks.data.length })}
          </p>
          <ul class="plan-cards" data-testid="plan-task-table" aria-label={pt('tasks')}>
            {tasks.data.map((task) => {
              const state = shown(task);
              return (
                <li key={task.id} data-testid={`plan-task-${task.first_day}-${task.estate_code}`} data-state={task.state}>
                  <div class="plan-card-head">
                    <span>
                      {task.estate_name} <small class="admin-hint">{task.estate_code}</small>
                    </span>
                    <span class={`tag ${TAG[state]}`} data-testid="task-state">
                      {t(WORDS[state])}
                    </span>
                  </div>
                  <dl class="plan-facts">
                    <div>
                      <dt>{pt('col_task_window')}</dt>
                      <dd>{task.first_day === task.last_day ? short(task.first_day) : `${short(task.first_day)}–${short(task.last_day)}`}</dd>
                    </div>
                    <div>
                      <dt>{pt('col_task_grace')}</dt>
                      <dd>{task.grace_last_day ? short(task.grace_last_day) : pt('no_grace')}</dd>
                    </div>
                    <div>
                      <dt>{pt('col_assignees')}</dt>
                      <dd>{task.assignees.map((a) => a.display_name || a.username).join('、') || pt('nobody')}</dd>
                    </div>
                    {task.inspection_id && (
                      <div>
                        <dt>{pt('col_inspection')}</dt>
                        <dd>
                          <code title={task.inspection_id}>{task.inspection_id.slice(0, 8)}</code>
                        </dd>
                      </div>
                    )}
                  </dl>
                </li>
              );
            })}
          </ul>
          {tasks.data.length >= PAGE && <p class="admin-hint">{pt('tasks_more', { n: PAGE })}</p>}
        </>
      )}
    </section>
  );
}
