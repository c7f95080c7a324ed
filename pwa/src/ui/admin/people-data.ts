// What the users, organisations and Open311 sections read from the API, typed by the server's
// own document (api-types.ts), and the lists their pickers share (districts, streets, units).

import type { components } from '../../api-types';
import { ApiError } from '../../api';
import type { Role } from '../../db';
import { t } from '../../i18n';
import { useResource } from './kit';

type S = components['schemas'];
export type User = Required<Omit<S['User'], 'grid_ids'>> & { grid_ids: number[] };
export type Org = Required<S['Organisation']>;
export type OrgKind = Org['kind'];
export type District = Required<S['District']>;
export type Street = Required<S['Street']>;
export type Grid = Required<Pick<S['Grid'], 'id' | 'code' | 'name' | 'street_id'>>;
export type ApiKey = Required<S['ApiKey']>;
export type IssuedKey = Required<S['IssuedKey']>;

export const ROLES: readonly Role[] = ['inspector', 'firm', 'supervisor', 'admin'];

export function roleName(role: Role): string {
  return t(`role_${role}`);
}

export const ORG_KINDS: readonly OrgKind[] = [
  'city_authority',
  'district_authority',
  'street_office',
  'community_committee',
  'owners_committee',
  'property_firm',
  'utility',
];
/** Units a firm account may belong to (the server's UNIT_KINDS). */
export const UNIT_KINDS: readonly OrgKind[] = ['property_firm', 'owners_committee'];
export const UTILITY_KINDS = ['water', 'power', 'gas', 'telecom', 'heating'] as const;

/** Districts and streets by id, for names in lists and for the seat pickers. */
export function usePlaces() {
  const districts = useResource<District[]>('/api/districts');
  const streets = useResource<Street[]>('/api/streets');
  const districtName = (id: number | null | undefined) => districts.data?.find((d) => d.id === id)?.name ?? '';
  const streetName = (id: number | null | undefined) => streets.data?.find((s) => s.id === id)?.name ?? '';
  return { districts: districts.data ?? [], streets: streets.data ?? [], districtName, streetName };
}

/** '' → null, else the number ('' is "none chosen" in a select). */
export function idOf(value: string | boolean): number | null {
  return value === '' || typeof value === 'boolean' ? null : Number(value);
}

export function idText(value: number | null | undefined): string {
  return value === null || value === undefined ? '' : String(value);
}

/** A refusal found before asking the server, shaped like the server's so it lands beside the
 *  field the same way. */
export function refuse(message: string, field: string, reason: string): never {
  throw new ApiError(422, 'validation_error', message, { [field]: [reason] });
}
