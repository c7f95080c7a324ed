// The owner evaluation screen's words (业主评价), zh-CN first.

import { texts } from '../../i18n';

export const ot = texts({
  nav: ['业主评价', 'Owners'],
  title: ['业主满意度评价', "Owners' evaluation"],
  period_label: ['季度中的一天', 'A day of the quarter'],
  period: ['本期:{a} – {b},每小区满 {n} 份评价后显示得分', 'Period: {a} – {b}; scores shown from {n} answers per estate'],
  estate: ['小区', 'Estate'],
  answers: ['评价数', 'Answers'],
  score: ['得分', 'Score'],
  satisfaction: ['满意率', 'Satisfied'],
  overall: ['总体', 'Overall'],
  poster: ['海报', 'Poster'],
  poster_label: ['打印{name}的评价海报', 'Print the poster of {name}'],
  too_few: ['不足 {n} 份', 'under {n}'],
  formula: [
    '得分 = Σ 权重 × (平均分 − 1) / 4(0–100);满意率 = 总体评价为“满意”或“很满意”的份数 ÷ 评价数。只显示汇总,不显示任何一户的答案。',
    'Score = Σ weight × (mean − 1) / 4 (0–100); satisfied = answers rating overall 4 or 5 ÷ answers. Totals only, never one household.',
  ],
  loading: ['正在加载…', 'Loading…'],
  failed: ['加载失败:{m}', 'Failed to load: {m}'],
  poster_failed: ['海报打开失败:{m}', 'The poster failed to open: {m}'],
  empty: ['您的辖区内没有小区', 'No estates in your jurisdiction'],
  comments: ['意见', 'Comments'],
  comments_label: ['查看{name}业主的文字意见', "Read the comments of {name}'s owners"],
  comments_title: ['{name}:业主意见({n} 条)', '{name}: comments ({n})'],
  comments_note: [
    '只显示意见原文,按文字排序,不显示门牌、手机或时间;小区满 {n} 份评价后才显示。',
    'The text only, in text order: no home, phone or time; shown from {n} answers per estate.',
  ],
  comments_none: ['本期没有文字意见', 'No written comments this period'],
  comments_withheld: ['评价不足 {n} 份,暂不显示意见', 'Under {n} answers: comments withheld'],
  comments_loading: ['正在加载意见…', 'Loading comments…'],
  comments_failed: ['意见加载失败:{m}', 'The comments failed to load: {m}'],
  comments_close: ['关闭意见', 'Close comments'],
});
