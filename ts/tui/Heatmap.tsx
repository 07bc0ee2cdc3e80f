import { Box, Text } from 'ink';
import { type Cell, METRIC_LABEL, type Metric, rowLabel } from './snapshot';
import { groupBy } from '../group';

// A 5-step sequential scale (viridis); NO_COLOR drops it and the numbers remain.
export const SCALE = ['#440154', '#3b528b', '#21918c', '#5ec962', '#fde725'] as const;
const FG = ['white', 'white', 'white', 'black', 'black'] as const;

export function colourIndex(v: number, lo: number, hi: number): number {
  if (hi <= lo) return SCALE.length - 1;
  return Math.min(SCALE.length - 1, Math.max(0, Math.floor(((v - lo) / (hi - lo)) * SCALE.length)));
}

/** Evenly spaced rows when the grid has more fractions than the screen has room for. */
export function sampleRows<T>(rows: T[], max: number): T[] {
  if (rows.length <= max) return rows;
  if (max <= 1) return rows.slice(0, Math.max(0, max));
  return Array.from({ length: max }, (_, i) => rows[Math.round((i * (rows.length - 1)) / (max - 1))]);
}

/** Mean of a metric over the cells of one (row, model): folds and repeats share a cell. */
function cellValue(cells: Cell[], metric: Metric): number | null {
  const v = cells.map((c) => c[metric]).filter((x): x is number => x !== null);
  return v.length ? v.reduce((s, x) => s + x, 0) / v.length : null;
}

export function Heatmap(props: { cells: Cell[]; fractions: number[]; models: string[]; metric?: Metric; maxRows?: number; colour: boolean }) {
  const { models, colour } = props;
  const metric = props.metric ?? 'dice';
  const byKey = groupBy(props.cells, (c) => `${c.fraction}|${c.model}`);
  const values = [...byKey.values()].map((cs) => cellValue(cs, metric)).filter((v): v is number => v !== null);
  const lo = Math.min(...values);
  const hi = Math.max(...values);
  const width = Math.max(7, ...models.map((m) => m.length + 1));
  const rows = sampleRows(props.fractions, props.maxRows ?? 10);
  const label = METRIC_LABEL[metric];
  return (
    <Box flexDirection="column">
      <Text bold>
        {label.padEnd(7)}
        {models.map((m) => m.padStart(width)).join('')}
      </Text>
      {rows.map((f) => (
        <Text key={f}>
          {`${rowLabel(f).padStart(5)}  `}
          {models.map((m) => {
            const cs = byKey.get(`${f}|${m}`) ?? [];
            const v = cellValue(cs, metric);
            const text = v !== null ? v.toFixed(3) : cs.some((c) => c.status === 'running') ? '  …  ' : cs.some((c) => c.status === 'failed') ? ' fail' : '  ·  ';
            const pad = ' '.repeat(Math.max(0, width - text.length - 1));
            if (!colour || v === null) return <Text key={m}>{`${pad} ${text}`}</Text>;
            const k = colourIndex(v, lo, hi);
            return (
              <Text key={m}>
                {pad}
                <Text backgroundColor={SCALE[k]} color={FG[k]}>{` ${text}`}</Text>
              </Text>
            );
          })}
        </Text>
      ))}
      {values.length ? (
        <Text>
          {'scale  '}
          {colour ? SCALE.map((s, i) => <Text key={s} backgroundColor={s} color={FG[i]}>{(lo + ((hi - lo) * i) / SCALE.length).toFixed(2).padStart(6)}</Text>) : null}
          {colour ? ` ${hi.toFixed(2)}` : `${lo.toFixed(3)} … ${hi.toFixed(3)}`}
        </Text>
      ) : null}
    </Box>
  );
}
