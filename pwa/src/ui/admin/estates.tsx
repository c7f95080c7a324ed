// Estates (小区): search the list, edit an estate's attributes, move it to another street, and
// redraw its outline by dragging vertices on the map. New estates come by import (estate-import).

import { useEffect, useState } from 'preact/hooks';
import type { MultiPolygon } from '../../geo';
import { texts } from '../../i18n';
import { at, ErrorLine, Field, FormError, send, Table, useForm, useResource, useSubmit } from './kit';
import { OutlineEditor, useBasemap } from './place-maps';
import { pt, type Place } from './places';
import type { SectionProps } from './sections';
import './places.css';

const et = texts({
  estates: ['小区', 'Estates'],
  search_hint: ['按名称或地址搜索', 'Search by name or address'],
  import: ['导入 GeoJSON', 'Import GeoJSON'],
  address: ['地址', 'Address'],
  grade: ['物业等级', 'Grade'],
  households: ['户数', 'Households'],
  built_year: ['建成年份', 'Year built'],
  community: ['所属社区', 'Community'],
  none: ['无', 'None'],
  attributes: ['基本信息', 'Details'],
  move_hint: ['改选街道即将小区移至该街道;社区需重新选择。', 'Choosing another street moves the estate there; pick its community again.'],
  moved: [
    '已移至新街道。未结工单仍由原责任单位处理,监管与升级随小区转到新街道;原街道办仍持有 {n} 件未结工单,如需请改派。',
    'Moved. Open tickets stay with the unit they were routed to; supervision and escalation follow the estate to its new street. The old street office still holds {n} open tickets: reroute them if needed.',
  ],
  outline: ['小区范围', 'Outline'],
  outline_hint: ['拖动圆点移动顶点,然后保存范围。', 'Drag the dots to move vertices, then save the outline.'],
  save_outline: ['保存范围', 'Save outline'],
  reset_outline: ['撤销改动', 'Undo changes'],
  outline_saved: ['范围已保存', 'Outline saved'],
  first_only: ['仅显示前 {m} 个,请搜索缩小范围。', 'Only the first {m} are shown: search to narrow.'],
});

const GRADES = ['一级', '二级', '三星级', '四星级', '五星级'];
const PAGE = 50;

interface Estate {
  id: number;
  code: string;
  name: string;
  address: string;
  street_id: number;
  community_id: number | null;
  grid_id: number | null;
  grade: string | null;
  households: number | null;
  built_year: number | null;
  geometry: MultiPolygon | null;
  old_office_open_tickets?: number;
}

function EstateList() {
  const [q, setQ] = useState('');
  const [asked, setAsked] = useState('');
  const list = useResource<Estate[]>(`/api/estates?with_geometry=false&page_size=${PAGE}${asked ? `&q=${encodeURIComponent(asked)}` : ''}`);
  const streets = useResource<Place[]>('/api/streets');
  const streetName = new Map((streets.data ?? []).map((s) => [s.id, s.name]));
  return (
    <div data-testid="admin-estates">
      <h3>{et('estates')}</h3>
      <form
        class="admin-toolbar"
        role="search"
        onSubmit={(e) => {
          e.preventDefault();
          setAsked(q.trim());
        }}
      >
        <input type="search" aria-label={et('search_hint')} placeholder={et('search_hint')} value={q} data-testid="estates-q" onInput={(e) => setQ((e.currentTarget as HTMLInputElement).value)} />
        <button type="submit" data-testid="estates-search">
          {at('search')}
        </button>
        <a href="/admin/estate-import" class="admin-back" data-testid="estates-import">
          {et('import')}
        </a>
      </form>
      <ErrorLine text={list.error} />
      {list.loading ? (
        <p class="admin-hint">{at('loading')}</p>
      ) : (
        <Table testid="estates-table" head={[pt('code'), pt('name'), et('address'), pt('street')]}>
          {(list.data ?? []).map((e) => (
            <tr key={e.id}>
              <td>{e.code}</td>
              <td>
                <a href={`/admin/estates/${e.id}`}>{e.name}</a>
              </td>
              <td>{e.address}</td>
              <td>{streetName.get(e.street_id) ?? ''}</td>
            </tr>
          ))}
        </Table>
      )}
      {list.data?.length === 0 && <p class="admin-hint">{at('none_yet')}</p>}
      {list.data?.length === PAGE && <p class="admin-hint">{et('first_only', { m: PAGE })}</p>}
    </div>
  );
}

