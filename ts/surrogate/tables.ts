import { table } from '../cli/format';
import type { ExtrapolationRow, PaperRow } from './backtest';
import { LSTM_VARIANTS } from './lstm';
import { mean, sd } from './random';

const pm = (m: number, s: number) => `${m.toFixed(4)} ± ${s.toFixed(4)}`;
const COLUMN: Record<PaperRow['method'], string> = {
  'lstm-uni-one': 'Uni one-step', 'lstm-uni-full': 'Uni full-step', 'lstm-bi-one': 'Bi one-step', 'lstm-bi-full': 'Bi full-step', linear: 'Linear',
};

/**
 * The layout of the paper's Tables 2 and 3: one row per depth (layers), one column per LSTM
 * variant, MAE mean ± sd; a last row over all depths (pooled per-point errors are not kept, so
 * the overall row is the mean ± sd of the per-depth MAEs). The linear baseline is an extra column.
 */
export function paperTable(rows: PaperRow[]): string {
  const methods = [...LSTM_VARIANTS, 'linear'] as const;
  const models = [...new Set(rows.map((r) => r.model))];
  const body = models.map((m) => {
    const depth = rows.find((r) => r.model === m)?.depth;
    return [depth ?? m, ...methods.map((k) => {
      const r = rows.find((x) => x.model === m && x.method === k);
      return r ? pm(r.mae, r.sd) : null;
    })];
  });
  const overall = methods.map((k) => {
    const maes = rows.filter((r) => r.method === k).map((r) => r.mae);
    return maes.length ? pm(mean(maes), sd(maes)) : null;
  });
  return table([rows.every((r) => r.depth !== null) ? 'Layers' : 'Model', ...methods.map((k) => COLUMN[k])], [...body, ['Overall', ...overall]]);
}

/** Extrapolation MAE side by side: one row per surrogate, two columns (at 100%, all unseen) per cut. */
export function extrapolationTable(rows: ExtrapolationRow[]): string {
  const cuts = [...new Set(rows.map((r) => r.cut))];
  const methods = [...new Set(rows.map((r) => r.method))];
  const header = ['surrogate', ...cuts.flatMap((c) => [`≤${Math.round(c * 100)}%: at 100%`, `≤${Math.round(c * 100)}%: unseen`])];
  const body = methods.map((m) => [m, ...cuts.flatMap((c) => {
    const r = rows.find((x) => x.method === m && x.cut === c);
    return [r?.maeAtFull?.toFixed(4), r?.maeUnseen?.toFixed(4)];
  })]);
  return table(header, body);
}
