/**
 * How good is the answer on real learning curves? Leave-future-out on LCDB 1.0 (held-out data
 * sets of the F1/AUC databases, whose curves the stack and scales never saw and whose coverage is
 * scored with quantiles learnt without them, and the accuracy database as an independent check):
 * each curve is observed up to 10/25/50% of its largest n and forecast at the largest n, and once
 * more from pilot grids of 4, of 3, of 2 and of 1 of the points observed to 25%. Printed side by
 * side for the default method, pow4 alone, each LSTM variant and the last value carried forward
 * (the reference, measured in the same run): MAE and median error, MAE as a ratio of the
 * reference's, 95% coverage, the share of observed sizes below the last that the 95% band holds
 * (the band within the data), mean interval width, the target-n error |ln(n̂/n)| (median) where a
 * point is forecast, the share of targets given a point, the share whose range (open-ended where
 * undetermined) holds the true n, the median ln(hi/lo) of the placed targets' intervals, and
 * seconds per curve. Then, for the default method, how much of its MAE comes from curves that fall
 * after the cut (evaluate.ts: fallSplit) and its error on the others, its coverage on curves at
 * the floor, observed flat, and the others apart (evaluate.ts: shapeRow), and how well these curves
 * know its MAE and coverage: 95% intervals over resampled data sets (evaluate.ts: resampledInterval),
 * and the error that the truth's own noise leaves to any forecaster (evaluate.ts: noiseFloor).
 *
 *   bash scripts/node.sh --import tsx bench/forecast.ts [--curves 300] [--lstm-curves 300] [--no-lstm] [--half held-out|calibrate|both]
 *
 * `--half calibrate` scores the F1/AUC curves of even-id data sets instead, those the stack and
 * scales were learnt on (in-sample for them); `--half both` scores both and then the default's
 * coverage over both, of the Dice at the largest n and of the target n's range. Either half is
 * scored with the quantiles the other half gave alone; the accuracy curves with the shipped ones,
 * learnt from both.
 */
import { parseArgs } from 'node:util';
import { type Half, calibration, quantilesOf, useCalibration } from '../ts/surrogate/calibration';
import { LSTM_VARIANTS } from '../ts/surrogate/lstm';
import { DEFAULT_METHOD, type Method } from '../ts/surrogate/surrogate';
import { table } from '../ts/cli/format';
import { type CorpusCurve, corpus, leaveOwnDataSetOut, otherHalf } from './lib/corpus';
import { FLAT_RANGE, FLOOR_DICE } from '../ts/surrogate/curve';
import { SHAPE_HEADER, type Scored, type Summary, dataSetOf, fallSplit, shapeRow, lastValue, noiseFloor, pilotPart, resampledInterval, scoreMethod, summarise } from './lib/evaluate';

const { values: args } = parseArgs({
  options: { curves: { type: 'string', default: '300' }, 'lstm-curves': { type: 'string', default: '300' }, 'no-lstm': { type: 'boolean', default: false }, half: { type: 'string', default: 'held-out' } },
});
const CUTS = [0.1, 0.25, 0.5];
// and pilot grids: 4 points (25/50/75/100% of what was observed to 25%), 3 (33/67/100%; the fewest
// a family fits), 2 (50/100%; the analogues alone, matched on shape) and 1 (the last observed to
// 25%; the analogues alone, matched on level), the case few points cannot pin
const SCENARIOS = [...CUTS.map((cut) => ({ cut, pilot: 0 })), ...[4, 3, 2, 1].map((pilot) => ({ cut: 0.25, pilot }))];
const label = (sc: { cut: number; pilot: number }) => `${sc.cut * 100}%${sc.pilot ? `, ${sc.pilot} point${sc.pilot === 1 ? '' : 's'}` : ''}`;
const methods: Method[] = [DEFAULT_METHOD, 'pow4', ...(args['no-lstm'] ? [] : LSTM_VARIANTS)];
const f = (v: number | null, d = 4) => (v === null || !Number.isFinite(v) ? '–' : v.toFixed(d));

