// 巡查计划: admins and district (or city) supervisors list their plans with the schedule in words,
// create one, change one from a date (earlier tasks keep their rules), end one, and read a
// plan's tasks for a period with their states. /admin/plans, /admin/plans/new, /admin/plans/<id>.

import { useState } from 'preact/hooks';
import { navigate } from '../../router';
import { at, ErrorLine, Field, FormError, send, useResource, useSubmit } from './kit';
import { explained } from './people-data';
import { beijingDay, type Checklist, checklistName, type Plan, PlanForm, usePlanPlaces, type Version } from './plan-form';
import { PlanTasks } from './plan-tasks';
import { PLAN_MESSAGES, pt, scheduleWords } from './plans-text';
import type { SectionProps } from './sections';
import './rules.css';
import './plans.css';

export default function PlansSection({ item }: SectionProps) {
  return (
    <div class="admin-rules admin-plans" data-testid="admin-plans">
      <h3>{pt('heading')}</h3>
      {item === 'new' ? <PlanCreate /> : item && /^\d+$/.test(item) ? <PlanDetail id={Number(item)} /> : <PlanList />}
    </div>
  );
}

/** The version in force today, or the next one, or the last. */
function currentVersion(plan: Plan): Version {
  const today = beijingDay();
  const covering = plan.versions.find((v) => v.effective_from <= today && (!v.effective_to || v.effective_to >= today));
  return covering ?? plan.versions.find((v) => v.effective_from > today) ?? plan.versions[plan.versions.length - 1];
}

function useWhere() {
  const places = usePlanPlaces();
  return (v: Version): string => {
    if (v.area_kind === 'grid') return pt('where_grid', { name: places.gridName(v.area_id) });
    if (v.area_kind === 'street') return pt('where_street', { name: places.streetName(v.area_id) });
    if (v.area_kind === 'district') return pt('where_district', { name: places.districtName(v.area_id) });
    return pt('where_estates', { n: v.estate_ids?.length ?? 0 });
  };
}

function period(v: Version): string {
  return v.effective_to ? pt('from_to', { a: v.effective_from, b: v.effective_to }) : pt('from_on', { d: v.effective_from });
}

function grace(v: Version): string {
  return v.grace_days ? pt('days', { n: v.grace_days }) : pt('no_grace');
}

/** A plan's rules in words: checklist, where, schedule, window and grace. */
function Rules({ v, where, checklist }: { v: Version; where: string; checklist?: string }) {
  return (
    <dl class="plan-facts">
      {checklist !== undefined && (
        <div>
          <dt>{pt('col_checklist')}</dt>
          <dd>{checklist}</dd>
        </div>
      )}
      <div>
        <dt>{pt('col_where')}</dt>
        <dd>{where}</dd>
      </div>
      <div>
        <dt>{pt('col_schedule')}</dt>
        <dd data-testid="plan-schedule-words">{scheduleWords(v)}</dd>
      </div>
      <div>
        <dt>{pt('col_window')}</dt>
        <dd>{pt('days', { n: v.window_days })}</dd>
      </div>
      <div>
        <dt>{pt('col_grace')}</dt>
        <dd>{grace(v)}</dd>
      </div>
    </dl>
  );
}

function ended(plan: Plan): boolean {
  const last = plan.versions[plan.versions.length - 1];
  return Boolean(last.effective_to && last.effective_to < beijingDay());
}

function PlanList() {
  const plans = useResource<Plan[]>('/api/plans');
  const checklists = useResource<Checklist[]>('/api/checklists');
  const where = useWhere();
  return (
    <>
      <p class="admin-hint">{pt('intro')}</p>
      <div class="admin-toolbar">
        <a class="button primary" href="/admin/plans/new" data-testid="plan-new">
          {pt('new_plan')}
        </a>
      </div>
      <ErrorLine text={plans.error} />
      {plans.loading && <p class="admin-hint">{at('loading')}</p>}
      {plans.data && plans.data.length === 0 && <p class="admin-hint">{at('none_yet')}</p>}
      {plans.data && plans.data.length > 0 && (
        <ul class="plan-cards" data-testid="plan-table" aria-label={pt('heading')}>
          {plans.data.map((plan) => {
            const v = currentVersion(plan);
            return (
              <li key={plan.id} class={ended(plan) ? 'inactive' : ''} data-testid={`plan-row-${plan.id}`}>
                <div class="plan-card-head">
                  <a href={`/admin/plans/${plan.id}`}>{plan.name}</a>
                  <span class="plan-when">{ended(plan) ? `${pt('ended')} · ${period(v)}` : period(v)}</span>
                </div>
                <Rules v={v} where={where(v)} checklist={checklistName(checklists.data, plan.checklist_id)} />
              </li>
            );
          })}
        </ul>
      )}
    </>
  );
}

