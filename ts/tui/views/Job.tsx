import { Box, Text } from 'ink';
import { Chart } from '../Chart';
import { rowLabel, type Snapshot } from '../snapshot';

const num = (v: unknown) => (typeof v === 'number' ? v : null);

/** One job (↑/↓ choose): its epoch curves (losses and validation DSC) and its test metrics. */
export function Job({ snap, index, colour, width, height }: { snap: Snapshot; index: number; colour: boolean; width: number; height: number }) {
  const d = snap.job;
  if (!d) return <Text dimColor>no jobs</Text>;
  const c = d.cell;
  const ep = d.epochs;
  const pts = (col: string) => ep.map((e): [number, number] | null => (num(e[col]) === null ? null : [Number(e.epoch), num(e[col]) as number])).filter((p): p is [number, number] => p !== null);
  const series = [
    { label: 'train loss', mark: 't', colour: 'yellow', kind: 'line' as const, points: pts('train_loss') },
    { label: 'val loss', mark: 'v', colour: 'magenta', kind: 'line' as const, points: pts('val_loss') },
    { label: 'val DSC', mark: 'd', colour: 'cyan', kind: 'line' as const, points: pts('val_dice') },
  ];
  const ys = series.flatMap((s) => s.points.map((p) => p[1]));
  const hi = Math.max(1, ...ys);
  const last = Math.max(1, ep.length, d.live?.epochs ?? 0);
  const m = (v: number | null) => (v === null ? '–' : v.toFixed(4));
  return (
    <Box flexDirection="column">
      <Text>
        {`job ${index + 1}/${snap.cells.length}: ${c.model} @ ${rowLabel(c.fraction)} [${c.key}] ${c.status}`}
        {d.live ? ` · epoch ${d.live.epoch ?? 0}/${d.live.epochs ?? '?'}` : ''}
        {d.seconds !== null ? ` · ${d.seconds.toFixed(1)} s` : ''}
        {d.attempts > 1 ? ` · attempt ${d.attempts}` : ''}
        <Text dimColor>{'  (↑/↓ job)'}</Text>
      </Text>
      {ep.length ? (
        <Chart colour={colour} spec={{ width: Math.min(width, 100), height: Math.max(5, height - 4), x: [1, Math.max(2, last)], y: [0, hi], series, xFormat: (v) => `ep ${Math.round(v)}` }} />
      ) : (
        <Text dimColor>no epochs yet</Text>
      )}
      <Text>{'t train loss  v val loss  d val DSC'}</Text>
      <Text>{`test  DSC ${m(c.dice)}  IoU ${m(c.iou)}  recall ${m(c.recall)}  precision ${m(c.precision)}`}</Text>
    </Box>
  );
}
