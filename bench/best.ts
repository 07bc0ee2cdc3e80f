/**
 * Which model is best with more data? The answer names the model with the best forecast at each
 * budget and the others its 95% intervals do not rule out (answers.ts: bestModelAt). LCDB's data
 * sets are grids of learners: per data set and metric, the learners whose curves end at the same
 * largest n (3 or more) are one grid. Each grid is observed up to 10/25/50% of that n, and the
 * answer at the largest n is checked against the learner that was best there: how often the best
 * forecast is it, how often the best and its rivals hold it, what share of the grid they are, and
 * the Dice lost by taking the best forecast (regret). The reference, measured in the same run:
 * the learner best at the last size observed. Held-out F1/AUC data sets (with the even half's
 * quantiles) and the accuracy database (with the shipped ones).
 *
 *   bash scripts/node.sh --import tsx bench/best.ts
 */
import { bestModelAt } from '../ts/surrogate/answers';
import { calibration, quantilesOf, useCalibration } from '../ts/surrogate/calibration';
import { type Curve, observedPart } from '../ts/surrogate/curve';
import { DEFAULT_METHOD, fitSurrogate } from '../ts/surrogate/surrogate';
import { table } from '../ts/cli/format';
import { type CorpusCurve, grids, leaveOwnDataSetOut, loadCorpus, otherHalf } from './lib/corpus';
import { byName } from './lib/evaluate';

const CUTS = [0.1, 0.25, 0.5];

const lastObserved = (c: Curve, cut: number) => observedPart(c, cut).dice.at(-1)!;

async function rows(name: string, gs: CorpusCurve[][]): Promise<(string | number)[][]> {
  const out: (string | number)[][] = [];
  for (const cut of CUTS) {
    const t = { grids: 0, right: 0, lastRight: 0, held: 0, share: 0, regret: 0 };
    for (const g of gs) {
      const res = await fitSurrogate(g, DEFAULT_METHOD, { observedUpTo: cut, seed: 0 });
      if (res.fits.length < 3) continue;
      const named = byName(g);
      const fitted = res.fits.map((f) => named.get(f.model)!);
      const N = g[0].n[g[0].n.length - 1];
      const [b] = bestModelAt(res.fits, [N]);
      const truth = (c: Curve) => c.dice[c.dice.length - 1];
      const top = fitted.reduce((x, y) => (truth(y) > truth(x) ? y : x));
      const lastTop = fitted.reduce((x, y) => (lastObserved(y, cut) > lastObserved(x, cut) ? y : x));
      t.grids += 1;
      if (b.model === top.model) t.right += 1;
      if (lastTop.model === top.model) t.lastRight += 1;
      if (b.model === top.model || b.rivals.includes(top.model)) t.held += 1;
      t.share += (1 + b.rivals.length) / fitted.length;
      t.regret += truth(top) - truth(named.get(b.model)!);
    }
    const f = (v: number, d = 3) => (v / t.grids).toFixed(d);
    out.push([out.length ? '' : name, `${cut * 100}%`, t.grids, f(t.right), f(t.lastRight), f(t.held), f(t.share), f(t.regret, 4)]);
  }
  return out;
}

leaveOwnDataSetOut();
const shipped = calibration();
const all: (string | number)[][] = [];
useCalibration(quantilesOf(shipped, otherHalf('held-out')));
const held = grids([...loadCorpus('f1'), ...loadCorpus('auc')].filter((c) => c.openmlid % 2 === 1));
all.push(...(await rows('F1 + AUC, held-out half', held)));
useCalibration(shipped);
all.push(...(await rows('accuracy', grids(loadCorpus('accuracy')))));
console.log(`the best model at the largest n, from grids of LCDB learners observed to a cut (${DEFAULT_METHOD}):`);
console.log(table(['grids', 'cut', 'count', 'best forecast right', 'best at the last size right', 'best or a rival right', 'share not ruled out', 'regret'], all));
