// Grid cells (网格): list, create (a rectangle by its corners, or a GeoJSON outline), rename,
// deactivate. A grid with assigned inspectors or open tickets stays active (the server says why).

import { useState } from 'preact/hooks';
import { texts } from '../../i18n';
import { at, ConfirmButton, ErrorLine, Field, FormError, send, Table, useForm, useResource, useSubmit } from './kit';
import type { MultiPolygon } from '../../geo';
import { OutlineEditor, useBasemap } from './place-maps';
import { pt, type Place } from './places';
import type { SectionProps } from './sections';
import './places.css';

const gt = texts({
  grids: ['网格', 'Grids'],
  new_grid: ['新建网格', 'New grid'],
  outline: ['范围', 'Outline'],
  outline_hint: [
    '矩形四至:西经度,南纬度,东经度,北纬度(WGS84),或粘贴 GeoJSON 面',
    'A rectangle as west,south,east,north (WGS84), or paste a GeoJSON polygon',
  ],
  outline_unreadable: ['无法识别的范围:请填写四个数字,或 GeoJSON 面。', 'Unreadable outline: four numbers, or a GeoJSON polygon.'],
  outline_title: ['网格范围', 'Grid outline'],
  outline_drag: ['拖动圆点(或聚焦后用方向键)移动顶点,然后保存范围;小区随之归入所在网格。', 'Drag the dots (or focus one and use the arrow keys), then save; estates follow into the grid that holds them.'],
  save_outline: ['保存范围', 'Save outline'],
  outline_saved: ['范围已保存', 'Outline saved'],
  deactivate_q: ['确定停用该网格?仍有网格员或未结工单时将被拒绝。', 'Deactivate this grid? Refused while inspectors or open tickets are on it.'],
  all_streets: ['全部街道', 'All streets'],
});

interface Grid {
  id: number;
  code: string;
  name: string;
  street_id: number;
  is_active: boolean;
  geometry?: MultiPolygon;
}

/** "w,s,e,n" → a GeoJSON rectangle; pasted GeoJSON is passed on as it is (the server judges). */
export function parseOutline(text: string): unknown {
  const trimmed = text.trim();
  if (trimmed.startsWith('{')) {
    try {
      return JSON.parse(trimmed) as unknown;
    } catch {
      return undefined;
    }
  }
  const n = trimmed.split(/[,\s]+/).map(Number);
  if (n.length !== 4 || n.some((x) => !Number.isFinite(x))) return undefined;
  const [w, s, e, north] = n;
  return { type: 'Polygon', coordinates: [[[w, s], [e, s], [e, north], [w, north], [w, s]]] };
}

function GridForm({ streets, onDone }: { streets: Place[]; onDone: () => void }) {
  const form = useSubmit();
  const { values, bind } = useForm({ code: '', name: '', street_id: '', outline: '' });
  const [local, setLocal] = useState<string | null>(null);
  const save = async (e: Event) => {
    e.preventDefault();
    const geometry = parseOutline(values.outline);
    setLocal(geometry === undefined ? gt('outline_unreadable') : null);
    if (geometry === undefined) return;
    const body = { code: values.code, name: values.name, street_id: values.street_id ? Number(values.street_id) : null, geometry };
    if (await form.run(() => send<Grid>('POST', '/api/grids', body))) onDone();
  };
  return (
    <form class="admin-form" data-testid="grids-form" onSubmit={save} noValidate>
      <FormError form={form} />
      <Field label={pt('code')} name="code" form={form}>
        <input {...bind('code')} autocomplete="off" />
      </Field>
      <Field label={pt('name')} name="name" form={form}>
        <input {...bind('name')} autocomplete="off" />
      </Field>
      <Field label={pt('street')} name="street_id" form={form}>
        <select {...bind('street_id')}>
          <option value="">{pt('choose')}</option>
          {streets.map((s) => (
            <option key={s.id} value={String(s.id)}>
              {s.name}
            </option>
          ))}
        </select>
      </Field>
      <Field label={gt('outline')} name="geometry" form={form} hint={gt('outline_hint')}>
        <textarea {...bind('outline')} rows={2} />
      </Field>
      <ErrorLine text={local} />
      <div class="admin-actions">
        <button type="submit" disabled={form.busy} data-testid="grids-save">
          {form.busy ? at('saving') : at('save')}
        </button>
      </div>
    </form>
  );
}

