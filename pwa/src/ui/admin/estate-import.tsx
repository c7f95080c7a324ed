// Import GeoJSON (estates, grids, streets or districts) in WGS84, GCJ-02 or BD-09: first a
// preview (nothing written) that draws each shape as given and as it would be stored, lists the
// repairs and the refused features with their reasons; then the import itself.

import { useState } from 'preact/hooks';
import type { Area } from '../../geo';
import { lang, texts } from '../../i18n';
import { at, ErrorLine, Field, FormError, send, useForm, useSubmit } from './kit';
import { PreviewMap, useBasemap } from './place-maps';
import type { SectionProps } from './sections';
import './places.css';

const it = texts({
  title: ['导入 GeoJSON', 'Import GeoJSON'],
  file: ['GeoJSON 文件', 'GeoJSON file'],
  level: ['导入内容', 'What the file holds'],
  level_estate: ['小区', 'Estates'],
  level_grid: ['网格', 'Grids'],
  level_street: ['街道', 'Streets'],
  level_district: ['区', 'Districts'],
  crs: ['坐标系', 'Coordinate system'],
  crs_declared: ['按文件声明', 'As the file declares'],
  crs_wgs84: ['WGS84(GPS、天地图)', 'WGS84 (GPS, Tianditu)'],
  crs_gcj02: ['GCJ-02(高德、腾讯、DataV)', 'GCJ-02 (AMap, Tencent, DataV)'],
  crs_bd09: ['BD-09(百度)', 'BD-09 (Baidu)'],
  preview: ['预览', 'Preview'],
  previewing: ['正在检查…', 'Checking…'],
  commit: ['确认导入', 'Import'],
  commit_others: ['导入其余 {n} 个', 'Import the other {n}'],
  importing: ['正在导入…', 'Importing…'],
  unreadable: ['无法读取该文件:不是有效的 JSON。', 'Cannot read the file: it is not valid JSON.'],
  pick_file: ['请先选择文件。', 'Choose a file first.'],
  summary: ['将新建 {c} 个、更新 {u} 个,修复 {r} 个形状,拒绝 {x} 个。', '{c} to create, {u} to update, {r} shapes repaired, {x} refused.'],
  done: ['已导入:新建 {c} 个,更新 {u} 个。', 'Imported: {c} created, {u} updated.'],
  legend_given: ['文件中的形状', 'As given'],
  legend_stored: ['将保存的形状', 'As stored'],
  create: ['新建', 'Create'],
  update: ['更新', 'Update'],
  refused: ['拒绝', 'Refused'],
  repaired: ['已修复', 'Repaired'],
  feature_n: ['第 {n} 个要素', 'Feature {n}'],
  nothing_written: ['预览不会写入任何数据。', 'A preview writes nothing.'],
});

interface FeaturePlan {
  index: number;
  label: string;
  name: string | null;
  code: string | null;
  action: 'create' | 'update' | 'refused';
  repairs: string[];
  reasons: string[];
  original: Area | null;
  geometry: Area | null;
}

interface Plan {
  level: string;
  crs: string;
  committed: boolean;
  created: number;
  updated: number;
  refused: number;
  repaired: number;
  features: FeaturePlan[];
}

const LEVELS = ['estate', 'grid', 'street', 'district'] as const;

// The server words repairs and refusals in English; the common ones are said in Chinese first
// (the English stays beside them, it names positions and values exactly).
const SAID: [RegExp, string][] = [
  [/Ring Self-intersection/i, '环自相交,已修复'],
  [/Self-intersection/i, '边界自相交,已拆分为有效的面'],
  [/was not closed/, '边界环未闭合,已闭合'],
  [/wrong winding order/, '环的方向与 GeoJSON 标准相反,已更正'],
  [/Too few points|Hole lies outside shell|Nested shells|Interior is disconnected/i, '形状无效,已修复'],
  [/^unknown (street|district)/, '上级街道或区不存在'],
  [/deactivated$/, '上级已停用'],
  [/^outside your jurisdiction$/, '不在您的管辖范围内'],
  [/^missing property 'name'/, '缺少名称(name)'],
  [/^missing property 'code'/, '缺少编码(code)'],
  [/^missing property '(street|district)_code'/, '缺少上级编码'],
  [/appears more than once/, '文件中编码重复'],
  [/^geometry:/, '几何形状无法使用'],
  [/^grade /, '物业等级不在允许的取值中'],
  [/must be an integer/, '应为整数'],
];

function said(text: string): string {
  const found = SAID.find(([pattern]) => pattern.test(text));
  return found && lang() === 'zh' ? `${found[1]}(${text})` : text;
}
const CRS = ['wgs84', 'gcj02', 'bd09'] as const;