/** The default's MAE and coverage (`s`, its summary) with their 95% intervals over resampled data sets, and how many data sets there are. */
function spreadRow(cut: string, scored: Scored[], s: Summary): (string | number)[] {
  const ci = (stat: (s: Scored[]) => number, d: number) => resampledInterval(scored, stat, dataSetOf).map((v) => f(v, d)).join('–');
  return [cut, scored.length, new Set(scored.map(dataSetOf)).size, f(s.mae), ci((x) => summarise(x).mae, 4), f(s.coverage95, 3), ci((x) => summarise(x).coverage95, 3)];
}

function fallRow(cut: string, scored: Scored[]): (string | number)[] {
  const x = fallSplit(scored);
  return [cut, scored.length, x.falling, f(x.floor), f(x.mae), f(x.median)];
}

/** Prints every method's figures on these curves; returns the default's scored curves per scenario. */
async function run(name: string, curves: CorpusCurve[]): Promise<Record<string, Scored[]>> {
  console.log(`\n== ${name}: ${curves.length} curves`);
  const defaults: Record<string, Scored[]> = {};
  const rows: (string | number)[][] = [];
  const at: Record<string, Record<string, Summary>> = {};
  const falls: (string | number)[][] = [];
  const shapes: (string | number)[][] = [];
  const spreads: (string | number)[][] = [];
  for (const sc of SCENARIOS) {
    const { cut, pilot } = sc;
    const where = label(sc);
    const ref = summarise(pilot ? lastValue(curves.map((c) => pilotPart(c, cut, pilot)), 0.999, pilot === 1 ? 1 : 2) : lastValue(curves, cut));
    rows.push([where, 'last value', ref.curves, f(ref.mae), f(ref.median), '1.00', '–', '–', '–', '–', '–', '–', '–', '–']);
    at[where] = { 'last value': ref };
    for (const method of methods) {
      if (pilot && method.startsWith('lstm')) continue;
      const some = method.startsWith('lstm') ? curves.slice(0, Number(args['lstm-curves'])) : curves;
      const t = performance.now();
      const scored = await scoreMethod(some, method, cut, pilot);
      // a method that fits none of them (pow4 from fewer than 4 points) has no row
      if (!scored.length) continue;
      const sec = (performance.now() - t) / 1000 / Math.max(1, scored.length);
      const s = summarise(scored);
      const r = method.startsWith('lstm') ? summarise(lastValue(some, cut)) : ref;
      at[where][method] = s;
      if (method === DEFAULT_METHOD) {
        defaults[where] = scored;
        falls.push(fallRow(where, scored));
        shapes.push(shapeRow(where, scored));
        spreads.push(spreadRow(where, scored, s));
      }
      rows.push([where, method, s.curves, f(s.mae), f(s.median), f(s.mae / r.mae, 2), f(s.coverage95, 3), f(s.coverageWithin95, 3), f(s.width95, 3), f(s.targetLogError, 3), f(s.targetFound, 2), f(s.targetCoverage, 3), f(s.targetWidth, 2), f(sec, 3)]);
    }
  }
  console.log(table(['cut', 'method', 'curves', 'MAE', 'median', 'MAE / last', '95% cover', 'cover within', '95% width', 'target |ln|', 'target found', 'target covered', 'target ln(hi/lo)', 's/curve'], rows));
  console.log(`\n${DEFAULT_METHOD} where curves fall after the cut (a non-decreasing forecast cannot follow them down):`);
  console.log(table(['cut', 'curves', 'fall > 0.02', 'MAE floor from falls', 'MAE on the rest', 'median on the rest'], falls));
  console.log(`\n${DEFAULT_METHOD} by shape (3 sizes or more; calibration.ts: stratumOf): at the floor (Dice < ${FLOOR_DICE} at every size), flat (range < ${FLAT_RANGE}), and the others:`);
  console.log(table(SHAPE_HEADER, shapes));
  console.log(`\n${DEFAULT_METHOD}'s MAE and coverage as known from these curves (95% intervals, data sets resampled: curves of one data set move together):`);
  console.log(table(['cut', 'curves', 'data sets', 'MAE', 'MAE 95% interval', '95% cover', 'cover 95% interval'], spreads));
  const floor = noiseFloor(curves);
  console.log(`the truth is a mean over seeds: a forecaster that knew each curve's expected end would still miss it by MAE ${f(floor.mae)}, median ${f(floor.median)} (${floor.curves} curves with seeds)`);
  const d = at[label({ cut: 0.25, pilot: 0 })][DEFAULT_METHOD];
  const goal = (ok: boolean, what: string) => console.log(`${ok ? 'met   ' : 'MISSED'} ${what}`);
  goal(d.mae <= 0.015, `MAE ≤ 0.015 at 25% (${f(d.mae)})`);
  goal(d.median <= 0.006, `median ≤ 0.006 at 25% (${f(d.median)})`);
  goal(d.coverage95 >= 0.93 && d.coverage95 <= 0.97, `95% coverage in [0.93, 0.97] at 25% (${f(d.coverage95, 3)})`);
  for (const cut of CUTS) {
    const row = at[label({ cut, pilot: 0 })];
    const [e, p, l] = [row[DEFAULT_METHOD].mae, row.pow4.mae, row['last value'].mae];
    goal(e < p && e < l, `better than pow4 alone (${f(p)}) and the last value (${f(l)}) at ${cut * 100}% (${f(e)})`);
  }
  return defaults;
}

