import { Box, Text } from 'ink';
import { Chart } from '../Chart';
import type { CurveForecast } from '../forecasts';
import type { PlotSeries } from '../plot';

const MARKS = ['●', '■', '▲', '◆', '✚', '○', '□', '△'];
const COLOURS = ['cyan', 'magenta', 'yellow', 'green', 'blue', 'red', 'white', 'gray'];

/**
 * Dice versus fraction per model: observed points, the answer engine's forecast past them (a
 * dotted line) with its 95% band for the selected model (↑/↓), and that model's plateau point (│),
 * all from the one engine call the overview's answer comes from.
 */
export function Curves(props: { curves: CurveForecast[] | null; selected: number; colour: boolean; width: number; height: number }) {
  const { curves, width, height } = props;
  if (!curves) return <Text dimColor>fitting surrogates…</Text>;
  if (!curves.length) return <Text dimColor>no finished jobs yet</Text>;
  const sel = curves[((props.selected % curves.length) + curves.length) % curves.length];
  const ys = curves.flatMap((c) => [...c.observed.map((p) => p[1]), ...c.forecast.flatMap((f) => [f.lo, f.hi])]);
  const y: [number, number] = [Math.max(0, Math.floor(Math.min(...ys) * 10) / 10), Math.min(1, Math.ceil(Math.max(...ys) * 10) / 10)];
  const series: PlotSeries[] = curves.flatMap((c, i) => [
    { label: `${c.model} forecast`, kind: 'line' as const, mark: '·', colour: COLOURS[i % COLOURS.length], points: [c.observed[c.observed.length - 1], ...c.forecast.map((f): [number, number] => [f.fraction, f.dice])].filter(Boolean) },
    { label: c.model, mark: MARKS[i % MARKS.length], colour: COLOURS[i % COLOURS.length], points: c.observed },
  ]);
  const i = curves.indexOf(sel);
  const end = sel.forecast[sel.forecast.length - 1];
  const xMax = Math.max(1, ...curves.flatMap((c) => c.forecast.map((f) => f.fraction)));
  return (
    <Box flexDirection="column">
      <Text>
        {curves.map((c, k) => `${MARKS[k % MARKS.length]} ${c.model}${k === i ? '*' : ''}`).join('  ')}
        <Text dimColor>{`  · ${sel.method} forecast, ░ 95% band of *`}</Text>
      </Text>
      <Chart
        colour={props.colour}
        spec={{
          width: Math.min(width, 100),
          height: Math.max(6, height - 4),
          x: [0, xMax],
          y: y[1] > y[0] ? y : [0, 1],
          series,
          band: { points: sel.forecast.map((f) => [f.fraction, f.lo, f.hi]), colour: COLOURS[i % COLOURS.length] },
          marks: sel.plateau !== null && sel.plateau <= xMax ? [{ x: sel.plateau, label: 'plateau', colour: 'red' }] : [],
          xFormat: (v) => `${Math.round(v * 100)}%`,
        }}
      />
      <Text wrap="truncate-end">
        {`${sel.model}: `}
        {sel.plateauText ?? 'no forecast'}
        {sel.note ? ` · ${sel.note}` : ''}
      </Text>
      {end ? <Text wrap="truncate-end">{`forecast DSC at ${Math.round(end.fraction * 100)}%: ${end.dice.toFixed(3)} [${end.lo.toFixed(3)}, ${end.hi.toFixed(3)}] (95%)`}</Text> : null}
    </Box>
  );
}
