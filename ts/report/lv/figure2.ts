import { recordsFrame } from '../../stats/frame';
import { tukeyHsd } from '../../stats/tukey';
import type { ResultRow } from '../../store/results';
import { groupBy } from '../../group';
import { type ReportFigure, renderFigure } from '../figure';
import { type LvRecord, lvRecords, netOrder } from './frame';

/** numpy's default (linear) percentile. */
export function quantile(v: number[], q: number): number {
  const s = [...v].sort((a, b) => a - b);
  const h = (s.length - 1) * q;
  const lo = Math.floor(h);
  return s[lo] + (h - lo) * ((s[Math.min(lo + 1, s.length - 1)] ?? s[lo]) - s[lo]);
}

export interface Figure2Rows {
  box: { Dataset: number; net: string; metric: 'DICE' | 'BCE'; median: number; q1: number; q3: number }[];
  hsd: { Dataset: number; net: string; mean: number; lower: number; upper: number }[];
}

/**
 * Per-group simultaneous intervals as statsmodels' TukeyHSDResults.plot_simultaneous draws them
 * (Hochberg & Tamhane eq. 3.32): intervals that do not overlap are significantly different.
 */
export function simultaneousHalfWidths(qCrit: number, variance: number, nobs: number[]): number[] {
  const k = nobs.length;
  const g = nobs.map((n) => variance / n);
  const d = (i: number, j: number) => Math.sqrt(g[i] + g[j]);
  let sum1 = 0;
  for (let i = 0; i < k; i++) for (let j = i + 1; j < k; j++) sum1 += d(i, j);
  return nobs.map((_, i) => {
    if (k <= 2) return (qCrit / Math.SQRT2) * (sum1 / 2);
    let sum2 = 0;
    for (let j = 0; j < k; j++) if (j !== i) sum2 += d(i, j);
    return (qCrit / Math.SQRT2) * (((k - 1) * sum2 - sum1) / ((k - 1) * (k - 2)));
  });
}

export function figure2Rows(rows: ResultRow[]): Figure2Rows {
  const recs = lvRecords(rows);
  const groups = groupBy(recs, (r) => `${r.Dataset}|${r.net}`);
  const box = [...groups.values()].flatMap((rs) =>
    (['DICE', 'BCE'] as const).map((metric) => {
      const v = rs.map((r: LvRecord) => r[metric]);
      return { Dataset: rs[0].Dataset, net: rs[0].net, metric, median: quantile(v, 0.5), q1: quantile(v, 0.25), q3: quantile(v, 0.75) };
    }),
  );
  const frame = recordsFrame(recs.map((r) => ({ DICE: r.DICE, group: `${r.Dataset}|${r.net}` })), 'lv');
  const t = tukeyHsd(frame, 'DICE', 'group');
  // the pooled within-group variance the HSD used (its df = N − k)
  const ss = [...groups.values()].reduce((s, rs) => {
    const m = rs.reduce((a, r) => a + r.DICE, 0) / rs.length;
    return s + rs.reduce((a, r) => a + (r.DICE - m) ** 2, 0);
  }, 0);
  const hw = simultaneousHalfWidths(t.q_crit, ss / t.df, t.groups.map((g) => g.n));
  const hsd = t.groups.map((g, i) => {
    const [Dataset, net] = g.name.split('|');
    return { Dataset: Number(Dataset), net, mean: g.mean, lower: g.mean - hw[i], upper: g.mean + hw[i] };
  });
  return { box, hsd };
}

/** LV Figure 2: medians and IQRs of DICE and BCE by data set size and network (left), mean DICE with HSD 95% intervals (right). */
export async function figure2(rows: ResultRow[], experiment: string): Promise<ReportFigure> {
  const { box, hsd } = figure2Rows(rows);
  const NET_ORDER = netOrder(lvRecords(rows));
  const x = { field: 'Dataset', type: 'ordinal' as const, title: 'Dataset size' };
  const color = { field: 'net', type: 'nominal' as const, title: 'Network', sort: NET_ORDER };
  const xOffset = { field: 'net', type: 'nominal' as const, sort: NET_ORDER };
  const panel = (metric: 'DICE' | 'BCE') => ({
    width: 360, height: 170,
    transform: [{ filter: `datum.metric === '${metric}'` }],
    encoding: { x, xOffset, color },
    layer: [
      { mark: 'rule' as const, encoding: { y: { field: 'q1', type: 'quantitative' as const, title: metric }, y2: { field: 'q3' } } },
      { mark: { type: 'point' as const, filled: true }, encoding: { y: { field: 'median', type: 'quantitative' as const } } },
    ],
  });
  return renderFigure('lv-figure2', 'Figure 2. Evaluation of models', `Left: median (point) and IQR (bar) of DICE and BCE over folds and hyper-parameters by data set size and network; right: mean DICE with 95% Tukey HSD intervals; experiment ${experiment}.`, {
    hconcat: [
      { data: { values: box }, vconcat: [panel('DICE'), panel('BCE')] },
      {
        data: { values: hsd }, width: 360, height: 380,
        encoding: { x, xOffset, color },
        layer: [
          { mark: 'rule', encoding: { y: { field: 'lower', type: 'quantitative', title: 'Mean DICE (HSD 95%)', scale: { zero: false } }, y2: { field: 'upper' } } },
          { mark: { type: 'point', filled: true }, encoding: { y: { field: 'mean', type: 'quantitative' } } },
        ],
      },
    ],
  });
}