function Feature({ f }: { f: FeaturePlan }) {
  const repaired = f.action !== 'refused' && f.repairs.length > 0;
  return (
    <li class={f.action === 'refused' ? 'refused' : repaired ? 'repaired' : ''} data-testid={`feature-${f.index}`}>
      <span class="action">{it(f.action)}</span>
      {repaired && <span class="action">{it('repaired')}</span>}
      <span>{f.name ? `#${f.index + 1} ${f.name}` : it('feature_n', { n: f.index + 1 })}</span>
      {f.reasons.length > 0 && (
        <ul data-testid={`reasons-${f.index}`}>
          {f.reasons.map((r) => (
            <li key={r}>{said(r)}</li>
          ))}
        </ul>
      )}
      {f.repairs.length > 0 && (
        <ul data-testid={`repairs-${f.index}`}>
          {f.repairs.map((r) => (
            <li key={r}>{said(r)}</li>
          ))}
        </ul>
      )}
    </li>
  );
}

export default function EstateImport(_: SectionProps) {
  const base = useBasemap();
  const form = useSubmit();
  const { values, bind } = useForm({ level: 'estate', crs: '' });
  const [data, setData] = useState<unknown>(null);
  const [local, setLocal] = useState<string | null>(null);
  const [plan, setPlan] = useState<Plan | null>(null);
  const [done, setDone] = useState<Plan | null>(null);

  const readFile = async (e: Event) => {
    setPlan(null);
    setDone(null);
    setLocal(null);
    const file = (e.currentTarget as HTMLInputElement).files?.[0];
    if (!file) return;
    try {
      setData(JSON.parse(await file.text()) as unknown);
    } catch {
      setData(null);
      setLocal(it('unreadable'));
    }
  };
  const body = (extra: Record<string, unknown> = {}) => ({ level: values.level, data, ...(values.crs ? { crs: values.crs } : {}), ...extra });
  const preview = async (e: Event) => {
    e.preventDefault();
    setDone(null);
    if (data === null) {
      setLocal(local ?? it('pick_file'));
      return;
    }
    setPlan(await form.run(() => send<Plan>('POST', '/api/places/import/preview', body())));
  };
  const commit = async () => {
    const result = await form.run(() => send<Plan>('POST', '/api/places/import', body({ skip_refused: (plan?.refused ?? 0) > 0 })));
    if (result) {
      setDone(result);
      setPlan(null);
    }
  };
  const good = plan ? plan.created + plan.updated : 0;
  return (
    <div data-testid="admin-import">
      <h3>{it('title')}</h3>
      <form class="admin-form" data-testid="import-form" onSubmit={preview} noValidate>
        <FormError form={form} />
        <Field label={it('file')} name="data" form={form}>
          <input type="file" accept=".json,.geojson,application/json,application/geo+json" data-testid="import-file" onChange={(e) => void readFile(e)} />
        </Field>
        <ErrorLine text={local} />
        <Field label={it('level')} name="level" form={form}>
          <select {...bind('level')}>
            {LEVELS.map((l) => (
              <option key={l} value={l}>
                {it(`level_${l}`)}
              </option>
            ))}
          </select>
        </Field>
        <Field label={it('crs')} name="crs" form={form}>
          <select {...bind('crs')} data-testid="import-crs">
            <option value="">{it('crs_declared')}</option>
            {CRS.map((c) => (
              <option key={c} value={c}>
                {it(`crs_${c}`)}
              </option>
            ))}
          </select>
        </Field>
        <p class="admin-hint">{it('nothing_written')}</p>
        <div class="admin-actions">
          <button type="submit" disabled={form.busy} data-testid="import-preview">
            {form.busy ? it('previewing') : it('preview')}
          </button>
        </div>
      </form>
      {done && (
        <p class="admin-summary" role="status" data-testid="import-done">
          {it('done', { c: done.created, u: done.updated })}
        </p>
      )}
      {plan && (
        <section data-testid="import-plan">
          <p class="admin-summary" data-testid="import-summary">
            {it('summary', { c: plan.created, u: plan.updated, r: plan.repaired, x: plan.refused })}
          </p>
          <p class="import-legend">
            <span class="given">{it('legend_given')}</span>
            <span class="stored">{it('legend_stored')}</span>
          </p>
          {base ? <PreviewMap base={base} shapes={plan.features} /> : <p class="admin-hint">{at('loading')}</p>}
          <ul class="import-list">
            {plan.features.map((f) => (
              <Feature key={f.index} f={f} />
            ))}
          </ul>
          {good > 0 && (
            <div class="admin-actions">
              <button type="button" disabled={form.busy} data-testid="import-commit" onClick={() => void commit()}>
                {form.busy ? it('importing') : plan.refused > 0 ? it('commit_others', { n: good }) : it('commit')}
              </button>
            </div>
          )}
        </section>
      )}
    </div>
  );
}