type Values = { code: string; name: string; address: string; grade: string; households: string; built_year: string; street_id: string; community_id: string };

function valuesOf(e: Estate): Values {
  const text = (n: number | null) => (n === null ? '' : String(n));
  return { code: e.code, name: e.name, address: e.address, grade: e.grade ?? '', households: text(e.households), built_year: text(e.built_year), street_id: String(e.street_id), community_id: text(e.community_id) };
}

function number(text: string): number | null | string {
  if (!text.trim()) return null;
  const n = Number(text);
  return Number.isInteger(n) ? n : text; // the server names what is not a whole number
}

function Attributes({ estate, crs, onSaved }: { estate: Estate; crs: string; onSaved: (e: Estate) => void }) {
  const form = useSubmit();
  const { values, bind, setValues } = useForm<Values>(valuesOf(estate));
  const streets = useResource<Place[]>('/api/streets?active=true');
  const communities = useResource<Place[]>(values.street_id ? `/api/communities?active=true&street_id=${values.street_id}` : null);
  const [moved, setMoved] = useState<number | null>(null);
  // A saved estate refills the form during render, not in an effect: an effect runs after the
  // first paint and would wipe what was typed in between.
  const [filledFrom, setFilledFrom] = useState(estate);
  if (filledFrom !== estate) {
    setFilledFrom(estate);
    setValues(valuesOf(estate));
  }
  const save = async (e: Event) => {
    e.preventDefault();
    setMoved(null);
    const body: Record<string, unknown> = {
      code: values.code,
      name: values.name,
      address: values.address,
      grade: values.grade || null,
      households: number(values.households),
      built_year: number(values.built_year),
      community_id: values.community_id ? Number(values.community_id) : null,
    };
    const street = Number(values.street_id);
    if (street !== estate.street_id) body.street_id = street;
    const saved = await form.run(() => send<Estate>('PATCH', `/api/estates/${estate.id}`, { ...body, crs }));
    if (!saved) return;
    if (street !== estate.street_id) setMoved(saved.old_office_open_tickets ?? 0);
    onSaved(saved);
  };
  return (
    <form class="admin-form" data-testid="estate-form" onSubmit={save} noValidate>
      <h4>{et('attributes')}</h4>
      <FormError form={form} />
      {moved !== null && (
        <p class="admin-hint" role="status" data-testid="estate-moved">
          {et('moved', { n: moved })}
        </p>
      )}
      <Field label={pt('code')} name="code" form={form}>
        <input {...bind('code')} autocomplete="off" />
      </Field>
      <Field label={pt('name')} name="name" form={form}>
        <input {...bind('name')} autocomplete="off" />
      </Field>
      <Field label={et('address')} name="address" form={form}>
        <input {...bind('address')} autocomplete="off" />
      </Field>
      <Field label={et('grade')} name="grade" form={form}>
        <select {...bind('grade')}>
          <option value="">{et('none')}</option>
          {GRADES.map((g) => (
            <option key={g} value={g}>
              {g}
            </option>
          ))}
        </select>
      </Field>
      <Field label={et('households')} name="households" form={form}>
        <input {...bind('households')} inputMode="numeric" autocomplete="off" />
      </Field>
      <Field label={et('built_year')} name="built_year" form={form}>
        <input {...bind('built_year')} inputMode="numeric" autocomplete="off" />
      </Field>
      <Field label={pt('street')} name="street_id" form={form} hint={et('move_hint')}>
        <select {...bind('street_id')} onInput={(e) => setValues((v) => ({ ...v, street_id: (e.currentTarget as HTMLSelectElement).value, community_id: '' }))}>
          {(streets.data ?? []).map((s) => (
            <option key={s.id} value={String(s.id)}>
              {s.name}
            </option>
          ))}
        </select>
      </Field>
      <Field label={et('community')} name="community_id" form={form}>
        <select {...bind('community_id')}>
          <option value="">{et('none')}</option>
          {(communities.data ?? []).map((c) => (
            <option key={c.id} value={String(c.id)}>
              {c.name}
            </option>
          ))}
        </select>
      </Field>
      <div class="admin-actions">
        <button type="submit" disabled={form.busy} data-testid="estate-save">
          {form.busy ? at('saving') : at('save')}
        </button>
      </div>
    </form>
  );
}

