// Words of the inspector scorecard (the inspector's 我的考评 and the supervisors' 巡查员 tab).
import { texts } from '../i18n';

export const st = texts({
  my_scorecard: ['我的考评', 'My scorecard'],
  this_month: ['本月', 'This month'],
  last_month: ['上月', 'Last month'],
  period: ['{a} 至 {b}', '{a} to {b}'],
  on_time_inspection: ['按时巡查率', 'On-time inspections'],
  on_time_inspection_of: ['应巡 {d} 项:按时 {a},逾期完成 {l},漏巡 {m},进行中 {o}', '{d} tasks due: {a} on time, {l} late, {m} missed, {o} still open'],
  valid_reports: ['有效上报率', 'Valid reports'],
  valid_reports_of: ['上报 {f} 项:确认 {a},撤销 {b}', '{f} findings: {a} confirmed, {b} cancelled as invalid'],
  on_time_verify: ['按时核查率', 'On-time re-inspections'],
  on_time_verify_of: ['核查 {n} 次:按时 {a}', '{n} re-inspections: {a} on time'],
  missed_reports: ['漏报率', 'Missed reports'],
  missed_reports_of: ['投诉 {n} 件:此前未发现 {a}', '{n} complaints: {a} not found before'],
  evidence_flags: ['取证异常率', 'Evidence flags'],
  evidence_flags_of: ['照片 {n} 张:有异常 {a}', '{n} photos: {a} flagged'],
  higher_better: ['越高越好', 'higher is better'],
  lower_better: ['越低越好', 'lower is better'],
  no_data: ['暂无数据', 'No data'],
  cannot_load: ['无法加载考评:{m}', 'Cannot load the scorecard: {m}'],
  offline_cached: ['当前显示 {t} 保存的数据。', 'Showing the figures saved {t}.'],
  no_row: ['本期没有您的考评数据。', 'No figures for you in this period.'],
  // supervisors' tab
  tab: ['巡查员', 'Inspectors'],
  per_inspector: ['按巡查员', 'Per inspector'],
  per_grid: ['按网格', 'Per grid'],
  name: ['名称', 'Name'],
  tasks_due: ['应巡', 'Due'],
  export: ['导出', 'Export'],
  export_failed: ['导出失败:{m}', 'Export failed: {m}'],
  no_rows: ['本期没有数据。', 'Nothing in this period.'],
});
