// Registering and editing an organisation. Its kind decides which seat it names (a street office
// its street, an owners' committee its estate …); the server completes and checks the seat and
// refuses deactivation while the party still holds work (organisation_in_use).

import { useState } from 'preact/hooks';
import { navigate } from '../../router';
import { at, ConfirmButton, ErrorLine, Field, FormError, send, type Submission, useForm, useResource, useSubmit } from './kit';
import { kindName, ot } from './orgs-text';
import { explained, type Explainer, idOf, idText, type Org, ORG_KINDS, type OrgKind, usePlaces, UTILITY_KINDS } from './people-data';

interface OrgValues extends Record<string, string | boolean> {
  name: string;
  kind: string;
  state_owned: boolean;
  charitable: boolean;
  utility_kind: string;
  credit_code: string;
  phone: string;
  district_id: string;
  street_id: string;
  community_id: string;
  estate_id: string;
}

const MESSAGES: readonly Explainer[] = [
  [/^18 characters: digits and capitals$/, '须为 18 位数字或大写字母'],
  [/^digits, spaces and \+ - \( \)$/, '只能包含数字、空格和 + - ( )'],
  [/^a \w+ needs its \w+$/, '该类型的单位须指定此项'],
  [/^a utility needs one of: .*$/, '请选择专营类别'],
  [/^only utilities have a utility kind$/, '只有专营单位有专营类别'],
  [/^only property firms hold charitable custody$/, '只有物业服务企业可承担公益性托管'],
  [/^in use$/, '已有合同、托管、工单或用户,不能更改类型'],
];

function orgValues(org?: Org): OrgValues {
  return {
    name: org?.name ?? '',
    kind: org?.kind ?? 'property_firm',
    state_owned: org?.state_owned ?? false,
    charitable: org?.charitable ?? false,
    utility_kind: org?.utility_kind ?? '',
    credit_code: org?.credit_code ?? '',
    phone: org?.phone ?? '',
    district_id: idText(org?.district_id),
    street_id: idText(org?.street_id),
    community_id: idText(org?.community_id),
    estate_id: idText(org?.estate_id),
  };
}

function orgBody(v: OrgValues): Record<string, unknown> {
  const kind = v.kind as OrgKind;
  const seated = kind !== 'city_authority';
  const community = v.community_id.trim();
  return {
    name: v.name.trim(),
    kind,
    state_owned: v.state_owned,
    charitable: kind === 'property_firm' && v.charitable,
    utility_kind: kind === 'utility' ? v.utility_kind || null : null,
    credit_code: v.credit_code.trim() || null,
    phone: v.phone.trim() || null,
    district_id: seated ? idOf(v.district_id) : null,
    street_id: seated && kind !== 'district_authority' ? idOf(v.street_id) : null,
    community_id: kind === 'community_committee' && community ? Number(community) : null,
    estate_id: kind === 'owners_committee' ? idOf(v.estate_id) : null,
  };
}

type OrgForm = Pick<ReturnType<typeof useForm<OrgValues>>, 'values' | 'bind' | 'check' | 'setValues'>;

