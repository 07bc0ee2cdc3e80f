/**
 * Is the answer calibrated on a grid of one run per size, the grid most users have? The band was
 * learnt on LCDB's curves, whose every point is a mean over about 25 seeds; a user's point is one
 * run. Here each LCDB curve's single run (outer and inner seed 0) is observed up to 10/25/50% of its
 * largest n, and from pilots of 4, 3, 2 and 1 of its sizes to 25%, and forecast at the largest n, where
 * the truth is the mean over every seed (the Dice to expect) and, in one more column, the run's own
 * value there (what training that run on every case would have shown). Printed side by side, on
 * the same data sets × learners: the mean curves (what the band was learnt on), the single runs
 * with the band as learnt (the reference, measured in the same run: the same points declared as
 * means of repeats that agree, so no single run's noise is added), and the single runs as the
 * engine answers them (band.ts: singleRunSd). The halves are scored as bench/forecast.ts scores
 * them: each F1/AUC half with the quantiles the other half gave alone, accuracy with the shipped.
 *
 *   bash scripts/node.sh --import tsx bench/singlerun.ts [--curves 300]
 */
import { parseArgs } from 'node:util';
import { type Half, calibration, quantilesOf, useCalibration } from '../ts/surrogate/calibration';
import type { Curve } from '../ts/surrogate/curve';
import { DEFAULT_METHOD } from '../ts/surrogate/surrogate';
import { table } from '../ts/cli/format';
import { type SingleRun, curveName, leaveOwnDataSetOut, otherHalf, runsCorpus } from './lib/corpus';
import { scoreMethod, summarise } from './lib/evaluate';

const { values: args } = parseArgs({ options: { curves: { type: 'string', default: '300' } } });
const SCENARIOS = [
  { cut: 0.1, pilot: 0 },
  { cut: 0.25, pilot: 0 },
  { cut: 0.5, pilot: 0 },
  { cut: 0.25, pilot: 4 },
  { cut: 0.25, pilot: 3 },
  { cut: 0.25, pilot: 2 },
  { cut: 0.25, pilot: 1 },
];
const f = (v: number | null, d = 3) => (v === null || !Number.isFinite(v) ? '–' : v.toFixed(d));

/**
 * The observed points are `points`, the largest n's value is `truth` (the scored value). A single
 * run carries no sd or count, as a store's curve of one run per size does not; `repeats` gives the
 * seeds' (the mean curve, as bench/forecast.ts scores it) or, as 'agreeing', declares the points
 * means of 25 repeats that agree (the band as learnt, with no single run's noise added).
 */
const curve = (c: SingleRun, points: number[], truth: number, repeats?: 'seeds' | 'agreeing'): Curve => ({
  model: curveName(c), depth: null, n: c.n, dice: [...points.slice(0, -1), truth],
  ...(repeats === 'seeds' ? { sd: c.sd, count: c.count } : repeats === 'agreeing' ? { sd: c.n.map(() => 0), count: c.n.map(() => 25) } : {}),
});

async function run(title: string, runs: SingleRun[]) {
  console.log(`\n== ${title}: ${runs.length} curves`);
  const rows: (string | number)[][] = [];
  for (const { cut, pilot } of SCENARIOS) {
    const cover = async (curves: Curve[]) => summarise(await scoreMethod(curves, DEFAULT_METHOD, cut, pilot));
    const means = await cover(runs.map((c) => curve(c, c.mean, c.mean.at(-1)!, 'seeds')));
    const asLearnt = await cover(runs.map((c) => curve(c, c.run, c.mean.at(-1)!, 'agreeing')));
    const single = await cover(runs.map((c) => curve(c, c.run, c.mean.at(-1)!)));
    const own = await cover(runs.map((c) => curve(c, c.run, c.run.at(-1)!)));
    rows.push([`${cut * 100}%${pilot ? `, ${pilot} point${pilot === 1 ? '' : 's'}` : ''}`, single.curves, f(means.mae, 4), f(single.mae, 4), f(means.coverage95), f(asLearnt.coverage95), f(single.coverage95), f(own.coverage95), f(asLearnt.width95), f(single.width95)]);
  }
  console.log(table(['observed', 'curves', 'MAE means', 'MAE single', '95% cover means', 'single, band as learnt', 'single', 'single, own run', 'width as learnt', 'width'], rows));
}

leaveOwnDataSetOut();
const shipped = calibration();
const count = Number(args.curves);
for (const half of ['held-out', 'calibrate'] as Half[]) {
  useCalibration(quantilesOf(shipped, otherHalf(half)));
  await run(`F1 + AUC single runs, the ${half} half (${half === 'calibrate' ? 'even' : 'odd'} OpenML ids; quantiles of the other half)`, runsCorpus('dev', count, 2, half));
}
useCalibration(shipped);
await run('accuracy single runs (independent check; the shipped quantiles)', runsCorpus('check', count, 3));
