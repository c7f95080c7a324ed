// A plan's rules as a form: where (a grid, street, district or chosen estates), the schedule and
// its fields, window, grace, named inspectors and the dates. Used to create a plan and to change
// one from a date; the server's refusals land beside the field it names, in the language shown.

import { useState } from 'preact/hooks';
import type { components } from '../../api-types';
import type { Sent } from '../../tickets';
import { tr } from '../../i18n';
import { at, Field, FormError, send, type Submission, useForm, useResource, useSubmit } from './kit';
import { explained, type Grid, type User, usePlaces } from './people-data';
import { PLAN_MESSAGES, pt, weekdayName } from './plans-text';

type Schemas = components['schemas'];
export type Version = Sent<Schemas['PlanVersion']>;
export type Plan = Omit<Sent<Schemas['Plan']>, 'versions'> & { versions: Version[] };
export type Checklist = Pick<Sent<Schemas['Checklist']>, 'id' | 'code' | 'title_zh' | 'title_en'>;
type Estate = Pick<Sent<Schemas['Estate']>, 'id' | 'code' | 'name'>;

export const AREA_KINDS = ['grid', 'street', 'district', 'estates'] as const;
const SCHEDULES = ['every_n_working_days', 'weekly', 'monthly'] as const;

/** Today in Beijing (the server's calendar), as YYYY-MM-DD; `plus` days later. */
export function beijingDay(plus = 0): string {
  return new Date(Date.now() + 8 * 3600_000 + plus * 86400_000).toISOString().slice(0, 10);
}

export function checklistName(list: Checklist[] | null, id: number): string {
  const found = list?.find((c) => c.id === id);
  return found ? tr({ zh: found.title_zh, en: found.title_en ?? undefined }) || found.code : `#${id}`;
}

/** Grids, streets and districts by id, for the pickers and for "where" in words. */
export function usePlanPlaces() {
  const places = usePlaces();
  const grids = useResource<Grid[]>('/api/grids?page_size=500');
  const gridName = (id: number | null) => {
    const grid = grids.data?.find((g) => g.id === id);
    return grid ? `${grid.name}(${grid.code})` : '';
  };
  return { ...places, grids: grids.data ?? [], gridName };
}

interface Values extends Record<string, string | boolean> {
  name: string;
  checklist_id: string;
  area_kind: string;
  area_id: string;
  schedule: string;
  every_n: string;
  window_days: string;
  grace_days: string;
  effective_from: string;
  effective_to: string;
}

function valuesOf(version: Version | undefined, from: string): Values {
  return {
    name: '',
    checklist_id: '',
    area_kind: version?.area_kind ?? 'grid',
    area_id: version?.area_id ? String(version.area_id) : '',
    schedule: version?.schedule ?? 'weekly',
    every_n: version?.every_n ? String(version.every_n) : '5',
    window_days: version ? String(version.window_days) : '1',
    grace_days: version ? String(version.grace_days) : '0',
    effective_from: from,
    effective_to: '',
  };
}

/** '' → left out (the server says what is missing); otherwise the number typed. */
function num(value: string | boolean): number | undefined {
  return value === '' || typeof value === 'boolean' ? undefined : Number(value);
}

function rulesBody(v: Values, weekdays: number[], estates: number[], people: number[]) {
  return {
    effective_from: v.effective_from,
    effective_to: v.effective_to || null,
    area_kind: v.area_kind,
    area_id: v.area_kind === 'estates' ? null : (num(v.area_id) ?? null),
    estate_ids: v.area_kind === 'estates' ? estates : null,
    schedule: v.schedule,
    every_n: v.schedule === 'every_n_working_days' ? num(v.every_n) : null,
    weekdays: v.schedule === 'weekly' ? weekdays : null,
    window_days: num(v.window_days),
    grace_days: num(v.grace_days) ?? 0,
    assignee_ids: people.length ? people : null,
  };
}

function toggle(list: number[], id: number): number[] {
  return list.includes(id) ? list.filter((x) => x !== id) : [...list, id].sort((a, b) => a - b);
}

interface Props {
  /** Changing a plan: its current rules prefill the form, and name and checklist stay. */
  plan?: Plan;
  onSaved: (plan: Plan, from: string) => void;
  onCancel?: () => void;
}