function OrgFields({ form, f }: { form: Submission; f: OrgForm }) {
  const places = usePlaces();
  const kind = f.values.kind as OrgKind;
  const streets = places.streets.filter((s) => !f.values.district_id || String(s.district_id) === f.values.district_id);
  const estates = useResource<{ id: number; name: string; code: string }[]>(
    kind === 'owners_committee' && f.values.street_id
      ? `/api/estates?street_id=${f.values.street_id}&with_geometry=false&page_size=100`
      : null,
  );
  // A coarser choice clears the finer ones that may no longer lie inside it.
  const pickDistrict = (e: Event) => {
    const value = (e.currentTarget as HTMLSelectElement).value;
    f.setValues((v) => ({ ...v, district_id: value, street_id: '', estate_id: '' }));
  };
  const pickStreet = (e: Event) => {
    const value = (e.currentTarget as HTMLSelectElement).value;
    f.setValues((v) => ({ ...v, street_id: value, estate_id: '' }));
  };
  return (
    <>
      <Field label={ot('name')} name="name" form={form}>
        <input {...f.bind('name')} maxLength={200} autoComplete="off" />
      </Field>
      <Field label={ot('kind')} name="kind" form={form}>
        <select {...f.bind('kind')} data-testid="org-kind">
          {ORG_KINDS.map((k) => (
            <option key={k} value={k}>
              {kindName(k)}
            </option>
          ))}
        </select>
      </Field>
      {kind === 'utility' && (
        <Field label={ot('utility_kind')} name="utility_kind" form={form}>
          <select {...f.bind('utility_kind')} data-testid="org-utility-kind">
            <option value="">{ot('choose')}</option>
            {UTILITY_KINDS.map((u) => (
              <option key={u} value={u}>
                {ot(`utility_${u}`)}
              </option>
            ))}
          </select>
        </Field>
      )}
      <CheckField label={ot('state_owned')} name="state_owned" form={form} f={f} />
      {kind === 'property_firm' && <CheckField label={ot('charitable')} name="charitable" form={form} f={f} hint={ot('charitable_hint')} />}
      <Field label={ot('credit_code')} name="credit_code" form={form} hint={ot('credit_code_hint')}>
        <input {...f.bind('credit_code')} maxLength={18} autoComplete="off" autoCapitalize="characters" spellcheck={false} />
      </Field>
      <Field label={ot('phone')} name="phone" form={form}>
        <input {...f.bind('phone')} type="tel" maxLength={40} autoComplete="off" />
      </Field>
      {kind === 'city_authority' ? (
        <p class="admin-hint">{ot('seat_hint_city')}</p>
      ) : (
        <Field label={ot('district')} name="district_id" form={form}>
          <select name="district_id" value={f.values.district_id} onInput={pickDistrict} data-testid="org-district">
            <option value="">{ot('none')}</option>
            {places.districts.map((d) => (
              <option key={d.id} value={String(d.id)}>
                {d.name}
              </option>
            ))}
          </select>
        </Field>
      )}
      {kind !== 'city_authority' && kind !== 'district_authority' && (
        <Field label={ot('street')} name="street_id" form={form}>
          <select name="street_id" value={f.values.street_id} onInput={pickStreet} data-testid="org-street">
            <option value="">{ot('none')}</option>
            {streets.map((s) => (
              <option key={s.id} value={String(s.id)}>
                {s.name}
              </option>
            ))}
          </select>
        </Field>
      )}
      {kind === 'community_committee' && (
        <Field label={ot('community')} name="community_id" form={form} hint={ot('community_hint')}>
          <input {...f.bind('community_id')} inputMode="numeric" autoComplete="off" />
        </Field>
      )}
      {kind === 'owners_committee' && (
        <Field label={ot('estate')} name="estate_id" form={form} hint={ot('estate_hint')}>
          <select {...f.bind('estate_id')} data-testid="org-estate" disabled={!f.values.street_id}>
            <option value="">{ot('choose')}</option>
            {(estates.data ?? []).map((e) => (
              <option key={e.id} value={String(e.id)}>
                {e.name} ({e.code})
              </option>
            ))}
          </select>
        </Field>
      )}
    </>
  );
}

/** A yes/no of the organisation: the box and its words are one target; the server's message
 *  for it goes underneath, as with any field. */
function CheckField({ label, name, form, f, hint }: { label: string; name: 'state_owned' | 'charitable'; form: Submission; f: OrgForm; hint?: string }) {
  const message = form.fields[name];
  return (
    <div class={`admin-field ${message ? 'invalid' : ''}`} data-field={name}>
      <label class="admin-check">
        <input type="checkbox" {...f.check(name)} data-testid={`org-${name.replace('_', '-')}`} />
        <span>{label}</span>
      </label>
      {hint && !message && <small class="admin-hint">{hint}</small>}
      {message && (
        <small class="admin-field-error" role="alert" data-testid={`error-${name}`}>
          {message}
        </small>
      )}
    </div>
  );
}