function PlanCreate() {
  return (
    <section>
      <a class="admin-back" href="/admin/plans">
        ← {pt('back')}
      </a>
      <PlanForm onSaved={(plan) => navigate(`/admin/plans/${plan.id}?saved=1`)} onCancel={() => navigate('/admin/plans')} />
    </section>
  );
}

type Mode = 'view' | 'change' | 'end';

function PlanDetail({ id }: { id: number }) {
  const plan = useResource<Plan>(`/api/plans/${id}`);
  const checklists = useResource<Checklist[]>('/api/checklists');
  const where = useWhere();
  const [mode, setMode] = useState<Mode>('view');
  const [notice, setNotice] = useState<string | null>(new URLSearchParams(location.search).has('saved') ? pt('plan_saved') : null);
  const [round, setRound] = useState(0);
  const done = (text: string) => {
    setNotice(text);
    setMode('view');
    setRound((n) => n + 1);
    plan.reload();
  };
  const p = plan.data;
  return (
    <section>
      <a class="admin-back" href="/admin/plans">
        ← {pt('back')}
      </a>
      <ErrorLine text={plan.error} />
      {plan.loading && <p class="admin-hint">{at('loading')}</p>}
      {p && (
        <>
          <h4 data-testid="plan-title">
            {p.name} <small class="admin-hint">{checklistName(checklists.data, p.checklist_id)}</small>
          </h4>
          {notice && (
            <p class="admin-ok" role="status" data-testid="plans-notice">
              {notice}
            </p>
          )}
          <h4>{pt('versions')}</h4>
          <ul class="plan-cards" data-testid="plan-versions" aria-label={pt('versions')}>
            {p.versions.map((v) => (
              <li key={v.id} class={v === currentVersion(p) ? 'current' : ''}>
                <div class="plan-card-head">
                  <strong>{period(v)}</strong>
                </div>
                <Rules v={v} where={where(v)} />
              </li>
            ))}
          </ul>
          {mode === 'view' && (
            <div class="admin-actions">
              <button type="button" class="primary" onClick={() => setMode('change')} data-testid="plan-change">
                {pt('change')}
              </button>
              <button type="button" class="secondary" onClick={() => setMode('end')} data-testid="plan-end">
                {pt('end')}
              </button>
            </div>
          )}
          {mode === 'change' && (
            <PlanForm
              key={`change-${round}`}
              plan={p}
              onSaved={(_, from) => done(pt('change_saved', { d: from }))}
              onCancel={() => setMode('view')}
            />
          )}
          {mode === 'end' && <EndForm plan={p} onEnded={(d) => done(pt('end_saved', { d }))} onCancel={() => setMode('view')} />}
          <PlanTasks key={`tasks-${round}`} planId={p.id} />
        </>
      )}
    </section>
  );
}

/** Ending a plan: no task opens after the last day chosen (today at the earliest, not before
 *  the last rules began); the tasks that opened by then keep their rules and states. */
function EndForm({ plan, onEnded, onCancel }: { plan: Plan; onEnded: (day: string) => void; onCancel: () => void }) {
  const v = plan.versions[plan.versions.length - 1];
  const earliest = [beijingDay(), v.effective_from].sort()[1];
  const [last, setLast] = useState(earliest);
  const form = explained(useSubmit(), PLAN_MESSAGES);
  async function submit(e: Event) {
    e.preventDefault();
    const saved = await form.run(() => send<Plan>('POST', `/api/plans/${plan.id}/end`, { last_day: last }));
    if (saved) onEnded(last);
  }
  return (
    <form class="admin-form" onSubmit={submit} data-testid="plan-end-form" noValidate>
      <h4>{pt('end')}</h4>
      <p class="admin-hint">{pt('end_note')}</p>
      <FormError form={form} />
      <Field label={pt('end_on')} name="last_day" form={form}>
        <input type="date" value={last} min={earliest} onInput={(e) => setLast(e.currentTarget.value)} data-testid="plan-end-day" />
      </Field>
      <div class="admin-actions">
        <button type="submit" class="danger" disabled={form.busy} data-testid="plan-end-confirm">
          {form.busy ? at('saving') : pt('end_confirm')}
        </button>
        <button type="button" class="secondary" onClick={onCancel}>
          {at('cancel')}
        </button>
      </div>
    </form>
  );
}
