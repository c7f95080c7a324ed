// What the users, organisations and Open311 sections read from the API, typed by the server's
// own document (api-types.ts), and the lists their pickers share (districts, streets, units).

import type { components } from '../../api-types';
import { ApiError } from '../../api';
import type { Role, User as SessionUser } from '../../db';
import { lang, t } from '../../i18n';
import { type Submission, useResource } from './kit';

type S = components['schemas'];
export type User = Required<Omit<S['User'], 'grid_ids'>> & { grid_ids: number[] };
export type Org = Required<S['Organisation']>;
export type OrgKind = Org['kind'];
export type District = Required<S['District']>;
export type Street = Required<S['Street']>;
export type Grid = Required<Pick<S['Grid'], 'id' | 'code' | 'name' | 'street_id'>>;
export type ApiKey = Required<S['ApiKey']>;
export type IssuedKey = Required<S['IssuedKey']>;

export const ROLES: readonly Role[] = ['inspector', 'firm', 'supervisor', 'admin', 'committee', 'community'];

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

/** What the signed-in manager may give: the roles, supervisor levels, streets and units on
 *  offer. Only a courtesy: the server refuses the rest (422) and hides accounts outside. */
export interface Powers {
  roles: readonly Role[];
  levels: readonly ('city' | 'district' | 'street')[];
  street: (s: Street) => boolean;
  unit: (o: Org) => boolean;
}

export function powersOf(user: SessionUser | undefined, streets: Street[]): Powers {
  const level = user?.role === 'admin' ? 'all' : (user?.scope.level ?? 'city');
  if (level === 'all' || level === 'city') {
    const roles = level === 'all' ? ROLES : ROLES.filter((r) => r !== 'admin');
    return { roles, levels: ['city', 'district', 'street'], street: () => true, unit: () => true };
  }
  if (level === 'district') {
    const district = user?.scope.district_id;
    const mine = new Set(streets.filter((s) => s.district_id === district).map((s) => s.id));
    return {
      roles: ['inspector', 'firm', 'supervisor'],
      levels: ['street'],
      street: (s) => s.district_id === district,
      unit: (o) => o.kind !== 'city_authority' && (o.district_id === district || (o.street_id !== null && mine.has(o.street_id))),
    };
  }
  const street = user?.scope.street_id;
  return { roles: ['inspector'], levels: [], street: (s) => s.id === street, unit: (o) => o.street_id === street };
}

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

/** The server's sentences are "中文 (English)": the part in the language shown. */
export function inLanguage(message: string): string {
  const split = /^([^(]*[\u4e00-\u9fff][^(]*?)\s*\((.+)\)\s*$/s.exec(message);
  if (!split) return message;
  return lang() === 'zh' ? split[1] : split[2];
}

/** Field messages the server gives in English, in Chinese: [pattern, words]. */
export type Explainer = readonly [RegExp, string];

const COMMON: readonly Explainer[] = [
  [/^Missing data for required field\.?$/, '必填'],
  [/^Field may not be null\.?$/, '必填'],
  [/^Length must be between (\d+) and (\d+)\.?$/, '长度须为 $1–$2 个字符'],
  [/^Longer than maximum length (\d+)\.?$/, '最多 $1 个字符'],
  [/^Not a valid integer\.?$/, '请填写整数'],
  [/^taken$/, '已被使用,请换一个'],
  [/^unknown (district|street|community|estate|organisation)$/, '不存在,请重新选择'],
  [/^does not contain the (\w+) given$/, '与所选的下一级不符'],
  [/^outside your jurisdiction$/, '不在您的管辖范围内'],
];

/** `form` with its messages in the language shown: the sentence's half, and field messages
 *  through `table` (then the common ones); an unknown message stays as the server wrote it. */
export function explained(form: Submission, table: readonly Explainer[] = []): Submission {
  if (lang() !== 'zh') return { ...form, error: form.error && inLanguage(form.error) };
  const rules = [...table, ...COMMON];
  const fields: Record<string, string> = {};
  for (const [name, message] of Object.entries(form.fields)) {
    const rule = rules.find(([pattern]) => pattern.test(message));
    fields[name] = rule ? message.replace(rule[0], rule[1]) : inLanguage(message);
  }
  return { ...form, error: form.error && inLanguage(form.error), fields };
}
