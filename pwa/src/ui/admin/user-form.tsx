// Creating and editing an account: role, unit, jurisdiction (supervisors) or grids (inspectors),
// deactivation and a password reset. The server checks that role and scope fit, and that a
// supervisor gives only what lies in their jurisdiction (the form offers nothing else); its
// refusals land beside the field it names.

import { useMemo, useState } from 'preact/hooks';
import { app } from '../../app-state';
import type { Role } from '../../db';
import { formatTime } from '../../i18n';
import { navigate } from '../../router';
import { useStore } from '../../store';
import { at, ConfirmButton, ErrorLine, Field, FormError, send, type Submission, useForm, useResource, useSubmit } from './kit';
import { explained, type Explainer, type Grid, idOf, idText, type Org, powersOf, refuse, roleName, type Street, UNIT_KINDS, type User, usePlaces } from './people-data';
import { ut } from './users-text';

interface ScopeValues extends Record<string, string | boolean> {
  display_name: string;
  role: string;
  organisation_id: string;
  level: string;
  district_id: string;
  street_id: string;
  place_street: string;
  estate_id: string;
  community_id: string;
}

const MESSAGES: readonly Explainer[] = [
  [/^a firm user needs a property firm or owners' committee organisation$/, '物业服务企业账号须选择物业服务企业或业主委员会'],
  [/^the organisation is deactivated$/, '该单位已停用'],
  [/^a supervisor has a district or a street, not both$/, '监管部门账号只能管辖一个区或一个街道'],
  [/^only supervisors have a district or street jurisdiction$/, '只有监管部门账号有管辖区域'],
  [/^only inspectors are assigned grids$/, '只有网格员负责网格'],
  [/^unknown grids: (.*)$/, '网格不存在:$1'],
  [/^3–64 letters, digits, _ \. -$/, '须为 3–64 个字母、数字或 _ . -'],
  [/^at least 8 characters$/, '至少 8 位'],
  [/^(.+) exists$/, '用户名 $1 已存在'],
  [/^you cannot deactivate your own account$/, '不能停用自己的账号'],
  [/^you cannot change your own role$/, '不能更改自己的角色'],
  [/^you may not give this role$/, '您不能授予此角色'],
  [/^choose at least one grid of your jurisdiction$/, '请至少选择一个您管辖范围内的网格'],
];

/** A new supervisor's level: a district supervisor gives streets only. */
function useDefaultLevel(): string {
  return useStore(app).session?.user.scope.level === 'district' ? 'street' : 'city';
}

function scopeValues(user?: User, level = 'city'): ScopeValues {
  return {
    display_name: user?.display_name ?? '',
    role: user?.role ?? 'inspector',
    organisation_id: idText(user?.organisation_id),
    level: user?.street_id ? 'street' : user?.district_id ? 'district' : user ? 'city' : level,
    district_id: idText(user?.district_id),
    street_id: idText(user?.street_id),
    place_street: '',
    estate_id: idText(user?.estate_id),
    community_id: idText(user?.community_id),
  };
}

/** The body's role and scope part; a supervisor's missing district or street is refused here
 *  (the server would read "none" as the whole city). */
function scopeBody(values: ScopeValues, grids: Set<number>): Record<string, unknown> {
  const role = values.role as Role;
  const supervisor = role === 'supervisor';
  if (supervisor && values.level === 'district' && !values.district_id) refuse(at('fix_fields'), 'district_id', ut('need_district'));
  if (supervisor && values.level === 'street' && !values.street_id) refuse(at('fix_fields'), 'street_id', ut('need_street'));
  if (role === 'committee' && !values.estate_id) refuse(at('fix_fields'), 'estate_id', ut('need_estate'));
  if (role === 'community' && !values.community_id) refuse(at('fix_fields'), 'community_id', ut('need_community'));
  return {
    display_name: values.display_name.trim(),
    role,
    organisation_id: role === 'admin' ? null : idOf(values.organisation_id),
    district_id: supervisor && values.level === 'district' ? idOf(values.district_id) : null,
    street_id: supervisor && values.level === 'street' ? idOf(values.street_id) : null,
    grid_ids: role === 'inspector' ? [...grids].sort((a, b) => a - b) : [],
    estate_id: role === 'committee' ? idOf(values.estate_id) : null,
    community_id: role === 'community' ? idOf(values.community_id) : null,
  };
}

function useGridChoice(initial: number[]) {
  const [chosen, setChosen] = useState(() => new Set(initial));
  const toggle = (id: number) =>
    setChosen((now) => {
      const next = new Set(now);
      if (next.has(id)) next.delete(id);
      else next.add(id);
      return next;
    });
  return { chosen, toggle };
}

function ScopeFields({
  form,
  f,
  grids,
}: {
  form: Submission;
  f: Pick<ReturnType<typeof useForm<ScopeValues>>, 'values' | 'bind'>;
  grids: ReturnType<typeof useGridChoice>;
}) {
  const places = usePlaces();
  const orgs = useResource<Org[]>('/api/organisations?page_size=500');
  const powers = powersOf(useStore(app).session?.user, places.streets);
  const role = f.values.role as Role;
  // A deactivated unit, or one outside the manager's jurisdiction, stays on offer only to the
  // account that already belongs to it.
  const units = (orgs.data ?? []).filter(
    (o) =>
      ((o.is_active && powers.unit(o)) || String(o.id) === f.values.organisation_id) && (role !== 'firm' || UNIT_KINDS.includes(o.kind)),
  );
  const roles = powers.roles.includes(role) ? powers.roles : [...powers.roles, role];
  const streets = places.streets.filter((s) => powers.street(s) || String(s.id) === f.values.street_id);
  return (
    <>
      <Field label={ut('display_name')} name="display_name" form={form}>
        <input {...f.bind('display_name')} maxLength={100} autoComplete="off" />
      </Field>
      <Field label={ut('role')} name="role" form={form}>
        <select {...f.bind('role')} data-testid="user-role">
          {roles.map((r) => (
            <option key={r} value={r}>
              {roleName(r)}
            </option>
          ))}
        </select>
      </Field>
      {role !== 'admin' && (
        <Field
          label={ut('organisation')}
          name="organisation_id"
          form={form}
          hint={role === 'firm' ? ut('organisation_firm_hint') : undefined}
        >
          <select {...f.bind('organisation_id')} data-testid="user-org">
            <option value="">{role === 'firm' ? ut('choose') : ut('no_organisation')}</option>
            {units.map((o) => (
              <option key={o.id} value={String(o.id)}>
                {o.name}
              </option>
            ))}
          </select>
        </Field>
      )}
      {role === 'supervisor' && (
        <>
          <Field label={ut('level')} name="level" form={form}>
            <select {...f.bind('level')} data-testid="user-level">
              {powers.levels.map((level) => (
                <option key={level} value={level}>
                  {ut(`level_${level}`)}
                </option>
              ))}
            </select>
          </Field>
          {f.values.level === 'district' && (
            <Field label={ut('district')} name="district_id" form={form}>
              <select {...f.bind('district_id')} data-testid="user-district">
                <option value="">{ut('choose')}</option>
                {places.districts.map((d) => (
                  <option key={d.id} value={String(d.id)}>
                    {d.name}
                  </option>
                ))}
              </select>
            </Field>
          )}
          {f.values.level === 'street' && (
            <Field label={ut('street')} name="street_id" form={form}>
              <select {...f.bind('street_id')} data-testid="user-street">
                <option value="">{ut('choose')}</option>
                {places.districts
                  .filter((d) => streets.some((s) => s.district_id === d.id))
                  .map((d) => (
                  <optgroup key={d.id} label={d.name}>
                    {streets
                      .filter((s) => s.district_id === d.id)
                      .map((s) => (
                        <option key={s.id} value={String(s.id)}>
                          {s.name}
                        </option>
                      ))}
                  </optgroup>
                ))}
              </select>
            </Field>
          )}
        </>
      )}
      {role === 'inspector' && <GridPicker form={form} grids={grids} streets={places.streets} />}
      {(role === 'committee' || role === 'community') && <AssessorPlace form={form} f={f} streets={streets} />}
    </>
  );
}

/** A committee member's estate or community staff's community, picked within a street. */
function AssessorPlace({
  form,
  f,
  streets,
}: {
  form: Submission;
  f: Pick<ReturnType<typeof useForm<ScopeValues>>, 'values' | 'bind'>;
  streets: Street[];
}) {
  const committee = f.values.role === 'committee';
  const street = f.values.place_street;
  const estates = useResource<{ id: number; name: string }[]>(
    committee && street ? `/api/estates?street_id=${street}&with_geometry=false&page_size=100` : null,
  );
  const communities = useResource<{ id: number; name: string }[]>(
    !committee && street ? `/api/communities?active=true&street_id=${street}` : null,
  );
  const name = committee ? 'estate_id' : 'community_id';
  const current = f.values[name];
  const list = (committee ? estates.data : communities.data) ?? [];
  return (
    <>
      <Field label={ut('assessor_street')} name="place_street" form={form}>
        <select {...f.bind('place_street')} data-testid="user-place-street">
          <option value="">{ut('choose')}</option>
          {streets.map((s) => (
            <option key={s.id} value={String(s.id)}>
              {s.name}
            </option>
          ))}
        </select>
      </Field>
      <Field label={committee ? ut('estate') : ut('community')} name={name} form={form}>
        <select {...f.bind(name)} data-testid={committee ? 'user-estate' : 'user-community'}>
          <option value="">{ut('choose')}</option>
          {current && !list.some((p) => String(p.id) === current) && (
            <option value={current}>{ut('current_place', { id: current })}</option>
          )}
          {list.map((p) => (
            <option key={p.id} value={String(p.id)}>
              {p.name}
            </option>
          ))}
        </select>
      </Field>
    </>
  );
}

function GridPicker({ form, grids, streets }: { form: Submission; grids: ReturnType<typeof useGridChoice>; streets: Street[] }) {
  const all = useResource<Grid[]>('/api/grids?page_size=500');
  const [filter, setFilter] = useState('');
  const byStreet = useMemo(() => {
    const wanted = filter.trim().toLowerCase();
    const shown = (all.data ?? []).filter(
      (g) => !wanted || g.code.toLowerCase().includes(wanted) || g.name.toLowerCase().includes(wanted) || grids.chosen.has(g.id),
    );
    return streets
      .map((street) => ({ street, grids: shown.filter((g) => g.street_id === street.id) }))
      .filter((group) => group.grids.length > 0);
  }, [all.data, streets, filter, grids.chosen]);
  const message = form.fields.grid_ids;
  return (
    <div class={`admin-field ${message ? 'invalid' : ''}`} data-field="grid_ids">
      <span id="grid-picker-label">{ut('grids')}</span>
      <input
        type="search"
        value={filter}
        placeholder={ut('grids_filter')}
        aria-label={ut('grids_filter')}
        onInput={(e) => setFilter(e.currentTarget.value)}
      />
      <small class="admin-hint" data-testid="grids-chosen">
        {ut('grids_chosen', { n: grids.chosen.size })}
      </small>
      <ErrorLine text={all.error} />
      <div class="people-grids" role="group" aria-labelledby="grid-picker-label" data-testid="grid-picker">
        {byStreet.map(({ street, grids: list }) => (
          <fieldset key={street.id}>
            <legend>{street.name}</legend>
            {list.map((g) => (
              <label key={g.id} class="admin-check">
                <input type="checkbox" checked={grids.chosen.has(g.id)} onChange={() => grids.toggle(g.id)} data-grid={g.code} />
                <span>
                  {g.name} ({g.code})
                </span>
              </label>
            ))}
          </fieldset>
        ))}
      </div>
      {message && (
        <small class="admin-field-error" role="alert" data-testid="error-grid_ids">
          {message}
        </small>
      )}
    </div>
  );
}

function randomPassword(): string {
  const letters = 'abcdefghjkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789';
  const bytes = crypto.getRandomValues(new Uint8Array(12));
  return Array.from(bytes, (b) => letters[b % letters.length]).join('');
}

export function UserCreate() {
  const form = explained(useSubmit(), MESSAGES);
  const f = useForm<ScopeValues & { username: string; password: string }>({ ...scopeValues(undefined, useDefaultLevel()), username: '', password: '' });
  const grids = useGridChoice([]);
  async function submit(event: Event) {
    event.preventDefault();
    const created = await form.run(() => {
      const body = { username: f.values.username.trim(), password: f.values.password, must_change_password: true, ...scopeBody(f.values, grids.chosen) };
      return send<User>('POST', '/api/users', body);
    });
    if (created) navigate(`/admin/users/${created.id}?created=1`);
  }
  return (
    <div data-testid="admin-user-create">
      <a class="link" href="/admin/users">
        {ut('back_to_list')}
      </a>
      <h3>{ut('new_user')}</h3>
      <form class="admin-form" onSubmit={submit} data-testid="user-form" noValidate>
        <FormError form={form} />
        <Field label={ut('username')} name="username" form={form} hint={ut('username_hint')}>
          <input {...f.bind('username')} maxLength={64} autoComplete="off" autoCapitalize="off" spellcheck={false} />
        </Field>
        <Field label={ut('initial_password')} name="password" form={form} hint={ut('initial_password_hint')}>
          <span class="people-row-actions">
            <input {...f.bind('password')} type="text" autoComplete="new-password" spellcheck={false} class="people-grow" />
            <button type="button" class="secondary" onClick={() => f.setValues((v) => ({ ...v, password: randomPassword() }))}>
              {ut('generate')}
            </button>
          </span>
        </Field>
        <ScopeFields form={form} f={f} grids={grids} />
        <div class="admin-actions">
          <button type="submit" class="primary" disabled={form.busy} data-testid="user-save">
            {form.busy ? at('saving') : at('create')}
          </button>
          <a class="button secondary" href="/admin/users">
            {at('cancel')}
          </a>
        </div>
      </form>
    </div>
  );
}

export function UserEdit({ id }: { id: number }) {
  const user = useResource<User>(`/api/users/${id}`);
  if (user.error) return <ErrorLine text={user.error} />;
  if (!user.data) return <p class="admin-hint">{at('loading')}</p>;
  return <UserEditor key={`${user.data.id}`} user={user.data} reload={user.reload} />;
}

function UserEditor({ user, reload }: { user: User; reload: () => void }) {
  const form = explained(useSubmit(), MESSAGES);
  const status = explained(useSubmit(), MESSAGES);
  const f = useForm<ScopeValues>(scopeValues(user));
  const grids = useGridChoice(user.grid_ids);
  const [saved, setSaved] = useState(false);
  const created = new URLSearchParams(location.search).has('created');
  async function submit(event: Event) {
    event.preventDefault();
    setSaved(false);
    const done = await form.run(() => send<User>('PATCH', `/api/users/${user.id}`, scopeBody(f.values, grids.chosen)));
    if (done) setSaved(true);
  }
  async function setActive(active: boolean) {
    const done = await status.run(() => send<User>('PATCH', `/api/users/${user.id}`, { is_active: active }));
    if (done) reload();
  }
  return (
    <div data-testid="admin-user-edit">
      <a class="link" href="/admin/users">
        {ut('back_to_list')}
      </a>
      <h3>{ut('edit_heading', { u: user.username })}</h3>
      {created && (
        <p class="people-done" role="status" data-testid="user-created">
          {ut('created', { u: user.username })}
        </p>
      )}
      <p class="admin-hint">
        {ut('last_login')}: {user.last_login_at ? formatTime(user.last_login_at) : ut('never')}
      </p>
      <form class="admin-form" onSubmit={submit} data-testid="user-form" noValidate>
        <FormError form={form} />
        <ScopeFields form={form} f={f} grids={grids} />
        <div class="admin-actions">
          <button type="submit" class="primary" disabled={form.busy} data-testid="user-save">
            {form.busy ? at('saving') : at('save')}
          </button>
          {saved && (
            <span class="people-done" role="status" data-testid="user-saved">
              {at('saved')}
            </span>
          )}
        </div>
      </form>
      <section class="people-panel" data-testid="user-status">
        <h4>
          {ut('status')}: {user.is_active ? at('active') : at('inactive')}
        </h4>
        <ErrorLine text={status.error} />
        {user.is_active ? (
          <ConfirmButton label={at('deactivate')} question={ut('deactivate_question')} onConfirm={() => setActive(false)} testid="user-deactivate" />
        ) : (
          <button type="button" class="secondary" onClick={() => setActive(true)} data-testid="user-activate">
            {at('activate')}
          </button>
        )}
      </section>
      <PasswordReset user={user} />
    </div>
  );
}

function PasswordReset({ user }: { user: User }) {
  const form = explained(useSubmit(), MESSAGES);
  const [password, setPassword] = useState('');
  const [done, setDone] = useState(false);
  async function submit(event: Event) {
    event.preventDefault();
    setDone(false);
    const answer = await form.run(() => send<User>('PATCH', `/api/users/${user.id}`, { password }));
    if (answer) {
      setDone(true);
      setPassword('');
    }
  }
  return (
    <form class="people-panel admin-form" onSubmit={submit} data-testid="user-reset" noValidate>
      <h4>{ut('reset_heading')}</h4>
      <FormError form={form} />
      <Field label={ut('new_password')} name="password" form={form} hint={ut('initial_password_hint')}>
        <span class="people-row-actions">
          <input
            name="password"
            type="text"
            value={password}
            onInput={(e) => setPassword(e.currentTarget.value)}
            autoComplete="new-password"
            spellcheck={false}
            class="people-grow"
          />
          <button type="button" class="secondary" onClick={() => setPassword(randomPassword())}>
            {ut('generate')}
          </button>
        </span>
      </Field>
      <div class="admin-actions">
        <button type="submit" class="secondary" disabled={form.busy || !password} data-testid="user-reset-save">
          {ut('reset')}
        </button>
      </div>
      {done && (
        <p class="people-done" role="status" data-testid="user-reset-done">
          {ut('reset_done')}
        </p>
      )}
    </form>
  );
}
