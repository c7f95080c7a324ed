// 合同与托管: find an estate, read who served it when (contracts and custody periods), create a
// contract, end one, record custody. Admin only, as the API is; refusals land beside the field.

import { useState } from 'preact/hooks';
import type { components } from '../../api-types';
import type { Sent } from '../../tickets';
import { kt } from './contracts-text';
import { ErrorLine, Field, FormError, Table, at, send, useForm, useResource, useSubmit } from './kit';
import type { SectionProps } from './sections';
import './rules.css';

type Schemas = components['schemas'];
type Estate = Sent<Schemas['Estate']>;
type Period = Sent<Schemas['Period']>;
type CustodyMode = Exclude<Period['custody_mode'], null>;
type History = Omit<Sent<Schemas['EstateHistory']>, 'periods' | 'responsibility'> & {
  periods: Period[];
  responsibility: Sent<Schemas['Responsibility']>;
};
type Organisation = Sent<Schemas['Organisation']>;

const CUSTODY_MODES: CustodyMode[] = ['state_takeover', 'charitable_custody', 'self_managed', 'street_custody'];

/** Who may hold each custody mode (backend/places/services.py _CUSTODIAN_KINDS). */
function fits(mode: CustodyMode, org: Organisation): boolean {
  if (mode === 'state_takeover') return org.kind === 'property_firm' && org.state_owned;
  if (mode === 'charitable_custody') return org.kind === 'property_firm';
  if (mode === 'self_managed') return org.kind === 'owners_committee';
  return org.kind === 'street_office';
}

function todayIso(): string {
  const now = new Date();
  return new Date(now.getTime() - now.getTimezoneOffset() * 60_000).toISOString().slice(0, 10);
}

export default function Contracts({ item }: SectionProps) {
  return (
    <div class="admin-rules" data-testid="admin-contracts">
      <h3>{kt('heading')}</h3>
      {item ? <EstateHistory id={Number(item)} /> : <EstateFinder />}
    </div>
  );
}

function EstateFinder() {
  const [q, setQ] = useState('');
  const [asked, setAsked] = useState('');
  const path = `/api/estates?with_geometry=false&page_size=50&q=${encodeURIComponent(asked)}`;
  const estates = useResource<Estate[]>(path);
  return (
    <>
      <p class="admin-hint">{kt('intro')}</p>
      <form class="admin-toolbar" role="search" onSubmit={(e) => (e.preventDefault(), setAsked(q.trim()))}>
        <label class="admin-field">
          <span>{kt('find')}</span>
          <input type="search" name="q" value={q} data-testid="estate-search" onInput={(e) => setQ(e.currentTarget.value)} />
        </label>
        <button type="submit" class="secondary">
          {at('search')}
        </button>
      </form>
      <ErrorLine text={estates.error} />
      {estates.loading && <p class="admin-hint">{at('loading')}</p>}
      {estates.data && estates.data.length === 0 && <p class="admin-hint">{kt('no_match')}</p>}
      {estates.data && estates.data.length > 0 && (
        <Table head={[kt('col_estate'), kt('col_code'), kt('col_address'), kt('col_mode')]} testid="estate-table">
          {estates.data.map((e) => (
            <tr key={e.id} data-code={e.code}>
              <td>
                <a href={`/admin/contracts/${e.id}`}>{e.name}</a>
              </td>
              <td>{e.code}</td>
              <td>{e.address}</td>
              <td>{kt(`mode_${e.management_mode}`)}</td>
            </tr>
          ))}
        </Table>
      )}
    </>
  );
}

