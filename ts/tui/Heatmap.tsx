import { Box, Text } from 'ink';
import type { Cell } from './snapshot';

// A 5-step sequential scale (viridis-like); NO_COLOR drops it and the numbers remain.
const SCALE = ['#440154', '#3b528b', '#21918c', '#5ec962', '#fde725'] as const;
const FG = ['white', 'white', 'white', 'black', 'black'] as const;

export function colourIndex(v: number, lo: number, hi: number): number {
  if (hi <= lo) return SCALE.length - 1;
  return Math.min(SCALE.length - 1, Math.max(0, Math.floor(((v - lo) / (hi - lo)) * SCALE.length)));
}

/** Evenly spaced rows when the grid has more fractions than the screen has room for. */
export function sampleRows<T>(rows: T[], max: number): T[] {
  if (rows.length <= max) return rows;
  return Array.from({ length: max }, (_, i) => rows[Math.round((i * (rows.length - 1)) / (max - 1))]);
}

export function Heatmap(props: { cells: Cell[]; fractions: number[]; models: string[]; maxRows?: number; colour: boolean }) {
  const { cells, models, colour } = props;
  const byKey = new Map(cells.map((c) => [`${c.fraction}|${c.model}`, c]));
  const values = cells.map((c) => c.dice).filter((v): v is number => v !== null);
  const lo = Math.min(...values);
  const hi = Math.max(...values);
  const width = Math.max(7, ...models.map((m) => m.length + 1));
  const rows = sampleRows(props.fractions, props.maxRows ?? 10);
  return (
    <Box flexDirection="column">
      <Text bold>
        {'DSC    '}
        {models.map((m) => m.padStart(width)).join('')}
      </Text>
      {rows.map((f) => (
        <Text key={f}>
          {`${(f * 100).toFixed(0).padStart(4)}%  `}
          {models.map((m) => {
            const c = byKey.get(`${f}|${m}`);
            const text = c?.dice != null ? c.dice.toFixed(3) : c?.status === 'running' ? '  …  ' : c?.status === 'failed' ? ' fail' : '  ·  ';
            const pad = ' '.repeat(width - text.length - 1);
            if (!colour || c?.dice == null) return <Text key={m}>{`${pad} ${text}`}</Text>;
            const k = colourIndex(c.dice, lo, hi);
            return (
              <Text key={m}>
                {pad}
                <Text backgroundColor={SCALE[k]} color={FG[k]}>{` ${text}`}</Text>
              </Text>
            );
          })}
        </Text>
      ))}
    </Box>
  );
}
