// 单位: every kind of party (firms, state-owned and charitable ones, owners' committees, street
// offices, utilities, authorities). Administrators see all; a supervisor those seated in their
// district or street (the server's managed=true), which are the ones they may edit.

import { useState } from 'preact/hooks';
import { app } from '../../app-state';
import { useStore } from '../../store';
import type { SectionProps } from './sections';
import { at, ListState, ListToolbar, Table, useResource } from './kit';
import { OrgCreate, OrgEdit } from './org-form';
import { kindName, ot } from './orgs-text';
import { type Org, ORG_KINDS, usePlaces, UTILITY_KINDS } from './people-data';
import './people.css';

/** A utility's kind; a kind newer than this app shows as the server's word. */
function utilityName(kind: string): string {
  return (UTILITY_KINDS as readonly string[]).includes(kind) ? ot(`utility_${kind as (typeof UTILITY_KINDS)[number]}`) : kind;
}

export default function OrganisationsSection({ item }: SectionProps) {
  if (item === 'new') return <OrgCreate />;
  if (item && /^\d+$/.test(item)) return <OrgEdit id={Number(item)} />;
  return <OrgList />;
}

function OrgList() {
  const role = useStore(app).session?.user.role;
  const [kind, setKind] = useState('');
  const [showInactive, setShowInactive] = useState(false);
  const [q, setQ] = useState('');
  const params = new URLSearchParams({ page_size: '500', managed: 'true' });
  if (kind) params.set('kind', kind);
  if (!showInactive) params.set('active', 'true');
  const orgs = useResource<Org[]>(`/api/organisations?${params}`);
  const places = usePlaces();
  const wanted = q.trim().toLowerCase();
  const shown = (orgs.data ?? []).filter((o) => !wanted || o.name.toLowerCase().includes(wanted));
  const seat = (o: Org) =>
    o.street_id ? places.streetName(o.street_id) : o.district_id ? places.districtName(o.district_id) : ot('city_wide');
  return (
    <div data-testid="admin-orgs">
      <h3>{ot('heading')}</h3>
      {role === 'supervisor' && <p class="admin-hint">{ot('managed_only')}</p>}
      <ListToolbar
        what="org"
        newHref="/admin/organisations/new"
        newLabel={ot('new_org')}
        filterLabel={ot('kind_filter')}
        allLabel={ot('all_kinds')}
        filter={kind}
        onFilter={setKind}
        options={ORG_KINDS.map((k) => [k, kindName(k)] as const)}
        showInactive={showInactive}
        onShowInactive={setShowInactive}
        searchLabel={ot('search_label')}
        search={q}
        onSearch={setQ}
      />
      <ListState error={orgs.error} loading={orgs.loading} empty={Boolean(orgs.data) && shown.length === 0} />
      {shown.length > 0 && (
        <Table head={[ot('name'), ot('kind'), ot('seat'), ot('status')]} testid="org-table">
          {shown.map((o) => (
            <tr key={o.id} class={o.is_active ? '' : 'inactive'} data-testid={`org-row-${o.id}`}>
              <td>
                <a href={`/admin/organisations/${o.id}`}>{o.name}</a>
                {o.state_owned && <span class="people-tag">{ot('state_owned')}</span>}
                {o.charitable && <span class="people-tag">{ot('charitable')}</span>}
              </td>
              <td>
                {kindName(o.kind)}
                {o.utility_kind && ` · ${utilityName(o.utility_kind)}`}
              </td>
              <td>{seat(o)}</td>
              <td class="people-nowrap">{o.is_active ? at('active') : at('inactive')}</td>
            </tr>
          ))}
        </Table>
      )}
    </div>
  );
}
