import type { PaperRow } from '../../surrogate/backtest';
import { LSTM_VARIANTS } from '../../surrogate/lstm';
import { mean, sd } from '../../surrogate/random';
import type { ReportTable } from '../table';

const COLUMN: Record<PaperRow['method'], string> = {
  'lstm-uni-one': 'Uni one-step', 'lstm-uni-full': 'Uni full-step', 'lstm-bi-one': 'Bi one-step', 'lstm-bi-full': 'Bi full-step', linear: 'Linear',
};
export const pm = (m: number, s: number) => `${m.toFixed(4)} ± ${s.toFixed(4)}`;

/**
 * Lee 2025 Tables 2–3: MAE (mean ± sd) of each LSTM variant and the linear baseline by depth,
 * from the surrogates' paper backtest; the overall row is the mean ± sd of the per-depth MAEs,
 * as ts/surrogate/tables.ts lays it out.
 */
export function maeTable(rows: PaperRow[], id: string, title: string, experiment: string): ReportTable {
  const methods = [...LSTM_VARIANTS, 'linear'] as const;
  const models = [...new Set(rows.map((r) => r.model))];
  const body = models.map((m) => [rows.find((r) => r.model === m)?.depth ?? m, ...methods.map((k) => {
    const r = rows.find((x) => x.model === m && x.method === k);
    return r ? pm(r.mae, r.sd) : null;
  })]);
  const overall = methods.map((k) => {
    const maes = rows.filter((r) => r.method === k).map((r) => r.mae);
    return maes.length ? pm(mean(maes), sd(maes)) : null;
  });
  return {
    id, title,
    caption: `Mean absolute error (mean ± SD) of the DSC predicted by each surrogate, by depth; experiment ${experiment}.`,
    header: ['Layers', ...methods.map((k) => COLUMN[k])],
    digits: [null],
    rows: [...body, ['Overall', ...overall]],
  };
}
