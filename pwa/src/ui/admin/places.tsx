// Districts, streets and communities (区/街道/社区): list, create, edit, deactivate. One screen
// serves the three levels: they differ only in their fields, their parent and their calls.

import { useState } from 'preact/hooks';
import { texts } from '../../i18n';
import { navigate } from '../../router';
import { at, ConfirmButton, ErrorLine, Field, FormError, send, Table, useForm, useResource, useSubmit } from './kit';
import type { SectionProps } from './sections';
import './places.css';

export const pt = texts({
  districts: ['区', 'Districts'],
  streets: ['街道', 'Streets'],
  communities: ['社区', 'Communities'],
  code: ['编码', 'Code'],
  name: ['名称', 'Name'],
  status: ['状态', 'Status'],
  district: ['所属区', 'District'],
  street: ['所属街道', 'Street'],
  choose: ['请选择', 'Choose'],
  new_district: ['新建区', 'New district'],
  new_street: ['新建街道', 'New street'],
  new_community: ['新建社区', 'New community'],
  code_hint: ['行政区划代码等,字母、数字、_ . -', 'An administrative code: letters, digits, _ . -'],
  deactivate_q: ['确定停用?仍有下属或在用内容时将被拒绝。', 'Deactivate? Refused while something still depends on it.'],
  deactivated: ['已停用', 'Deactivated'],
  activated: ['已启用', 'Activated'],
  back_to_list: ['返回列表', 'Back to the list'],
  not_found: ['找不到该记录。', 'Not found.'],
});

export interface Place {
  id: number;
  code?: string;
  name: string;
  is_active: boolean;
  district_id?: number;
  street_id?: number;
}

type Level = 'districts' | 'streets' | 'communities';

const LEVEL: Record<Level, { path: string; parent: 'district_id' | 'street_id' | null; parents: string | null; coded: boolean; create: 'new_district' | 'new_street' | 'new_community' }> = {
  districts: { path: '/api/districts', parent: null, parents: null, coded: true, create: 'new_district' },
  streets: { path: '/api/streets', parent: 'district_id', parents: '/api/districts?active=true', coded: true, create: 'new_street' },
  communities: { path: '/api/communities', parent: 'street_id', parents: '/api/streets?active=true', coded: false, create: 'new_community' },
};

function Status({ active }: { active: boolean }) {
  return <span>{active ? at('active') : at('inactive')}</span>;
}

function PlaceList({ level }: { level: Level }) {
  const spec = LEVEL[level];
  const list = useResource<Place[]>(spec.path);
  const parents = useResource<Place[]>(spec.parents ?? '/api/districts');
  const parentName = new Map((parents.data ?? []).map((p) => [p.id, p.name]));
  const [creating, setCreating] = useState(false);
  return (
    <div data-testid={`admin-${level}`}>
      <h3>{pt(level)}</h3>
      <div class="admin-toolbar">
        <button type="button" data-testid={`${level}-new`} onClick={() => setCreating((c) => !c)}>
          {creating ? at('cancel') : pt(spec.create)}
        </button>
      </div>
      {creating && (
        <PlaceForm
          level={level}
          parents={parents.data ?? []}
          onDone={() => {
            setCreating(false);
            list.reload();
          }}
        />
      )}
      <ErrorLine text={list.error} />
      {list.loading ? (
        <p class="admin-hint">{at('loading')}</p>
      ) : (
        <Table
          testid={`${level}-table`}
          head={[...(spec.coded ? [pt('code')] : []), pt('name'), ...(spec.parent ? [pt(spec.parent === 'district_id' ? 'district' : 'street')] : []), pt('status')]}
        >
          {(list.data ?? []).map((row) => (
            <tr key={row.id} class={row.is_active ? '' : 'inactive'}>
              {spec.coded && <td>{row.code}</td>}
              <td>
                <a href={`/admin/${level}/${row.id}`}>{row.name}</a>
              </td>
              {spec.parent && <td>{parentName.get(row[spec.parent] ?? -1) ?? ''}</td>}
              <td>
                <Status active={row.is_active} />
              </td>
            </tr>
          ))}
        </Table>
      )}
      {list.data?.length === 0 && <p class="admin-hint">{at('none_yet')}</p>}
    </div>
  );
}