export function OrgCreate() {
  const form = explained(useSubmit(), MESSAGES);
  const f = useForm<OrgValues>(orgValues());
  async function submit(event: Event) {
    event.preventDefault();
    const created = await form.run(() => send<Org>('POST', '/api/organisations', orgBody(f.values)));
    if (created) navigate(`/admin/organisations/${created.id}?created=1`);
  }
  return (
    <div data-testid="admin-org-create">
      <a class="link" href="/admin/organisations">
        {ot('back_to_list')}
      </a>
      <h3>{ot('new_org')}</h3>
      <form class="admin-form" onSubmit={submit} data-testid="org-form" noValidate>
        <FormError form={form} />
        <OrgFields form={form} f={f} />
        <div class="admin-actions">
          <button type="submit" class="primary" disabled={form.busy} data-testid="org-save">
            {form.busy ? at('saving') : at('create')}
          </button>
          <a class="button secondary" href="/admin/organisations">
            {at('cancel')}
          </a>
        </div>
      </form>
    </div>
  );
}

export function OrgEdit({ id }: { id: number }) {
  const org = useResource<Org>(`/api/organisations/${id}`);
  if (org.error) return <ErrorLine text={org.error} />;
  if (!org.data) return <p class="admin-hint">{at('loading')}</p>;
  return <OrgEditor key={String(org.data.id)} org={org.data} reload={org.reload} />;
}

const BLOCKERS = ['contracts', 'custody', 'tickets', 'users', 'street_id'] as const;

function OrgEditor({ org, reload }: { org: Org; reload: () => void }) {
  const form = explained(useSubmit(), MESSAGES);
  const status = explained(useSubmit(), MESSAGES);
  const f = useForm<OrgValues>(orgValues(org));
  const [saved, setSaved] = useState(false);
  const created = new URLSearchParams(location.search).has('created');
  async function submit(event: Event) {
    event.preventDefault();
    setSaved(false);
    const done = await form.run(() => send<Org>('PATCH', `/api/organisations/${org.id}`, orgBody(f.values)));
    if (done) setSaved(true);
  }
  async function setActive(active: boolean) {
    const done = await status.run(() => send<Org>('PATCH', `/api/organisations/${org.id}`, { is_active: active }));
    if (done) reload();
  }
  const blockers = BLOCKERS.filter((name) => status.fields[name]);
  return (
    <div data-testid="admin-org-edit">
      <a class="link" href="/admin/organisations">
        {ot('back_to_list')}
      </a>
      <h3>{ot('edit_heading', { n: org.name })}</h3>
      {created && (
        <p class="people-done" role="status" data-testid="org-created">
          {ot('created', { n: org.name })}
        </p>
      )}
      <form class="admin-form" onSubmit={submit} data-testid="org-form" noValidate>
        <FormError form={form} />
        <OrgFields form={form} f={f} />
        <div class="admin-actions">
          <button type="submit" class="primary" disabled={form.busy} data-testid="org-save">
            {form.busy ? at('saving') : at('save')}
          </button>
          {saved && (
            <span class="people-done" role="status" data-testid="org-saved">
              {at('saved')}
            </span>
          )}
        </div>
      </form>
      <section class="people-panel" data-testid="org-status">
        <h4>
          {ot('status')}: {org.is_active ? at('active') : at('inactive')}
        </h4>
        {blockers.length > 0 ? (
          <div class="admin-error" role="alert" data-testid="org-in-use">
            <p>{ot('in_use_heading')}</p>
            <ul>
              {blockers.map((name) => (
                <li key={name}>
                  {ot(`blocker_${name}`)}
                  {name !== 'street_id' && `: ${status.fields[name].replace(/\D+/g, '')}`}
                </li>
              ))}
            </ul>
          </div>
        ) : (
          <ErrorLine text={status.error} />
        )}
        {org.is_active ? (
          <ConfirmButton label={at('deactivate')} question={ot('deactivate_question')} onConfirm={() => setActive(false)} testid="org-deactivate" />
        ) : (
          <button type="button" class="secondary" onClick={() => setActive(true)} data-testid="org-activate">
            {at('activate')}
          </button>
        )}
      </section>
    </div>
  );
}

