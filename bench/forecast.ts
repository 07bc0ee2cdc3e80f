/**
 * How good is the answer on real learning curves? Leave-future-out on LCDB 1.0 (held-out data
 * sets of the F1/AUC databases the calibration never saw, and the accuracy database as an
 * independent check): each curve is observed up to 10/25/50% of its largest n and forecast at the
 * largest n. Printed side by side for the default method, pow4 alone, each LSTM variant and the
 * last observed value carried forward (the reference, measured in the same run): MAE and median
 * error, MAE as a ratio of the reference's, 95% coverage, mean interval width, the target-n error
 * |ln(n̂/n)| (median) where a point is forecast, the share of targets given a point, the share
 * whose range (open-ended where undetermined) holds the true n, the median ln(hi/lo) of the placed
 * targets' intervals, and seconds per curve.
 *
 *   bash scripts/node.sh --import tsx bench/forecast.ts [--curves 300] [--lstm-curves 300] [--no-lstm]
 */
import { parseArgs } from 'node:util';
import { LSTM_VARIANTS } from '../ts/surrogate/lstm';
import { DEFAULT_METHOD, type Method } from '../ts/surrogate/surrogate';
import { table } from '../ts/cli/format';
import { type CorpusCurve, corpus } from './lib/corpus';
import { type Summary, lastValue, scoreMethod, summarise } from './lib/evaluate';

const { values: args } = parseArgs({ options: { curves: { type: 'string', default: '300' }, 'lstm-curves': { type: 'string', default: '300' }, 'no-lstm': { type: 'boolean', default: false } } });
const CUTS = [0.1, 0.25, 0.5];
const methods: Method[] = [DEFAULT_METHOD, 'pow4', ...(args['no-lstm'] ? [] : LSTM_VARIANTS)];
const f = (v: number | null, d = 4) => (v === null || !Number.isFinite(v) ? '–' : v.toFixed(d));

async function run(name: string, curves: CorpusCurve[]) {
  console.log(`\n== ${name}: ${curves.length} curves`);
  const rows: (string | number)[][] = [];
  const at: Record<number, Record<string, Summary>> = {};
  for (const cut of CUTS) {
    const ref = summarise(lastValue(curves, cut));
    rows.push([`${cut * 100}%`, 'last value', ref.curves, f(ref.mae), f(ref.median), '1.00', '–', '–', '–', '–', '–', '–', '–']);
    at[cut] = { 'last value': ref };
    for (const method of methods) {
      const some = method.startsWith('lstm') ? curves.slice(0, Number(args['lstm-curves'])) : curves;
      const t = performance.now();
      const scored = await scoreMethod(some, method, cut);
      const sec = (performance.now() - t) / 1000 / Math.max(1, scored.length);
      const s = summarise(scored);
      const r = method.startsWith('lstm') ? summarise(lastValue(some, cut)) : ref;
      at[cut][method] = s;
      rows.push([`${cut * 100}%`, method, s.curves, f(s.mae), f(s.median), f(s.mae / r.mae, 2), f(s.coverage95, 3), f(s.width95, 3), f(s.targetLogError, 3), f(s.targetFound, 2), f(s.targetCoverage, 3), f(s.targetWidth, 2), f(sec, 3)]);
    }
  }
  console.log(table(['cut', 'method', 'curves', 'MAE', 'median', 'MAE / last', '95% cover', '95% width', 'target |ln|', 'target found', 'target covered', 'target ln(hi/lo)', 's/curve'], rows));
  const d = at[0.25][DEFAULT_METHOD];
  const goal = (ok: boolean, what: string) => console.log(`${ok ? 'met   ' : 'MISSED'} ${what}`);
  goal(d.mae <= 0.015, `MAE ≤ 0.015 at 25% (${f(d.mae)})`);
  goal(d.median <= 0.006, `median ≤ 0.006 at 25% (${f(d.median)})`);
  goal(d.coverage95 >= 0.93 && d.coverage95 <= 0.97, `95% coverage in [0.93, 0.97] at 25% (${f(d.coverage95, 3)})`);
  for (const cut of CUTS) {
    const [e, p, l] = [at[cut][DEFAULT_METHOD].mae, at[cut].pow4.mae, at[cut]['last value'].mae];
    goal(e < p && e < l, `better than pow4 alone (${f(p)}) and the last value (${f(l)}) at ${cut * 100}% (${f(e)})`);
  }
}

await run('F1 + AUC, held-out data sets (odd OpenML ids)', corpus('dev', Number(args.curves), 2, 'held-out'));
await run('accuracy database (independent check: never used to calibrate)', corpus('check', Number(args.curves), 3));
