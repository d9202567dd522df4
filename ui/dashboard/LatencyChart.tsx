/**
 * p50 (solid) and p95 (dashed) latency per model version as an inline SVG,
 * on a log scale: sentiment answers in milliseconds, the mock numeric model
 * in about half a second, and both should stay readable.
 */
import { HISTORY_MS } from './latency';
import type { LatencySeries, Series } from './latency';

const WIDTH = 720;
const HEIGHT = 240;
const PAD = { left: 56, right: 12, top: 12, bottom: 24 };
const COLOURS = ['#2563eb', '#dc2626', '#16a34a', '#9333ea', '#ea580c', '#0891b2'];
const TICKS_MS = [0.1, 0.2, 0.5, 1, 2, 5, 10, 20, 50, 100, 200, 500, 1000, 2000, 5000, 10000];

function colourOf(index: number): string {
  return COLOURS[index % COLOURS.length] ?? '#000';
}

export function LatencyChart({ series }: { series: LatencySeries }): React.JSX.Element {
  const all: readonly Series[] = Object.values(series).sort((a, b) => a.key.localeCompare(b.key));
  const points = all.flatMap((s) => s.points);
  if (points.length === 0) {
    return <p className="empty">No latency events yet: send a prediction below (or from anywhere) and it appears here.</p>;
  }
  const end = Math.max(...points.map((p) => p.at));
  const start = end - HISTORY_MS;
  const values = points.flatMap((p) => [p.p50, p.p95]).map((v) => Math.max(v, 0.1));
  const low = Math.log10(Math.min(...values)) - 0.2;
  const high = Math.log10(Math.max(...values)) + 0.2;
  const x = (at: number): number => PAD.left + ((at - start) / HISTORY_MS) * (WIDTH - PAD.left - PAD.right);
  const y = (ms: number): number => PAD.top + (1 - (Math.log10(Math.max(ms, 0.1)) - low) / (high - low)) * (HEIGHT - PAD.top - PAD.bottom);
  const ticks = TICKS_MS.filter((t) => Math.log10(t) >= low && Math.log10(t) <= high);
  return (
    <figure>
      <svg viewBox={`0 0 ${WIDTH} ${HEIGHT}`} width="100%" role="img" aria-label="latency chart">
        {ticks.map((t) => (
          <g key={t}>
            <line x1={PAD.left} x2={WIDTH - PAD.right} y1={y(t)} y2={y(t)} stroke="#e5e7eb" />
            <text x={PAD.left - 6} y={y(t) + 4} textAnchor="end" fontSize="11">
              {t} ms
            </text>
          </g>
        ))}
        <text x={WIDTH - PAD.right} y={HEIGHT - 6} textAnchor="end" fontSize="11">
          last {HISTORY_MS / 1000} s
        </text>
        {all.map((s, i) => (
          <g key={s.key} data-series={s.key} stroke={colourOf(i)} fill={colourOf(i)}>
            <polyline fill="none" strokeWidth="2" points={s.points.map((p) => `${x(p.at)},${y(p.p50)}`).join(' ')} />
            <polyline
              fill="none"
              strokeWidth="1.5"
              strokeDasharray="5 4"
              points={s.points.map((p) => `${x(p.at)},${y(p.p95)}`).join(' ')}
            />
            {s.points.map((p, n) => (
              <circle key={n} cx={x(p.at)} cy={y(p.p50)} r="3">
                <title>{`${s.key} p50 ${p.p50.toFixed(1)} ms, p95 ${p.p95.toFixed(1)} ms`}</title>
              </circle>
            ))}
          </g>
        ))}
      </svg>
      <figcaption>
        <ul className="legend">
          {all.map((s, i) => {
            const last = s.points[s.points.length - 1];
            return (
              <li key={s.key} style={{ color: colourOf(i) }}>
                {s.model} {s.version}: p50 {last?.p50.toFixed(1)} ms, p95 {last?.p95.toFixed(1)} ms ({s.samples.length} in window)
              </li>
            );
          })}
        </ul>
      </figcaption>
    </figure>
  );
}
