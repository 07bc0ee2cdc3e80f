/**
 * How often does the plateau point hold? The engine says "plateau at n ≈ X: beyond it another 10%
 * of data adds < 0.005 Dice" (answers.ts: plateauPoint), within the data or, where its interval
 * supports it, past it; otherwise the point is undetermined. On LCDB's
 * held-out F1/AUC curves (the odd-id half, with the even half's quantiles) and the accuracy curves,
 * each observed up to 10/25/50% of its largest n, this checks every point claimed below the largest
 * n against what the curve did next: the claim holds where the observed gain from X to the largest
 * n is at most what the threshold allows over that stretch (0.005 per 10% step) plus a tolerance
 * for the truth's own noise (LCDB's means over seeds; `--tolerance`, default 0.01). Printed for
 * the default and for pow4 alone: how many points are claimed past the data and within it, the
 * share of each that holds, and how many are left undetermined. The reference, on the same curves
 * as the claims past the data: a plateau put at the largest size observed, which asks nothing of a
 * forecast.
 *
 *   bash scripts/node.sh --import tsx bench/plateau.ts [--curves 1000] [--tolerance 0.01]
 */
import { parseArgs } from 'node:util';
import { plateauPoint } from '../ts/surrogate/answers';
import { calibration, quantilesOf, useCalibration } from '../ts/surrogate/calibration';
import type { Curve } from '../ts/surrogate/curve';
import { DEFAULT_METHOD, type Method, fitSurrogate } from '../ts/surrogate/surrogate';
import { table } from '../ts/cli/format';
import { corpus, leaveOwnDataSetOut, otherHalf } from './lib/corpus';
import { byName, plateauHolds } from './lib/evaluate';

const { values: args } = parseArgs({ options: { curves: { type: 'string', default: '1000' }, tolerance: { type: 'string', default: '0.01' } } });
const CUTS = [0.1, 0.25, 0.5];
const THRESHOLD = 0.005;
const STEP = 0.1;
const tolerance = Number(args.tolerance);
const holds = (c: Curve, n: number, nRef: number) => plateauHolds(c, n, nRef, THRESHOLD, STEP, tolerance);

async function rows(name: string, curves: Curve[], method: Method): Promise<(string | number)[][]> {
  const named = byName(curves);
  const out: (string | number)[][] = [];
  for (const cut of CUTS) {
    const res = await fitSurrogate(curves, method, { observedUpTo: cut, seed: 0 });
    const t = { past: 0, pastHeld: 0, lastHeld: 0, within: 0, withinHeld: 0, beyond: 0, undetermined: 0 };
    for (const fit of res.fits) {
      const c = named.get(fit.model)!;
      const p = plateauPoint(fit, THRESHOLD, STEP);
      if (p.n === null) t.undetermined += 1;
      // a point past the largest n cannot be checked against this curve
      else if (p.n >= c.n[c.n.length - 1]) t.beyond += 1;
      else if (p.status === 'forecast') {
        t.past += 1;
        if (holds(c, p.n, fit.nRef)) t.pastHeld += 1;
        // the reference: the same curves, the plateau put at the largest size observed
        if (holds(c, fit.observedMaxN, fit.nRef)) t.lastHeld += 1;
      } else {
        t.within += 1;
        if (holds(c, p.n, fit.nRef)) t.withinHeld += 1;
      }
    }
    const share = (a: number, b: number) => (b ? (a / b).toFixed(3) : '–');
    out.push([out.length ? '' : name, `${cut * 100}%`, method, res.fits.length, t.past, share(t.pastHeld, t.past), share(t.lastHeld, t.past), t.within, share(t.withinHeld, t.within), t.beyond, t.undetermined]);
  }
  return out;
}

leaveOwnDataSetOut();
const shipped = calibration();
const count = Number(args.curves);
const all: (string | number)[][] = [];
useCalibration(quantilesOf(shipped, otherHalf('held-out')));
const held = corpus('dev', count, 2, 'held-out');
for (const method of [DEFAULT_METHOD, 'pow4'] as Method[]) all.push(...(await rows('F1 + AUC, held-out half', held, method)));
useCalibration(shipped);
const accuracy = corpus('check', count, 3);
for (const method of [DEFAULT_METHOD, 'pow4'] as Method[]) all.push(...(await rows('accuracy', accuracy, method)));
console.log(`plateau points (another ${STEP * 100}% adds < ${THRESHOLD}) checked against what each curve did next, tolerance ${tolerance} (${count} curves a set):`);
console.log(table(['curves', 'cut', 'method', 'fits', 'past the data', 'held', 'held at the last size', 'within the data', 'held', 'past the largest n', 'undetermined'], all));