function EstateHistory({ id }: { id: number }) {
  const history = useResource<History>(`/api/estates/${id}/history`);
  const orgs = useResource<Organisation[]>('/api/organisations?active=true&page_size=500');
  const [notice, setNotice] = useState<string | null>(null);
  const changed = (text: string) => {
    setNotice(text);
    history.reload();
  };
  const h = history.data;
  return (
    <section>
      <a class="admin-back" href="/admin/contracts">
        ← {kt('back')}
      </a>
      <ErrorLine text={history.error ?? orgs.error} />
      {history.loading && <p class="admin-hint">{at('loading')}</p>}
      {h && (
        <>
          <h4>
            {h.estate_name} <small class="admin-hint">{h.estate_code}</small>
          </h4>
          <p data-testid="responsible-today">
            {kt('today', { name: h.responsibility.organisation_name, mode: kt(`mode_${h.responsibility.mode}`) })}
          </p>
          {notice && (
            <p class="admin-ok" role="status" data-testid="contracts-notice">
              {notice}
            </p>
          )}
          <HistoryTable periods={h.periods} onEnded={changed} />
          <div class="admin-columns">
            <ContractForm estateId={h.estate_id} orgs={orgs.data ?? []} onSaved={changed} />
            <CustodyForm estateId={h.estate_id} orgs={orgs.data ?? []} onSaved={changed} />
          </div>
        </>
      )}
    </section>
  );
}

function HistoryTable({ periods, onEnded }: { periods: Period[]; onEnded: (text: string) => void }) {
  const [ending, setEnding] = useState<number | null>(null);
  if (periods.length === 0) return <p class="admin-hint" data-testid="history-empty">{kt('history_none')}</p>;
  const head = [kt('col_how'), kt('col_party'), kt('col_period'), kt('col_ref'), kt('col_state'), kt('col_actions')];
  return (
    <>
      <h4>{kt('history')}</h4>
      <Table head={head} testid="history-table">
        {periods.map((p) => [
          <tr key={`${p.kind}-${p.id}`} class={p.state} data-kind={p.kind} data-id={p.id} data-state={p.state}>
            <td class="nowrap">{kt(`mode_${p.custody_mode ?? p.mode}`)}</td>
            <td class="party">{p.organisation_name}</td>
            <td>
              <span class="nowrap">{p.start_date}</span> {kt('to')} <span class="nowrap">{p.end_date ?? kt('open_end')}</span>
            </td>
            <td>{p.reference ?? '—'}</td>
            <td class="nowrap">
              <span class={`admin-status ${p.state}`}>{kt(`state_${p.state}`)}</span>
            </td>
            <td>
              {p.kind === 'contract' && p.state !== 'past' && ending !== p.id && (
                <button type="button" class="secondary" data-testid={`end-${p.id}`} onClick={() => setEnding(p.id)}>
                  {kt('end')}
                </button>
              )}
            </td>
          </tr>,
          ending === p.id && (
            <tr key={`end-${p.id}`} class="end-row">
              <td colSpan={6}>
                <EndForm
                  period={p}
                  onCancel={() => setEnding(null)}
                  onEnded={(d) => {
                    setEnding(null);
                    onEnded(kt('ended', { d }));
                  }}
                />
              </td>
            </tr>
          ),
        ])}
      </Table>
      <p class="admin-hint">{kt('gaps_note')}</p>
    </>
  );
}

function EndForm({ period, onCancel, onEnded }: { period: Period; onCancel: () => void; onEnded: (d: string) => void }) {
  const form = useSubmit();
  const { values, bind } = useForm({ end_date: todayIso() });
  const submit = async () => {
    const ok = await form.run(() => send('POST', `/api/contracts/${period.id}/end`, values));
    if (ok) onEnded(values.end_date);
  };
  return (
    <form class="admin-inline-form" data-testid="end-form" onSubmit={(e) => (e.preventDefault(), void submit())}>
      <strong>{kt('end_title', { name: period.organisation_name, from: period.start_date })}</strong>
      <FormError form={form} />
      <Field label={kt('end_on')} name="end_date" form={form}>
        <input type="date" required {...bind('end_date')} />
      </Field>
      <button type="submit" class="danger" disabled={form.busy} data-testid="end-confirm">
        {kt('end_confirm')}
      </button>
      <button type="button" class="secondary" onClick={onCancel}>
        {at('cancel')}
      </button>
    </form>
  );
}

