// The coverage layer's and the coverage report's words (巡查覆盖), zh-CN first, and how their
// figures are written: states, day counts, dates and rates.

import { lang, texts } from '../../i18n';

export const ct = texts({
  nav: ['覆盖率', 'Coverage'],
  layer: ['巡查覆盖', 'Coverage'],
  layer_on: ['显示巡查覆盖', 'Show inspection coverage'],
  mode_state: ['巡查状态', 'State'],
  mode_days: ['距上次巡查', 'Days since'],
  legend_state: ['小区按最近一次巡查任务的状态着色', 'Estates by the state of their latest task'],
  legend_days: ['小区按距上次巡查的天数着色', 'Estates by days since their last inspection'],
  state_done: ['按时完成', 'Done in window'],
  state_late: ['逾期完成', 'Done late'],
  state_due: ['待巡查', 'Due'],
  state_missed: ['漏巡', 'Missed'],
  state_never_inspected: ['从未巡查', 'Never inspected'],
  state_unplanned: ['无巡查任务', 'No task'],
  state_unknown: ['状态:{w}', 'State: {w}'],
  days_7: ['7 天内', '≤ 7 days'],
  days_14: ['8–14 天', '8–14 days'],
  days_30: ['15–30 天', '15–30 days'],
  days_more: ['30 天以上', '> 30 days'],
  days_never: ['从未巡查', 'Never'],
  last_inspected: ['上次巡查:{d}', 'Last inspected: {d}'],
  never: ['从未巡查', 'never'],
  today: ['今天', 'today'],
  yesterday: ['昨天', 'yesterday'],
  days_ago: ['{n} 天前', '{n} days ago'],
  close: ['关闭', 'Close'],
  load_failed: ['巡查覆盖加载失败:{m}', 'Coverage failed to load: {m}'],
  // the report
  title: ['巡查覆盖率', 'Inspection coverage'],
  group_grid: ['网格', 'Grids'],
  group_street: ['街道', 'Streets'],
  group_district: ['区', 'Districts'],
  group_inspector: ['巡查员', 'Inspectors'],
  this_month: ['本月', 'This month'],
  from_label: ['从', 'From'],
  to_label: ['到', 'To'],
  loading: ['正在加载…', 'Loading…'],
  name: ['名称', 'Name'],
  due: ['应巡', 'Due'],
  done: ['按时完成', 'Done'],
  done_late: ['逾期完成', 'Late'],
  missed: ['漏巡', 'Missed'],
  open: ['未完成', 'Open'],
  coverage: ['覆盖率', 'Coverage'],
  formula: ['覆盖率 =(按时完成 + 逾期完成)÷ 应巡;按覆盖率从低到高排列。', 'Coverage = (done + late) ÷ due; lowest first.'],
  no_rows: ['该期间没有应巡任务。', 'No tasks due in this period.'],
  export: ['导出', 'Export'],
  export_failed: ['导出失败:{m}', 'Export failed: {m}'],
  failed: ['覆盖率加载失败:{m}', 'Coverage failed to load: {m}'],
});

export const MAP_STATES = ['done', 'late', 'due', 'missed', 'never_inspected', 'unplanned'] as const;
export type MapState = (typeof MAP_STATES)[number];

export function stateWord(state: string): string {
  return (MAP_STATES as readonly string[]).includes(state)
    ? ct(`state_${state as MapState}`)
    : ct('state_unknown', { w: state });
}

/** The days-since buckets of the second mode: [upper bound in days (null: never), label key]. */
export const DAY_BUCKETS = [
  [7, 'days_7'],
  [14, 'days_14'],
  [30, 'days_30'],
  [Infinity, 'days_more'],
  [null, 'days_never'],
] as const;

/** "11月17日(17 天前)" / "17 Nov (17 days ago)"; "从未巡查" without a date. */
export function lastInspected(iso: string | null | undefined, daysSince: number | null | undefined): string {
  if (!iso) return ct('never');
  const date = new Date(iso);
  const otherYear = date.getFullYear() !== new Date().getFullYear();
  const day = date.toLocaleDateString(lang() === 'zh' ? 'zh-CN' : 'en-GB', {
    ...(otherYear ? { year: 'numeric' } : {}),
    month: lang() === 'zh' ? 'long' : 'short', // 11月17日, 17 Nov
    day: 'numeric',
  });
  if (daysSince === null || daysSince === undefined) return day;
  const ago = daysSince <= 0 ? ct('today') : daysSince === 1 ? ct('yesterday') : ct('days_ago', { n: daysSince });
  return lang() === 'zh' ? `${day}(${ago})` : `${day} (${ago})`;
}

