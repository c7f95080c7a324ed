// The plans section's words (巡查计划), zh-CN first; the schedule and place in words; and the
// server's English field messages in Chinese.

import { lang, texts } from '../../i18n';
import type { Explainer } from './people-data';

export const pt = texts({
  heading: ['巡查计划', 'Inspection plans'],
  intro: [
    '计划规定在哪里、按什么周期、用哪张检查表巡查。修改从指定日期起生效,此前的任务保持原有规则。',
    'A plan says where, how often and on which checklist to inspect. A change applies from a date; earlier tasks keep their rules.',
  ],
  new_plan: ['新建计划', 'New plan'],
  col_name: ['名称', 'Name'],
  col_checklist: ['检查表', 'Checklist'],
  col_where: ['范围', 'Where'],
  col_schedule: ['周期', 'Schedule'],
  col_window: ['时限', 'Window'],
  col_grace: ['补做期', 'Grace'],
  col_active: ['生效期间', 'In force'],
  days: ['{n} 个工作日', '{n} working days'],
  no_grace: ['无', 'None'],
  from_on: ['{d} 起', 'from {d}'],
  from_to: ['{a} 至 {b}', '{a} to {b}'],
  ended: ['已结束', 'Ended'],
  where_grid: ['网格 {name}', 'Grid {name}'],
  where_street: ['街道 {name}', 'Street {name}'],
  where_district: ['区 {name}', 'District {name}'],
  where_estates: ['{n} 个小区', '{n} estates'],
  every_day: ['每个工作日', 'Every working day'],
  every_n: ['每{n}个工作日', 'Every {n} working days'],
  weekly: ['每周{days}', 'Every {days}'],
  monthly: ['每月', 'Monthly'],
  back: ['返回计划列表', 'Back to the plans'],
  // the form
  create_title: ['新建巡查计划', 'New inspection plan'],
  change_title: ['修改计划规则', 'Change the rules'],
  change_note: [
    '新规则自“生效日期”起适用(最早为明天)。此前已开始的任务保持原有规则,不会改变。',
    'The new rules apply from the date below (tomorrow at the earliest). Tasks that began earlier keep their rules.',
  ],
  name: ['计划名称', 'Plan name'],
  checklist: ['检查表', 'Checklist'],
  pick: ['请选择', 'Choose'],
  area_kind: ['巡查范围', 'Where'],
  kind_grid: ['一个网格', 'A grid'],
  kind_street: ['一个街道', 'A street'],
  kind_district: ['一个区', 'A district'],
  kind_estates: ['指定小区', 'Chosen estates'],
  area_grid: ['网格', 'Grid'],
  area_street: ['街道', 'Street'],
  area_district: ['区', 'District'],
  estates: ['小区', 'Estates'],
  estates_find: ['查找小区(名称或编码)', 'Find estates (name or code)'],
  estates_chosen: ['已选 {n} 个小区', '{n} estates chosen'],
  schedule: ['周期', 'Schedule'],
  kind_every_n_working_days: ['每 N 个工作日', 'Every N working days'],
  kind_weekly: ['每周固定几天', 'Weekly on given days'],
  kind_monthly: ['每月', 'Monthly'],
  every_n_label: ['间隔(工作日)', 'Every (working days)'],
  weekdays: ['星期', 'Weekdays'],
  weekday_hint: ['遇节假日顺延到下一个工作日。', 'A holiday moves to the next working day.'],
  window_days: ['完成时限(工作日)', 'Window (working days)'],
  window_hint: ['任务开始后须在几个工作日内完成,不得长于周期。', 'Working days a task stays open; at most the period.'],
  grace_days: ['补做期(工作日)', 'Grace (working days)'],
  grace_hint: ['时限过后仍可补做(记为逾期完成)的工作日数。', 'Working days after the window in which it is done late.'],
  assignees: ['指定网格员(可不选)', 'Named inspectors (optional)'],
  assignees_hint: ['不选则由各小区所在网格的网格员负责。', 'None chosen: the inspectors of each estate’s grid.'],
  effective_from: ['生效日期', 'Applies from'],
  effective_to: ['最后一日(含当日,可不填)', 'Last day (inclusive, optional)'],
  save_plan: ['保存计划', 'Save plan'],
  save_change: ['保存修改', 'Save change'],
  plan_saved: ['计划已保存,任务已生成。', 'The plan is saved and its tasks are made.'],
  change_saved: ['修改已保存,自 {d} 起生效。', 'The change is saved; it applies from {d}.'],
  change: ['修改规则', 'Change rules'],
  end: ['结束计划', 'End plan'],
  end_note: [
    '计划在所选日期之后不再生成任务;已有任务及其记录保持不变。',
    'No tasks are made after the chosen day; existing tasks and their records stay as they are.',
  ],
  end_on: ['最后一日', 'Last day'],
  end_confirm: ['确认结束', 'End it'],
  end_saved: ['计划将于 {d} 结束。', 'The plan ends on {d}.'],
  versions: ['规则历史', 'Rule history'],
  // the tasks
  tasks: ['任务', 'Tasks'],
  period_from: ['从', 'From'],
  period_to: ['到', 'To'],
  show: ['查看', 'Show'],
  to_before_from: ['不能早于开始日期', 'Before the first day'],
  period_long: ['期间最长一年', 'At most a year'],
  col_estate: ['小区', 'Estate'],
  col_task_window: ['时限', 'Window'],
  col_task_grace: ['补做截止', 'Late until'],
  col_assignees: ['网格员', 'Inspectors'],
  col_state: ['状态', 'State'],
  col_inspection: ['巡查记录', 'Inspection'],
  nobody: ['未分配', 'Nobody'],
  tasks_none: ['此期间没有任务。', 'No tasks in this period.'],
  tasks_more: ['只显示前 {n} 项,请缩短期间。', 'Only the first {n} are shown: shorten the period.'],
  by_grid: ['按网格', 'By grid'],
  tasks_count: ['共 {n} 项', '{n} tasks'],
});

