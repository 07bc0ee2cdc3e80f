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
import { type SingleRun, leaveOwnDataSetOut, otherHalf, runCurve, runsCorpus } from './lib/corpus';
import { scoreMethod, shapeOf, summarise } from './lib/evaluate';

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

async function run(title: string, runs: SingleRun[]) {
  console.log(`\n== ${title}: ${runs.length} curves`);
  const rows: (string | number)[][] = [];
  for (const { cut, pilot } of SCENARIOS) {
    const scored = async (curves: Curve[]) => scoreMethod(curves, DEFAULT_METHOD, cut, pilot);
    const cover = async (curves: Curve[]) => summarise(await scored(curves));
    const means = await cover(runs.map((c) => runCurve(c, c.mean, c.mean.at(-1)!, 'seeds')));
    const asLearnt = await cover(runs.map((c) => runCurve(c, c.run, c.mean.at(-1)!, 'agreeing')));
    const singles = await scored(runs.map((c) => runCurve(c, c.run, c.mean.at(-1)!)));
    const single = summarise(singles);
    // the runs observed flat or at the floor, whose band takes a quantile of its own (calibration.ts: stratumOf)
    const flat = summarise(singles.filter((x) => shapeOf(x) === 'flat'));
    const floor = summarise(singles.filter((x) => shapeOf(x) === 'floor'));
    const own = await cover(runs.map((c) => runCurve(c, c.run, c.run.at(-1)!)));
    rows.push([`${cut * 100}%${pilot ? `, ${pilot} point${pilot === 1 ? '' : 's'}` : ''}`, single.curves, f(means.mae, 4), f(single.mae, 4), f(means.coverage95), f(asLearnt.coverage95), f(single.coverage95), f(own.coverage95), f(asLearnt.width95), f(single.width95), `${flat.curves}: ${f(flat.coverage95)}`, `${floor.curves}: ${f(floor.coverage95)}`]);
  }
  console.log(table(['observed', 'curves', 'MAE means', 'MAE single', '95% cover means', 'single, band as learnt', 'single', 'single, own run', 'width as learnt', 'width', 'flat: single cover', 'floor: single cover'], rows));
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