export function PlanForm({ plan, onSaved, onCancel }: Props) {
  const current = plan?.versions[plan.versions.length - 1];
  const { values, setValues, bind } = useForm<Values>(valuesOf(current, plan ? beijingDay(1) : beijingDay()));
  const [weekdays, setWeekdays] = useState<number[]>(current?.weekdays ?? [0, 3]);
  const [estates, setEstates] = useState<number[]>(current?.estate_ids ?? []);
  const [people, setPeople] = useState<number[]>(current?.assignee_ids ?? []);
  const form = explained(useSubmit(), PLAN_MESSAGES);
  const checklists = useResource<Checklist[]>(plan ? null : '/api/checklists');
  const places = usePlanPlaces();

  async function submit(e: Event) {
    e.preventDefault();
    const rules = rulesBody(values, weekdays, estates, people);
    const saved = await form.run(() =>
      plan
        ? send<Plan>('POST', `/api/plans/${plan.id}/versions`, rules)
        : send<Plan>('POST', '/api/plans', { ...rules, name: values.name.trim(), checklist_id: num(values.checklist_id) }),
    );
    if (saved) onSaved(saved, values.effective_from);
  }

  const kind = values.area_kind;
  return (
    <form class="admin-form" onSubmit={submit} data-testid={plan ? 'plan-change-form' : 'plan-form'} noValidate>
      <h4>{plan ? pt('change_title') : pt('create_title')}</h4>
      {plan && (
        <p class="admin-hint" data-testid="plan-change-note">
          {pt('change_note')}
        </p>
      )}
      <FormError form={form} />
      {!plan && (
        <>
          <Field label={pt('name')} name="name" form={form}>
            <input {...bind('name')} maxLength={200} data-testid="plan-name" />
          </Field>
          <Field label={pt('checklist')} name="checklist_id" form={form}>
            <select {...bind('checklist_id')} data-testid="plan-checklist">
              <option value="">{pt('pick')}</option>
              {(checklists.data ?? []).map((c) => (
                <option key={c.id} value={c.id}>
                  {checklistName(checklists.data, c.id)}
                </option>
              ))}
            </select>
          </Field>
        </>
      )}
      <Field label={pt('area_kind')} name="area_kind" form={form}>
        <select {...bind('area_kind')} data-testid="plan-area-kind">
          {AREA_KINDS.map((k) => (
            <option key={k} value={k}>
              {pt(`kind_${k}`)}
            </option>
          ))}
        </select>
      </Field>
      {kind === 'estates' ? (
        <EstatePicker form={form} chosen={estates} onToggle={(id) => setEstates((now) => toggle(now, id))} />
      ) : (
        <Field label={pt(`area_${kind}` as 'area_grid')} name="area_id" form={form}>
          <select {...bind('area_id')} data-testid="plan-area">
            <option value="">{pt('pick')}</option>
            {kind === 'grid' &&
              places.grids.map((g) => (
                <option key={g.id} value={g.id}>
                  {places.gridName(g.id)}
                </option>
              ))}
            {kind === 'street' &&
              places.streets.map((s) => (
                <option key={s.id} value={s.id}>
                  {s.name}
                </option>
              ))}
            {kind === 'district' &&
              places.districts.map((d) => (
                <option key={d.id} value={d.id}>
                  {d.name}
                </option>
              ))}
          </select>
        </Field>
      )}
      <div class="admin-pair">
        <Field label={pt('schedule')} name="schedule" form={form}>
          <select {...bind('schedule')} data-testid="plan-schedule">
            {SCHEDULES.map((s) => (
              <option key={s} value={s}>
                {pt(`kind_${s}`)}
              </option>
            ))}
          </select>
        </Field>
        {values.schedule === 'every_n_working_days' && (
          <Field label={pt('every_n_label')} name="every_n" form={form}>
            <input type="number" inputMode="numeric" min={1} max={250} {...bind('every_n')} data-testid="plan-every-n" />
          </Field>
        )}
      </div>
      {values.schedule === 'weekly' && (
        <fieldset class={`admin-field plan-weekdays ${form.fields.weekdays ? 'invalid' : ''}`} data-field="weekdays">
          <legend>{pt('weekdays')}</legend>
          <div class="plan-chips">
            {[0, 1, 2, 3, 4, 5, 6].map((d) => (
              <label key={d} class="admin-check plan-chip">
                <input type="checkbox" checked={weekdays.includes(d)} onChange={() => setWeekdays((now) => toggle(now, d))} data-testid={`plan-weekday-${d}`} />
                <span>{weekdayName(d)}</span>
              </label>
            ))}
          </div>
          {form.fields.weekdays ? (
            <small class="admin-field-error" role="alert" data-testid="error-weekdays">
              {form.fields.weekdays}
            </small>
          ) : (
            <small class="admin-hint">{pt('weekday_hint')}</small>
          )}
        </fieldset>
      )}
      <div class="admin-pair">
        <Field label={pt('window_days')} name="window_days" form={form} hint={pt('window_hint')}>
          <input type="number" inputMode="numeric" min={1} max={250} {...bind('window_days')} data-testid="plan-window" />
        </Field>
        <Field label={pt('grace_days')} name="grace_days" form={form} hint={pt('grace_hint')}>
          <input type="number" inputMode="numeric" min={0} max={30} {...bind('grace_days')} data-testid="plan-grace" />
        </Field>
      </div>
      <InspectorPicker form={form} chosen={people} onToggle={(id) => setPeople((now) => toggle(now, id))} onClear={() => setPeople([])} />
      <div class="admin-pair">
        <Field label={pt('effective_from')} name="effective_from" form={form}>
          <input type="date" {...bind('effective_from')} min={plan ? beijingDay(1) : beijingDay()} data-testid="plan-from" />
        </Field>
        <Field label={pt('effective_to')} name="effective_to" form={form}>
          <input type="date" {...bind('effective_to')} data-testid="plan-to" />
        </Field>
      </div>
      <div class="admin-actions">
        <button type="submit" class="primary" disabled={form.busy} data-testid="plan-save">
          {form.busy ? at('saving') : plan ? pt('save_change') : pt('save_plan')}
        </button>
        {onCancel && (
          <button type="button" class="secondary" onClick={onCancel}>
            {at('cancel')}
          </button>
        )}
      </div>
    </form>
  );
}