function GridList() {
  const [street, setStreet] = useState('');
  const list = useResource<Grid[]>(`/api/grids?page_size=500${street ? `&street_id=${street}` : ''}`);
  const streets = useResource<Place[]>('/api/streets?active=true');
  const streetName = new Map((streets.data ?? []).map((s) => [s.id, s.name]));
  const [creating, setCreating] = useState(false);
  return (
    <div data-testid="admin-grids">
      <h3>{gt('grids')}</h3>
      <div class="admin-toolbar">
        <button type="button" data-testid="grids-new" onClick={() => setCreating((c) => !c)}>
          {creating ? at('cancel') : gt('new_grid')}
        </button>
        <select aria-label={pt('street')} data-testid="grids-street" value={street} onInput={(e) => setStreet((e.currentTarget as HTMLSelectElement).value)}>
          <option value="">{gt('all_streets')}</option>
          {(streets.data ?? []).map((s) => (
            <option key={s.id} value={String(s.id)}>
              {s.name}
            </option>
          ))}
        </select>
      </div>
      {creating && (
        <GridForm
          streets={streets.data ?? []}
          onDone={() => {
            setCreating(false);
            list.reload();
          }}
        />
      )}
      <ErrorLine text={list.error} />
      <Table testid="grids-table" head={[pt('code'), pt('name'), pt('street'), pt('status')]}>
        {(list.data ?? []).map((g) => (
          <tr key={g.id} class={g.is_active ? '' : 'inactive'}>
            <td>{g.code}</td>
            <td>
              <a href={`/admin/grids/${g.id}`}>{g.name}</a>
            </td>
            <td>{streetName.get(g.street_id) ?? ''}</td>
            <td>{g.is_active ? at('active') : at('inactive')}</td>
          </tr>
        ))}
      </Table>
    </div>
  );
}

function GridOutline({ grid, crs, onSaved }: { grid: Grid; crs: string; onSaved: () => void }) {
  const base = useBasemap();
  const form = useSubmit();
  const [outline, setOutline] = useState<MultiPolygon | null>(grid.geometry ?? null);
  const [saved, setSaved] = useState(false);
  if (!base || !grid.geometry) return null;
  const save = async () => {
    setSaved(false);
    if (await form.run(() => send<Grid>('PATCH', `/api/grids/${grid.id}`, { crs, geometry: outline }))) {
      setSaved(true);
      onSaved();
    }
  };
  return (
    <section class="admin-form" data-testid="grid-outline">
      <h4>{gt('outline_title')}</h4>
      <p class="admin-hint">{gt('outline_drag')}</p>
      <FormError form={form} />
      <OutlineEditor base={base} outline={grid.geometry} version={0} onChange={(a) => { setOutline(a); setSaved(false); }} />
      {saved && (
        <p class="admin-hint" role="status">
          {gt('outline_saved')}
        </p>
      )}
      <div class="admin-actions">
        <button type="button" disabled={form.busy} onClick={() => void save()}>
          {form.busy ? at('saving') : gt('save_outline')}
        </button>
      </div>
    </section>
  );
}

function GridItem({ id }: { id: number }) {
  const base = useBasemap();
  // Geometry comes and goes in the base map's coordinates, so the editor draws it as it is.
  const crs = base?.gcj02 ? 'gcj02' : 'wgs84';
  const grid = useResource<Grid>(base ? `/api/grids/${id}?crs=${crs}` : null);
  const form = useSubmit();
  const toggle = useSubmit();
  const { values, bind, setValues } = useForm({ name: '' });
  const [seen, setSeen] = useState<number | null>(null);
  if (grid.data && seen !== grid.data.id) {
    setSeen(grid.data.id);
    setValues({ name: grid.data.name });
  }
  if (grid.error) return <ErrorLine text={grid.error} />;
  if (!grid.data) return <p class="admin-hint">{at('loading')}</p>;
  const g = grid.data;
  const save = async (e: Event) => {
    e.preventDefault();
    if (await form.run(() => send<Grid>('PATCH', `/api/grids/${id}`, { name: values.name }))) grid.reload();
  };
  const setActive = async (active: boolean) => {
    if (await toggle.run(() => send<Grid>('PATCH', `/api/grids/${id}`, { is_active: active }))) grid.reload();
  };
  return (
    <div data-testid="admin-grids-item">
      <div class="admin-toolbar">
        <a href="/admin/grids" class="admin-back">
          {pt('back_to_list')}
        </a>
      </div>
      <h3>
        {g.code} {g.name} <small data-testid="grids-state">{g.is_active ? at('active') : at('inactive')}</small>
      </h3>
      <form class="admin-form" data-testid="grids-form" onSubmit={save} noValidate>
        <FormError form={form} />
        <Field label={pt('name')} name="name" form={form}>
          <input {...bind('name')} autocomplete="off" />
        </Field>
        <div class="admin-actions">
          <button type="submit" disabled={form.busy} data-testid="grids-save">
            {form.busy ? at('saving') : at('save')}
          </button>
        </div>
      </form>
      {toggle.error && (
        <p class="admin-error" role="alert" data-testid={toggle.fields.is_active ? 'error-is_active' : 'admin-form-error'}>
          {toggle.error}
        </p>
      )}
      <div class="admin-actions">
        {g.is_active ? (
          <ConfirmButton label={at('deactivate')} question={gt('deactivate_q')} testid="grids-deactivate" onConfirm={() => void setActive(false)} />
        ) : (
          <button type="button" class="secondary" data-testid="grids-activate" onClick={() => void setActive(true)}>
            {at('activate')}
          </button>
        )}
      </div>
      <GridOutline key={g.id} grid={g} crs={crs} onSaved={grid.reload} />
    </div>
  );
}

export default function Grids({ item }: SectionProps) {
  const id = item ? Number(item) : NaN;
  return Number.isInteger(id) ? <GridItem id={id} /> : <GridList />;
}