/** The default's coverage over both halves, each scored with the other half's quantiles: the cross-fitted figure. */
function crossFitted(a: Record<string, Scored[]>, b: Record<string, Scored[]>) {
  console.log(`\n${DEFAULT_METHOD}'s 95% coverage cross-fitted over both halves, of the Dice at the largest n and of the target n's range (95% intervals, data sets resampled):`);
  const rows = Object.keys(a).map((where) => {
    const both = [...a[where], ...b[where]];
    const ci = (stat: (s: Scored[]) => number) => resampledInterval(both, stat, dataSetOf).map((v) => f(v, 3)).join('–');
    const s = summarise(both);
    const targets = both.filter((x) => x.targetCovered !== null).length;
    return [where, both.length, new Set(both.map(dataSetOf)).size, f(s.coverage95, 3), ci((x) => summarise(x).coverage95), targets, f(s.targetCoverage, 3), ci((x) => summarise(x).targetCoverage ?? NaN)];
  });
  console.log(table(['cut', 'curves', 'data sets', '95% cover', 'cover 95% interval', 'targets', 'target covered', 'target cover 95% interval'], rows));
  const at = label({ cut: 0.25, pilot: 0 });
  const at25 = summarise([...a[at], ...b[at]]);
  const inRange = (v: number | null) => (v !== null && v >= 0.93 && v <= 0.97 ? 'met   ' : 'MISSED');
  console.log(`${inRange(at25.coverage95)} 95% coverage in [0.93, 0.97] at 25%, cross-fitted over both halves (${f(at25.coverage95, 3)})`);
  console.log(`${inRange(at25.targetCoverage)} the target n's 95% range holds the true n on [0.93, 0.97] at 25%, cross-fitted over both halves (${f(at25.targetCoverage, 3)})`);
}

// The shipped quantiles pool both halves of the F1/AUC curves; a half is scored with the quantiles
// the other half gave alone (calibration.ts: quantilesOf), so no coverage here rests on its own curves.
leaveOwnDataSetOut();
const shipped = calibration();
if (!['held-out', 'calibrate', 'both'].includes(args.half)) throw new Error(`--half: 'held-out', 'calibrate' or 'both', not '${args.half}'`);
const halves: Half[] = args.half === 'both' ? ['held-out', 'calibrate'] : [args.half as Half];
const scored: Record<string, Scored[]>[] = [];
for (const half of halves) {
  useCalibration(quantilesOf(shipped, otherHalf(half)));
  const ids = half === 'calibrate' ? 'even' : 'odd';
  scored.push(await run(`F1 + AUC, the ${half} half (${ids} OpenML ids; stack and scales learnt on the even half, quantiles on the other half)`, corpus('dev', Number(args.curves), 2, half)));
}
if (scored.length === 2) crossFitted(scored[0], scored[1]);
if (halves.includes('held-out')) {
  useCalibration(shipped);
  await run('accuracy database (independent check: never used to calibrate; the shipped quantiles)', corpus('check', Number(args.curves), 3));
}