function EstatePicker({ form, chosen, onToggle }: { form: Submission; chosen: number[]; onToggle: (id: number) => void }) {
  const [q, setQ] = useState('');
  const list = useResource<Estate[]>('/api/estates?with_geometry=false&page_size=500');
  const needle = q.trim().toLowerCase();
  const shown = (list.data ?? [])
    .filter((e) => chosen.includes(e.id) || !needle || e.name.toLowerCase().includes(needle) || e.code.toLowerCase().includes(needle))
    .slice(0, 60);
  return (
    <div class={`admin-field ${form.fields.estate_ids ? 'invalid' : ''}`} data-field="estate_ids" role="group" aria-label={pt('estates')}>
      <span>{pt('estates')}</span>
      <input type="search" value={q} placeholder={pt('estates_find')} aria-label={pt('estates_find')} onInput={(e) => setQ(e.currentTarget.value)} data-testid="plan-estate-search" />
      <div class="plan-picklist">
        {shown.map((e) => (
          <label key={e.id} class="admin-check">
            <input type="checkbox" checked={chosen.includes(e.id)} onChange={() => onToggle(e.id)} data-testid={`plan-estate-${e.code}`} />
            <span>
              {e.name} <small class="admin-hint">{e.code}</small>
            </span>
          </label>
        ))}
      </div>
      {form.fields.estate_ids ? (
        <small class="admin-field-error" role="alert" data-testid="error-estate_ids">
          {form.fields.estate_ids}
        </small>
      ) : (
        <small class="admin-hint">{pt('estates_chosen', { n: chosen.length })}</small>
      )}
    </div>
  );
}

interface PickerProps {
  form: Submission;
  chosen: number[];
  onToggle: (id: number) => void;
  onClear: () => void;
}

function InspectorPicker({ form, chosen, onToggle, onClear }: PickerProps) {
  const [open, setOpen] = useState(chosen.length > 0);
  const list = useResource<User[]>(open ? '/api/users?role=inspector&active=true&page_size=500' : null);
  const show = (checked: boolean) => {
    setOpen(checked);
    if (!checked) onClear();
  };
  return (
    <div class={`admin-field ${form.fields.assignee_ids ? 'invalid' : ''}`} data-field="assignee_ids">
      <label class="admin-check">
        <input type="checkbox" checked={open} onChange={(e) => show(e.currentTarget.checked)} data-testid="plan-name-inspectors" />
        <span>{pt('assignees')}</span>
      </label>
      {open && (
        <div class="plan-picklist">
          {(list.data ?? []).map((u) => (
            <label key={u.id} class="admin-check">
              <input type="checkbox" checked={chosen.includes(u.id)} onChange={() => onToggle(u.id)} data-testid={`plan-inspector-${u.username}`} />
              <span>
                {u.display_name || u.username} <small class="admin-hint">{u.username}</small>
              </span>
            </label>
          ))}
        </div>
      )}
      {form.fields.assignee_ids ? (
        <small class="admin-field-error" role="alert" data-testid="error-assignee_ids">
          {form.fields.assignee_ids}
        </small>
      ) : (
        <small class="admin-hint">{pt('assignees_hint')}</small>
      )}
    </div>
  );
}