function EstateItem({ id }: { id: number }) {
  const base = useBasemap();
  // Geometry comes and goes in the base map's coordinates, so the editor draws it as it is.
  const crs = base?.gcj02 ? 'gcj02' : 'wgs84';
  const estate = useResource<Estate>(base ? `/api/estates/${id}?crs=${crs}` : null);
  const [shown, setShown] = useState<Estate | null>(null);
  const [outline, setOutline] = useState<MultiPolygon | null>(null);
  const [version, setVersion] = useState(0);
  const [saved, setSaved] = useState(false);
  const outlineForm = useSubmit();
  useEffect(() => {
    if (estate.data) {
      setShown(estate.data);
      setOutline(estate.data.geometry);
    }
  }, [estate.data]);
  if (estate.error) return <ErrorLine text={estate.error} />;
  if (!shown || !base) return <p class="admin-hint">{at('loading')}</p>;
  const saveOutline = async () => {
    setSaved(false);
    const done = await outlineForm.run(() => send<Estate>('PATCH', `/api/estates/${id}`, { crs, geometry: outline }));
    if (done) {
      setShown(done);
      setOutline(done.geometry);
      setVersion((v) => v + 1);
      setSaved(true);
    }
  };
  return (
    <div data-testid="admin-estates-item">
      <div class="admin-toolbar">
        <a href="/admin/estates" class="admin-back">
          {pt('back_to_list')}
        </a>
      </div>
      <h3 data-testid="estate-title">
        {shown.code} {shown.name}
      </h3>
      <Attributes estate={shown} crs={crs} onSaved={setShown} />
      <section class="admin-form" data-testid="outline-section">
        <h4>{et('outline')}</h4>
        <p class="admin-hint">{et('outline_hint')}</p>
        <FormError form={outlineForm} />
        {outlineForm.fields.geometry && (
          <p class="admin-field-error" role="alert" data-testid="error-geometry">
            {outlineForm.fields.geometry}
          </p>
        )}
        {shown.geometry && <OutlineEditor base={base} outline={shown.geometry} version={version} onChange={(a) => { setOutline(a); setSaved(false); }} />}
        {saved && (
          <p class="admin-hint" role="status" data-testid="outline-saved">
            {et('outline_saved')}
          </p>
        )}
        <div class="admin-actions">
          <button type="button" disabled={outlineForm.busy} data-testid="outline-save" onClick={() => void saveOutline()}>
            {outlineForm.busy ? at('saving') : et('save_outline')}
          </button>
          <button
            type="button"
            class="secondary"
            onClick={() => {
              setOutline(shown.geometry);
              setVersion((v) => v + 1);
              outlineForm.clear();
            }}
          >
            {et('reset_outline')}
          </button>
        </div>
      </section>
    </div>
  );
}

export default function Estates({ item }: SectionProps) {
  const id = item ? Number(item) : NaN;
  return Number.isInteger(id) ? <EstateItem id={id} /> : <EstateList />;
}