const WEEKDAYS = [
  ['一', 'Mon'],
  ['二', 'Tue'],
  ['三', 'Wed'],
  ['四', 'Thu'],
  ['五', 'Fri'],
  ['六', 'Sat'],
  ['日', 'Sun'],
] as const;

export function weekdayName(day: number): string {
  return WEEKDAYS[day][lang() === 'zh' ? 0 : 1];
}

export interface Rules {
  schedule: string;
  every_n: number | null;
  weekdays: number[] | null;
}

/** 每5个工作日 / 每周一、四 / 每月. */
export function scheduleWords(rules: Rules): string {
  if (rules.schedule === 'weekly') {
    const days = (rules.weekdays ?? []).map(weekdayName);
    return pt('weekly', { days: days.join(lang() === 'zh' ? '、' : ', ') });
  }
  if (rules.schedule === 'monthly') return pt('monthly');
  return rules.every_n === 1 ? pt('every_day') : pt('every_n', { n: rules.every_n ?? '' });
}

/** The server's field messages (backend/plans/services.py and marshmallow's) in Chinese. */
export const PLAN_MESSAGES: readonly Explainer[] = [
  [/^name at least one estate$/, '请至少选择一个小区'],
  [/^unknown or outside your scope: \[(.*)\]$/, '小区不存在或不在您的管辖范围内(编号 $1)'],
  [/^required for area_kind \w+$/, '请选择'],
  [/^unknown (grid|street|district) or outside your scope$/, '不存在或不在您的管辖范围内'],
  [/^no estates there$/, '该范围内没有小区'],
  [/^must be on or after (\d{4}-\d\d-\d\d)$/, '不能早于 $1'],
  [/^too far ahead$/, '日期太远:最多提前一年'],
  [/^must be on or after effective_from, within five years$/, '须不早于生效日期,且在五年之内'],
  [/^within five years of the rules' start$/, '须在规则开始后五年之内'],
  [/^at least 1 working day$/, '至少 1 个工作日'],
  [/^name at least one weekday.*$/, '请至少选择一天'],
  [/^a weekday is named twice$/, '星期重复'],
  [/^longer than the period: at most (\d+) working days here$/, '完成时限长于周期:此处最多 $1 个工作日'],
  [/^name at least one inspector, or leave it out$/, '请至少选择一名网格员,或不指定'],
  [/^not active inspectors in your scope: \[(.*)\]$/, '不是您管辖范围内的在岗网格员(编号 $1)'],
  [/^estate (\S+) already has plan (\d+) for this checklist$/, '小区 $1 已有使用此检查表的计划(计划 $2)'],
  [/^unknown checklist$/, '检查表不存在'],
  [/^Not a valid date\.?$/, '日期无效'],
  [/^Must be greater than or equal to (\d+) and less than or equal to (\d+)\.?$/, '须在 $1 到 $2 之间'],
  [/^Must be greater than or equal to (\d+)\.?$/, '不能小于 $1'],
  [/^Not a valid integer\.?$/, '请填写整数'],
  [/^Not a valid choice\.?$|^Must be one of: .*$/, '请选择'],
  [/^before from$/, '不能早于开始日期'],
  [/^at most (\d+) days after from$/, '期间最长 $1 天'],
];
