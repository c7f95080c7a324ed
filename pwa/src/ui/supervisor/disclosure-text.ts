// The publish form's words (公示) beside the scorecard dashboard. zh-CN first.

import { texts } from '../../i18n';

export const dt = texts({
  with_coverage: ['包含巡查覆盖率', 'Include inspection coverage'],
  with_coverage_hint: ['按网格、街道公示本期巡查任务的完成情况', 'Publishes the period’s inspection tasks done, per grid and street'],
  with_kaoping: ['包含考评结果', 'Include the 考评 grades'],
  with_kaoping_hint: ['公示截止日所在季度各小区考评等次和企业信用等级', 'Publishes the grades of the quarter holding the last day, per estate and firm'],
});
