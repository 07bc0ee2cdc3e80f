/**
 * Which band bounds a target n? Where the forecast does not pin a target Dice, the engine answers
 * "consistent with n ≥ lo", lo where the 95% band's upper edge reaches the target
 * (answers.ts: targetSize). A range open at the top has one end, so the 90% band's edge (a
 * one-sided 95% bound at one size) looks like the right one. This measures both, and the levels
 * between: the share of targets whose true n is ≥ the n where the band of each level reaches the
 * target, on LCDB's F1/AUC curves cross-fitted over both halves (each half with the quantiles the
 * other half gave alone) and on the accuracy curves with the shipped quantiles. The targets are
 * evaluate.ts's (targetOf): halfway from the last observation to the final value.
 *
 *   bash scripts/node.sh --import tsx bench/targetband.ts [--curves 1000]
 */
import { parseArgs } from 'node:util';
import { firstCrossing } from '../ts/surrogate/answers';
import { type Calibration, calibration, quantilesOf, useCalibration } from '../ts/surrogate/calibration';
import type { Curve } from '../ts/surrogate/curve';
import { DEFAULT_METHOD, fitSurrogate } from '../ts/surrogate/surrogate';
import { table } from '../ts/cli/format';
import { corpus, leaveOwnDataSetOut, otherHalf } from './lib/corpus';
import { byName, forecastable, pilotPart, targetOf } from './lib/evaluate';

const { values: args } = parseArgs({ options: { curves: { type: 'string', default: '1000' } } });
const LEVELS = [0.85, 0.9, 0.93, 0.95];
const SCENARIOS = [{ cut: 0.1, pilot: false }, { cut: 0.25, pilot: false }, { cut: 0.5, pilot: false }, { cut: 0.25, pilot: true }];
const label = (sc: { cut: number; pilot: boolean }) => `${sc.cut * 100}%${sc.pilot ? ', 4 points' : ''}`;

/** Per scenario: how many targets, and at each level how many of them the band's lower bound on n holds. */
async function held(curves: Curve[], quantiles: Calibration): Promise<{ targets: number; held: number[] }[]> {
  useCalibration(quantiles);
  const out = [];
  for (const sc of SCENARIOS) {
    const upTo = sc.pilot ? 0.999 : sc.cut;
    const input = (sc.pilot ? curves.map((c) => pilotPart(c, sc.cut)) : curves).filter((c) => forecastable(c, upTo));
    const named = byName(input);
    const res = await fitSurrogate(input, DEFAULT_METHOD, { observedUpTo: upTo, seed: 0 });
    const tally = { targets: 0, held: LEVELS.map(() => 0) };
    for (const fit of res.fits) {
      const t = targetOf(named.get(fit.model)!, fit);
      if (!t || t.n === null) continue;
      tally.targets += 1;
      LEVELS.forEach((level, i) => {
        const lo = firstCrossing((v) => fit.band(v, level)[1] - t.dice, fit.observedMinN, 1000 * fit.nRef);
        if (lo !== null && lo <= t.n!) tally.held[i] += 1;
      });
    }
    out.push(tally);
  }
  return out;
}

leaveOwnDataSetOut();
const shipped = calibration();
const count = Number(args.curves);
const odd = await held(corpus('dev', count, 2, 'held-out'), quantilesOf(shipped, otherHalf('held-out')));
const even = await held(corpus('dev', count, 2, 'calibrate'), quantilesOf(shipped, otherHalf('calibrate')));
const accuracy = await held(corpus('check', count, 3), shipped);
const share = (x: { targets: number; held: number[] }, i: number) => (x.held[i] / x.targets).toFixed(3);
const rows = SCENARIOS.flatMap((sc, k) => {
  const both = { targets: odd[k].targets + even[k].targets, held: odd[k].held.map((h, i) => h + even[k].held[i]) };
  return [
    [label(sc), 'F1/AUC, cross-fitted', both.targets, ...LEVELS.map((_, i) => share(both, i))],
    ['', 'accuracy', accuracy[k].targets, ...LEVELS.map((_, i) => share(accuracy[k], i))],
  ];
});
console.log(`targets whose true n the range "n ≥ where the band's upper edge reaches the target" holds, by the band's level (${count} curves a set):`);
console.log(table(['cut', 'set', 'targets', ...LEVELS.map((l) => `${l * 100}% band`)], rows));