/** The body of a dated form: empty optional fields are left out (null end = open-ended). */
function body(estateId: number, values: Record<string, string>, ids: string[]) {
  const out: Record<string, unknown> = { estate_id: estateId };
  for (const [key, value] of Object.entries(values)) {
    if (value === '') continue;
    out[key] = ids.includes(key) ? Number(value) : value;
  }
  return out;
}

interface FormProps {
  estateId: number;
  orgs: Organisation[];
  onSaved: (text: string) => void;
}

function ContractForm({ estateId, orgs, onSaved }: FormProps) {
  const form = useSubmit();
  const blank = { firm_id: '', start_date: '', end_date: '', reference: '' };
  const { values, setValues, bind } = useForm(blank);
  const firms = orgs.filter((o) => o.kind === 'property_firm');
  const submit = async () => {
    const ok = await form.run(() => send('POST', '/api/contracts', body(estateId, values, ['firm_id'])));
    if (ok) {
      setValues(blank);
      onSaved(kt('contract_saved'));
    }
  };
  return (
    <form class="admin-form" data-testid="contract-form" onSubmit={(e) => (e.preventDefault(), void submit())}>
      <h4>{kt('new_contract')}</h4>
      <FormError form={form} />
      <Field label={kt('firm')} name="firm_id" form={form}>
        <select required {...bind('firm_id')}>
          <option value="">{kt('pick')}</option>
          {firms.map((o) => (
            <option key={o.id} value={String(o.id)}>
              {o.name}
            </option>
          ))}
        </select>
      </Field>
      <div class="admin-pair">
        <Field label={kt('start_date')} name="start_date" form={form}>
          <input type="date" required {...bind('start_date')} />
        </Field>
        <Field label={kt('end_date')} name="end_date" form={form}>
          <input type="date" {...bind('end_date')} />
        </Field>
      </div>
      <Field label={kt('reference')} name="reference" form={form}>
        <input type="text" maxLength={100} {...bind('reference')} />
      </Field>
      <div class="admin-actions">
        <button type="submit" class="primary" disabled={form.busy} data-testid="contract-save">
          {form.busy ? at('saving') : kt('create_contract')}
        </button>
      </div>
    </form>
  );
}

function CustodyForm({ estateId, orgs, onSaved }: FormProps) {
  const form = useSubmit();
  const blank = { mode: 'street_custody', custodian_id: '', start_date: '', end_date: '' };
  const { values, setValues, bind } = useForm(blank);
  const fitting = orgs.filter((o) => fits(values.mode as CustodyMode, o));
  const submit = async () => {
    const ok = await form.run(() => send('POST', '/api/custody', body(estateId, values, ['custodian_id'])));
    if (ok) {
      setValues(blank);
      onSaved(kt('custody_saved'));
    }
  };
  return (
    <form class="admin-form" data-testid="custody-form" onSubmit={(e) => (e.preventDefault(), void submit())}>
      <h4>{kt('new_custody')}</h4>
      <FormError form={form} />
      <Field label={kt('custody_mode')} name="mode" form={form}>
        <select required {...bind('mode')}>
          {CUSTODY_MODES.map((m) => (
            <option key={m} value={m}>
              {kt(`mode_${m}`)}
            </option>
          ))}
        </select>
      </Field>
      <Field label={kt('custodian')} name="custodian_id" form={form} hint={kt('custodian_hint')}>
        <select required {...bind('custodian_id')}>
          <option value="">{kt('pick')}</option>
          {fitting.map((o) => (
            <option key={o.id} value={String(o.id)}>
              {o.name}
            </option>
          ))}
        </select>
      </Field>
      <div class="admin-pair">
        <Field label={kt('start_date')} name="start_date" form={form}>
          <input type="date" required {...bind('start_date')} />
        </Field>
        <Field label={kt('end_date')} name="end_date" form={form}>
          <input type="date" {...bind('end_date')} />
        </Field>
      </div>
      <div class="admin-actions">
        <button type="submit" class="primary" disabled={form.busy} data-testid="custody-save">
          {form.busy ? at('saving') : kt('save_custody')}
        </button>
      </div>
    </form>
  );
}
