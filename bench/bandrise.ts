/**
 * Does the 95% band's upper edge ever fall with n, and what does holding it up cost? On LCDB's
 * held-out F1/AUC curves (odd OpenML ids, scored with the even half's quantiles, as bench/forecast.ts
 * does) and the accuracy curves, each observed up to 10/25/50% of its largest n (and from a 4-point
 * pilot at 25%), for the default method: the share of fits whose upper edge falls anywhere from the
 * smallest size observed to 4 times the largest n, and the largest fall, for the raw band (the mean
 * plus the calibrated half-width, the reference, measured in the same run) and the band answers
 * print (band.ts: monotoneBand); the 95% coverage of the Dice at the largest n by each; and, the
 * one place the monotone edge tightens, within the data: the curve is fitted without the size before
 * the last, and each band's coverage of the Dice there (a size inside the data that the fit never
 * saw) is printed.
 *
 *   bash scripts/node.sh --import tsx bench/bandrise.ts [--curves 300]
 */
import { parseArgs } from 'node:util';
import { table } from '../ts/cli/format';
import { calibration, quantilesOf, useCalibration } from '../ts/surrogate/calibration';
import { type Curve, observedPart } from '../ts/surrogate/curve';
import { DEFAULT_METHOD, type FittedCurve, fitSurrogate } from '../ts/surrogate/surrogate';
import { corpus, leaveOwnDataSetOut, otherHalf } from './lib/corpus';
import { forecastable, pilotPart } from './lib/evaluate';

const { values: args } = parseArgs({ options: { curves: { type: 'string', default: '300' } } });
const SCENARIOS = [{ cut: 0.1, pilot: 0 }, { cut: 0.25, pilot: 0 }, { cut: 0.5, pilot: 0 }, { cut: 0.25, pilot: 4 }];
const STEPS = 400;
const f = (v: number, d = 3) => (Number.isFinite(v) ? v.toFixed(d) : '–');

type Edge = (fit: FittedCurve, n: number) => [number, number];
const rawEdge: Edge = (fit, n) => {
  const [mu, h] = [fit.mean(n), fit.halfWidth(n, 0.95)];
  return [Math.max(0, mu - h), Math.min(1, mu + h)];
};
const printedEdge: Edge = (fit, n) => fit.band(n, 0.95);

/** The largest fall of the upper edge on a log grid from the smallest observed size to 4 times the largest n (0 where it never falls). */
function largestFall(fit: FittedCurve, edge: Edge): number {
  const [from, to] = [fit.observedMinN, 4 * fit.nRef];
  let [prev, fall] = [-Infinity, 0];
  for (let k = 0; k <= STEPS; k++) {
    const hi = edge(fit, from * (to / from) ** (k / STEPS))[1];
    fall = Math.max(fall, prev - hi);
    prev = hi;
  }
  return fall;
}

const holds = (fit: FittedCurve, edge: Edge, n: number, truth: number) => {
  const [lo, hi] = edge(fit, n);
  return lo <= truth && truth <= hi;
};

/** The curve observed up to `cut` without its size before the last, and that size with its Dice; null where fewer than 3 sizes are observed. */
function withGap(c: Curve, cut: number): { curve: Curve; n: number; dice: number } | null {
  const seen = observedPart(c, cut).n.length;
  if (seen < 3) return null;
  const keep = c.n.map((_, i) => i).filter((i) => i !== seen - 2);
  const pick = <T>(xs: T[] | undefined) => xs && keep.map((i) => xs[i]);
  return { curve: { ...c, n: pick(c.n)!, dice: pick(c.dice)!, sd: pick(c.sd), count: pick(c.count) }, n: c.n[seen - 2], dice: c.dice[seen - 2] };
}

async function run(name: string, curves: Curve[]): Promise<void> {
  const rows: (string | number)[][] = [];
  for (const { cut, pilot } of SCENARIOS) {
    const input = (pilot ? curves.map((c) => pilotPart(c, cut, pilot)) : curves).filter((c) => forecastable(c, pilot ? 0.999 : cut));
    const fits = (await fitSurrogate(input, DEFAULT_METHOD, { observedUpTo: pilot ? 0.999 : cut, seed: 0 })).fits;
    const truthOf = new Map(input.map((c) => [c.model, c.dice[c.dice.length - 1]]));
    const gaps = input.map((c) => withGap(c, pilot ? 0.999 : cut)).filter((g) => g !== null);
    const gapFits = new Map((await fitSurrogate(gaps.map((g) => g.curve), DEFAULT_METHOD, { observedUpTo: pilot ? 0.999 : cut, seed: 0 })).fits.map((x) => [x.model, x]));
    for (const [label, edge] of [['raw (reference)', rawEdge], ['printed (monotone)', printedEdge]] as const) {
      const falls = fits.map((fit) => largestFall(fit, edge));
      const cover = fits.filter((fit) => holds(fit, edge, fit.nRef, truthOf.get(fit.model)!)).length / fits.length;
      const inGap = gaps.filter((g) => gapFits.has(g.curve.model));
      const gapCover = inGap.filter((g) => holds(gapFits.get(g.curve.model)!, edge, g.n, g.dice)).length / inGap.length;
      rows.push([`${cut * 100}%${pilot ? `, ${pilot} points` : ''}`, label, fits.length, f(falls.filter((x) => x > 1e-9).length / fits.length), f(Math.max(...falls), 4), f(cover), inGap.length, f(gapCover)]);
    }
  }
  console.log(`\n== ${name}`);
  console.log(table(['cut', 'upper edge', 'fits', 'share falling', 'largest fall', '95% cover at largest n', 'gap fits', '95% cover at the unseen size before the last'], rows));
}

leaveOwnDataSetOut();
const shipped = calibration();
useCalibration(quantilesOf(shipped, otherHalf('held-out')));
await run('F1 + AUC, the held-out half (quantiles learnt on the other half)', corpus('dev', Number(args.curves), 2, 'held-out'));
useCalibration(shipped);
await run('accuracy database (independent check; the shipped quantiles)', corpus('check', Number(args.curves), 3));