function PlaceForm({ level, parents, place, onDone }: { level: Level; parents: Place[]; place?: Place; onDone: (p: Place) => void }) {
  const spec = LEVEL[level];
  const form = useSubmit();
  const { values, bind } = useForm({ code: place?.code ?? '', name: place?.name ?? '', parent: '' });
  const save = async (e: Event) => {
    e.preventDefault();
    const body: Record<string, unknown> = { name: values.name };
    if (spec.coded) body.code = values.code;
    if (!place && spec.parent) body[spec.parent] = values.parent ? Number(values.parent) : null;
    const saved = await form.run(() => send<Place>(place ? 'PATCH' : 'POST', place ? `${spec.path}/${place.id}` : spec.path, body));
    if (saved) onDone(saved);
  };
  return (
    <form class="admin-form" data-testid={`${level}-form`} onSubmit={save} noValidate>
      <FormError form={form} />
      {spec.coded && (
        <Field label={pt('code')} name="code" form={form} hint={pt('code_hint')}>
          <input {...bind('code')} autocomplete="off" />
        </Field>
      )}
      <Field label={pt('name')} name="name" form={form}>
        <input {...bind('name')} autocomplete="off" />
      </Field>
      {!place && spec.parent && (
        <Field label={pt(spec.parent === 'district_id' ? 'district' : 'street')} name={spec.parent} form={form}>
          <select {...bind('parent')}>
            <option value="">{pt('choose')}</option>
            {parents.map((p) => (
              <option key={p.id} value={String(p.id)}>
                {p.name}
              </option>
            ))}
          </select>
        </Field>
      )}
      <div class="admin-actions">
        <button type="submit" disabled={form.busy} data-testid={`${level}-save`}>
          {form.busy ? at('saving') : at('save')}
        </button>
      </div>
    </form>
  );
}

function PlaceItem({ level, id }: { level: Level; id: number }) {
  const spec = LEVEL[level];
  const list = useResource<Place[]>(spec.path);
  const place = list.data?.find((p) => p.id === id);
  const toggle = useSubmit();
  const [note, setNote] = useState<string | null>(null);
  if (list.loading) return <p class="admin-hint">{at('loading')}</p>;
  if (!place) return <p class="admin-hint">{pt('not_found')}</p>;
  const setActive = async (active: boolean) => {
    setNote(null);
    const done = await toggle.run(() => send<Place>('PATCH', `${spec.path}/${id}`, { is_active: active }));
    if (done) {
      setNote(pt(active ? 'activated' : 'deactivated'));
      list.reload();
    }
  };
  return (
    <div data-testid={`admin-${level}-item`}>
      <div class="admin-toolbar">
        <a href={`/admin/${level}`} class="admin-back">
          {pt('back_to_list')}
        </a>
      </div>
      <h3>
        {place.name} <small>{place.is_active ? at('active') : at('inactive')}</small>
      </h3>
      <PlaceForm key={`${place.id}-${place.name}-${place.code}`} level={level} parents={[]} place={place} onDone={() => list.reload()} />
      {toggle.error && (
        <p class="admin-error" role="alert" data-testid={toggle.fields.is_active ? 'error-is_active' : 'admin-form-error'}>
          {toggle.error}
        </p>
      )}
      {note && (
        <p class="admin-hint" role="status" data-testid={`${level}-status`}>
          {note}
        </p>
      )}
      <div class="admin-actions">
        {place.is_active ? (
          <ConfirmButton label={at('deactivate')} question={pt('deactivate_q')} testid={`${level}-deactivate`} onConfirm={() => void setActive(false)} />
        ) : (
          <button type="button" class="secondary" data-testid={`${level}-activate`} onClick={() => void setActive(true)}>
            {at('activate')}
          </button>
        )}
      </div>
    </div>
  );
}

function screen(level: Level) {
  return function PlaceSection({ item }: SectionProps) {
    const id = item ? Number(item) : NaN;
    if (item && !Number.isInteger(id)) {
      navigate(`/admin/${level}`, true);
      return null;
    }
    return item ? <PlaceItem level={level} id={id} /> : <PlaceList level={level} />;
  };
}

export const Districts = screen('districts');
export const Streets = screen('streets');
export const Communities = screen('communities');
