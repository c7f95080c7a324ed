// Estates by management mode at each month end as stacked columns in plain SVG (no chart library):
// one column a month, modes stacked from market at the bottom to unmanaged on top.

import { ft } from './fullcover-text';

export const MODES = ['market', 'state_takeover', 'charitable_custody', 'self_managed', 'unmanaged'] as const;
export type Mode = (typeof MODES)[number];
export type Point = { date: string } & Record<Mode, number>;

export const MODE_COLOUR: Record<Mode, string> = {
  market: '#1f6f4a',
  state_takeover: '#1565c0',
  charitable_custody: '#8e44ad',
  self_managed: '#e08a00',
  unmanaged: '#c62828',
};

const W = 480;
const H = 260;
const LEFT = 34;
const BOTTOM = 24;

export function ModeChart({ series }: { series: Point[] }) {
  const totals = series.map((p) => MODES.reduce((s, m) => s + p[m], 0));
  const max = Math.max(1, ...totals);
  const plotW = W - LEFT - 6;
  const plotH = H - BOTTOM - 8;
  const step = plotW / Math.max(1, series.length);
  const bar = Math.max(1, step * 0.8);
  const years = series
    .map((p, i) => ({ i, label: p.date.slice(0, 4), month: p.date.slice(5, 7) }))
    // A year under its January; the first column's year only when its January is far enough away.
    .filter((p, k) => p.month === '01' || (k === 0 && Number(p.month) <= 9));
  return (
    <figure class="sv-chart" data-testid="fc-chart">
      <figcaption>{ft('chart')}</figcaption>
      <svg viewBox={`0 0 ${W} ${H}`} width="100%" role="img" aria-label={ft('chart')} preserveAspectRatio="xMinYMin meet">
        {[0.5, 1].map((f) => (
          <g key={f}>
            <line x1={LEFT} x2={W - 6} y1={8 + plotH * (1 - f)} y2={8 + plotH * (1 - f)} stroke="#d7ddd9" stroke-dasharray="3 3" />
            <text x={LEFT - 4} y={8 + plotH * (1 - f)} text-anchor="end" dominant-baseline="middle" font-size="14" fill="#5f6b65">
              {Math.round(max * f)}
            </text>
          </g>
        ))}
        {series.map((p, i) => {
          let y = 8 + plotH;
          return (
            <g key={p.date} class="fc-col" data-date={p.date}>
              <title>{`${p.date}: ${MODES.map((m) => `${ft(`mode_${m}`)} ${p[m]}`).join(', ')}`}</title>
              {MODES.map((m) => {
                const h = (p[m] / max) * plotH;
                y -= h;
                return h > 0 ? <rect key={m} x={LEFT + i * step} y={y} width={bar} height={h} fill={MODE_COLOUR[m]} /> : null;
              })}
            </g>
          );
        })}
        {years.map(({ i, label }) => (
          <text key={i} x={LEFT + i * step + bar / 2} y={H - 6} text-anchor="middle" font-size="14" fill="#5f6b65">{label}</text>
        ))}
      </svg>
      <ul class="fc-legend">
        {MODES.map((m) => (
          <li key={m}><span class="fc-swatch" style={{ background: MODE_COLOUR[m] }} />{ft(`mode_${m}`)}</li>
        ))}
      </ul>
    </figure>
  );
}
