// The admin console's sections: one entry each, loaded when first opened. A section's component
// gets the opened object (`item`, from /admin/<key>/<item>) and renders its own list and forms.

import type { ComponentType } from 'preact';
import type { Role, User } from '../../db';

export interface SectionProps {
  item?: string;
}

export interface Section {
  key: string;
  label: readonly [string, string];
  /** Who sees it: supervisors manage what lies in their own district or street. */
  roles: readonly Role[];
  load: () => Promise<{ default: ComponentType<SectionProps> }>;
  /** A further condition on the signed-in user (e.g. a supervisor's level). */
  when?: (user: User) => boolean;
}

/** Plans are managed by admins and district or city supervisors (the API refuses the others). */
function plansManager(user: User): boolean {
  return user.role === 'admin' || user.scope.level === 'district' || user.scope.level === 'city';
}

const MANAGERS: readonly Role[] = ['admin', 'supervisor'];

export const SECTIONS: readonly Section[] = [
  // Places (区/街道/社区, 网格, 小区): supervisors act within their own district or street.
  { key: 'districts', label: ['区', 'Districts'], roles: MANAGERS, load: () => import('./places').then((m) => ({ default: m.Districts })) },
  { key: 'streets', label: ['街道', 'Streets'], roles: MANAGERS, load: () => import('./places').then((m) => ({ default: m.Streets })) },
  { key: 'communities', label: ['社区', 'Communities'], roles: MANAGERS, load: () => import('./places').then((m) => ({ default: m.Communities })) },
  { key: 'grids', label: ['网格', 'Grids'], roles: MANAGERS, load: () => import('./grids') },
  { key: 'estates', label: ['小区', 'Estates'], roles: MANAGERS, load: () => import('./estates') },
  { key: 'estate-import', label: ['导入地块', 'Import places'], roles: MANAGERS, load: () => import('./estate-import') },
  {
    key: 'checklists',
    label: ['检查表', 'Checklists'],
    roles: ['admin'],
    load: () => import('./checklists'),
  },
  {
    key: 'contracts',
    label: ['合同与托管', 'Contracts and custody'],
    roles: ['admin'],
    load: () => import('./contracts'),
  },
  { key: 'plans', label: ['巡查计划', 'Inspection plans'], roles: MANAGERS, when: plansManager, load: () => import('./plans') },
  // Supervisors manage the accounts of their own district or street (the server decides).
  { key: 'users', label: ['用户', 'Users'], roles: MANAGERS, load: () => import('./users') },
  {
    key: 'organisations',
    label: ['单位', 'Organisations'],
    roles: ['supervisor', 'admin'],
    load: () => import('./organisations'),
  },
  { key: 'open311', label: ['Open311 接入密钥', 'Open311 keys'], roles: ['admin'], load: () => import('./open311') },
  // The notifier's health: dead letters and who only the app reaches.
  { key: 'notify', label: ['通知', 'Notifications'], roles: ['admin'], load: () => import('./notify') },
];
