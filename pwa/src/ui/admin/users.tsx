// 用户: administrators list, create and edit accounts; a supervisor those of their jurisdiction
// (the server lists only those). /admin/users lists them (by role, active or
// not, searched by name), /admin/users/new creates one, /admin/users/<id> edits one.

import { useEffect, useState } from 'preact/hooks';
import { app } from '../../app-state';
import { useStore } from '../../store';
import type { SectionProps } from './sections';
import { at, ListState, ListToolbar, Table, useResource } from './kit';
import { type Org, ROLES, roleName, type User, usePlaces } from './people-data';
import { UserCreate, UserEdit } from './user-form';
import { ut } from './users-text';
import './people.css';

const PAGE = 100;

export default function UsersSection({ item }: SectionProps) {
  if (item === 'new') return <UserCreate />;
  if (item && /^\d+$/.test(item)) return <UserEdit id={Number(item)} />;
  return <UserList />;
}

function UserList() {
  const me = useStore(app).session?.user.role;
  const [role, setRole] = useState('');
  const [showInactive, setShowInactive] = useState(false);
  const [typed, setTyped] = useState('');
  const [q, setQ] = useState('');
  useEffect(() => {
    const timer = setTimeout(() => setQ(typed.trim()), 300);
    return () => clearTimeout(timer);
  }, [typed]);
  const params = new URLSearchParams({ page_size: String(PAGE) });
  if (role) params.set('role', role);
  if (!showInactive) params.set('active', 'true');
  if (q) params.set('q', q);
  const users = useResource<User[]>(`/api/users?${params}`);
  const orgs = useResource<Org[]>('/api/organisations?page_size=500');
  const places = usePlaces();
  const orgName = (id: number | null) => orgs.data?.find((o) => o.id === id)?.name ?? '';

  function scope(user: User): string {
    if (user.role === 'admin') return ut('everything');
    if (user.role === 'inspector') return ut('grids_count', { n: user.grid_ids.length });
    if (user.role === 'firm') return orgName(user.organisation_id);
    if (user.role === 'committee') return orgName(user.organisation_id) || ut('current_place', { id: user.estate_id ?? '' });
    if (user.role === 'community') return orgName(user.organisation_id) || ut('current_place', { id: user.community_id ?? '' });
    if (user.street_id) return places.streetName(user.street_id);
    if (user.district_id) return places.districtName(user.district_id);
    return ut('level_city');
  }

  return (
    <div data-testid="admin-users">
      <h3>{ut('heading')}</h3>
      {me === 'supervisor' && <p class="admin-hint">{ut('managed_only')}</p>}
      <ListToolbar
        what="user"
        newHref="/admin/users/new"
        newLabel={ut('new_user')}
        filterLabel={ut('role_filter')}
        allLabel={ut('all_roles')}
        filter={role}
        onFilter={setRole}
        options={ROLES.map((r) => [r, roleName(r)] as const)}
        showInactive={showInactive}
        onShowInactive={setShowInactive}
        searchLabel={ut('search_label')}
        search={typed}
        onSearch={setTyped}
      />
      <ListState error={users.error} loading={users.loading} empty={Boolean(users.data) && users.data!.length === 0} />
      {users.data && users.data.length > 0 && (
        <Table
          head={[ut('username'), ut('display_name'), ut('role'), ut('scope'), ut('status')]}
          testid="user-table"
        >
          {users.data.map((user) => (
            <tr key={user.id} class={user.is_active ? '' : 'inactive'} data-testid={`user-row-${user.username}`}>
              <td>
                <a href={`/admin/users/${user.id}`}>{user.username}</a>
              </td>
              <td>{user.display_name}</td>
              <td>{roleName(user.role)}</td>
              <td>{scope(user)}</td>
              <td class="people-nowrap">
                {user.is_active ? at('active') : at('inactive')}
                {user.must_change_password && <span class="people-tag">{ut('must_change')}</span>}
              </td>
            </tr>
          ))}
        </Table>
      )}
      {users.data && users.data.length >= PAGE && <p class="admin-hint">{ut('more_than_shown')}</p>}
    </div>
  );
}
