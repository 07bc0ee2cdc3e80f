/**
 * What is left to learn from the observed part of a curve (bench/headroom.py, scikit-learn): the
 * default's forecast at the largest n on every LCDB curve (F1/AUC, both halves, each with the other
 * half's quantiles, as bench/forecast.ts scores them; then accuracy), with what was observed, handed
 * to a learnt correction with and without the grid's other models of the same data.
 *
 *   bash scripts/node.sh --import tsx bench/headroom.ts [--cut 0.25]     (about 2 min)
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { type Half, calibration, quantilesOf, useCalibration } from '../ts/surrogate/calibration';
import { observedPart } from '../ts/surrogate/curve';
import { DEFAULT_METHOD } from '../ts/surrogate/surrogate';
import { type CorpusCurve, corpus, leaveOwnDataSetOut, otherHalf } from './lib/corpus';
import { byName, scoreMethod } from './lib/evaluate';

const { values: args } = parseArgs({ options: { cut: { type: 'string', default: '0.25' } } });
const cut = Number(args.cut);

async function forecasts(curves: CorpusCurve[], half: Half | 'accuracy') {
  const named = byName(curves);
  return (await scoreMethod(curves, DEFAULT_METHOD, cut)).map((s) => {
    const c = named.get(s.model)!;
    const seen = observedPart(c, cut);
    return { half, openmlid: c.openmlid, metric: c.metric, truth: s.truth, last: s.last, forecast: s.forecast, lo: s.lo95, hi: s.hi95, n: seen.n, y: seen.dice, N: c.n[c.n.length - 1] };
  });
}

leaveOwnDataSetOut();
const shipped = calibration();
const records = [];
for (const half of ['held-out', 'calibrate'] as Half[]) {
  useCalibration(quantilesOf(shipped, otherHalf(half)));
  records.push(...(await forecasts(corpus('dev', 6000, 2, half), half)));
}
useCalibration(shipped);
records.push(...(await forecasts(corpus('check', 6000, 3), 'accuracy')));
console.log(`${DEFAULT_METHOD} observed to ${cut * 100}% of the largest n:`);
const dir = mkdtempSync(join(tmpdir(), 'plateau-headroom-'));
try {
  writeFileSync(join(dir, 'forecasts.json'), JSON.stringify(records));
  const py = process.env.PLATEAU_PYTHON ?? join(import.meta.dirname, '..', '.venv', 'bin', 'python');
  execFileSync(py, [join(import.meta.dirname, 'headroom.py'), join(dir, 'forecasts.json')], { stdio: 'inherit' });
} finally {
  rmSync(dir, { recursive: true, force: true });
}
