/**
 * A time-series chart small enough for a table cell: lines over the span of their points, on a linear scale from
 * zero to the largest value (which its title states), broken where a value is null (a window without traffic); a
 * value alone between gaps is a dot.
 */
const WIDTH = 100;
const HEIGHT = 28;
const PAD = 2;

export interface Line {
  readonly points: readonly { readonly at: number; readonly value: number | null }[];
  readonly dashed?: boolean;
}

export function Sparkline({ label, unit, lines }: { label: string; unit: string; lines: readonly Line[] }): React.JSX.Element {
  const points = lines.flatMap((l) => l.points);
  const start = Math.min(...points.map((p) => p.at));
  const span = Math.max(...points.map((p) => p.at)) - start || 1;
  const top = Math.max(0, ...points.map((p) => p.value ?? 0)) || 1;
  const x = (at: number): number => PAD + ((at - start) / span) * (WIDTH - 2 * PAD);
  const y = (value: number): number => HEIGHT - PAD - (value / top) * (HEIGHT - 2 * PAD);
  // One run per stretch of values, so a window without traffic shows as a gap rather than a drop to zero.
  const runs = (line: Line): (readonly [number, number])[][] => {
    const out: (readonly [number, number])[][] = [[]];
    for (const p of line.points) {
      if (p.value === null) out.push([]);
      else out[out.length - 1]?.push([x(p.at), y(p.value)]);
    }
    return out.filter((run) => run.length > 0);
  };
  const caption = points.some((p) => p.value !== null) ? `${label}, up to ${top.toPrecision(3)} ${unit}` : `${label}: no traffic yet`;
  return (
    <svg className="sparkline" viewBox={`0 0 ${WIDTH} ${HEIGHT}`} width={WIDTH} height={HEIGHT} role="img" aria-label={label}>
      <title>{caption}</title>
      {lines.map((line, i) =>
        runs(line).map((run, n) => {
          const [first] = run;
          return run.length === 1 && first ? (
            <circle key={`${i}-${n}`} cx={first[0]} cy={first[1]} r={1.5} fill="currentColor" />
          ) : (
            <polyline
              key={`${i}-${n}`}
              points={run.map(([px, py]) => `${px.toFixed(1)},${py.toFixed(1)}`).join(' ')}
              fill="none"
              stroke="currentColor"
              strokeWidth={line.dashed ? 1 : 1.5}
              strokeDasharray={line.dashed ? '3 2' : undefined}
            />
          );
        }),
      )}
    </svg>
  );
}
