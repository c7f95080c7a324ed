// A horizontal bar chart in plain SVG: a few hundred bytes instead of a charting library.
// Labels sit in a left column, bars scale to `max`, each bar is labelled with its value.

export interface Bar {
  label: string;
  value: number | null; // null: no figure (drawn as "—")
  colour?: string;
}

const ROW = 26;
const LABEL_W = 170;
const VALUE_W = 56;

export function BarChart({ title, bars, max, format, testid }: {
  title: string;
  bars: Bar[];
  max: number;
  format: (v: number) => string;
  testid?: string;
}) {
  const width = 640;
  const plot = width - LABEL_W - VALUE_W;
  const height = bars.length * ROW + 8;
  return (
    <figure class="sv-chart" data-testid={testid}>
      <figcaption>{title}</figcaption>
      <svg viewBox={`0 0 ${width} ${height}`} width="100%" role="img" aria-label={title}
        preserveAspectRatio="xMinYMin meet">
        {[0.25, 0.5, 0.75, 1].map((f) => (
          <line key={f} x1={LABEL_W + plot * f} x2={LABEL_W + plot * f} y1={0} y2={height - 4}
            stroke="#d7ddd9" stroke-dasharray="3 3" />
        ))}
        {bars.map((bar, i) => {
          const y = i * ROW + 4;
          const w = bar.value === null || max <= 0 ? 0 : Math.max(1, (Math.min(bar.value, max) / max) * plot);
          const label = bar.label.length > 12 ? `${bar.label.slice(0, 11)}…` : bar.label;
          return (
            <g key={i} class="sv-bar">
              <title>{`${bar.label}: ${bar.value === null ? '—' : format(bar.value)}`}</title>
              <text x={LABEL_W - 8} y={y + ROW / 2 + 1} text-anchor="end" dominant-baseline="middle" font-size="13">
                {label}
              </text>
              <rect x={LABEL_W} y={y + 3} width={w} height={ROW - 8} rx={3} fill={bar.colour ?? '#1f6f4a'} />
              <text x={LABEL_W + w + 6} y={y + ROW / 2 + 1} dominant-baseline="middle" font-size="12" fill="#5f6b65">
                {bar.value === null ? '—' : format(bar.value)}
              </text>
            </g>
          );
        })}
      </svg>
    </figure>
  );
}
