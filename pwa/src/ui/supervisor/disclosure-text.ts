// The publish form's words (公示) beside the scorecard dashboard. zh-CN first.

import { texts } from '../../i18n';

export const dt = texts({
  parts: ['发布公示时一并公布', 'Publish together with the scorecards'],
  with_coverage: ['包含巡查覆盖率', 'Include inspection coverage'],
  with_coverage_hint: ['按网格、街道公示本期巡查任务的完成情况', 'Publishes the period’s inspection tasks done, per grid and street'],
  with_kaoping: ['包含考评结果', 'Include the 考评 grades'],
  with_kaoping_hint: ['公示截止日所在季度各小区考评等次和企业信用等级', 'Publishes the grades of the quarter holding the last day, per estate and firm'],
  with_owner_survey: ['包含业主评价', 'Include the owner survey'],
  with_owner_survey_hint: ['公示截止日所在调查期各小区、企业的业主满意度(答卷不足最低份数的不公布分数)', 'Publishes the owner survey of the period holding the last day, per estate and firm (no score below the minimum of answers)'],
  with_fullcover: ['包含物业管理全覆盖', 'Include 物业管理全覆盖 progress'],
  with_fullcover_hint: ['截至公示截止日各区、街道物业管理覆盖进度与目标', 'Publishes management coverage per district and street on the last day, against the milestones'],
  with_kaohe: ['包含街道、区考核排名', 'Include the street and district ranking'],
  with_kaohe_hint: ['本期街道在区内、区在全市的考核排名', 'Publishes the period’s ranking of streets within their district and of districts in the city'],
});
