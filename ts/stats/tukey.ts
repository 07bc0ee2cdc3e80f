import { UserError } from '../errors';
import { srangePpf, srangeSf } from './distributions';
import { column, type Frame, pythonLabel } from './frame';

/**
 * Tukey's honestly significant differences, as statsmodels' pairwise_tukeyhsd (equal variances):
 * groups in sorted order, pooled within-group variance on N - k df, Tukey-Kramer standard errors
 * for unequal group sizes, p-values and the critical value from the studentized range.
 */
export interface TukeyRow {
  group1: string;
  group2: string;
  meandiff: number;
  'p-adj': number;
  lower: number;
  upper: number;
  reject: boolean;
}

export interface TukeyResult {
  kind: 'tukey';
  value: string;
  group: string;
  alpha: number;
  rows: TukeyRow[];
  groups: { name: string; n: number; mean: number }[];
  q_crit: number;
  df: number;
  /** Rows left out because the value or the group was missing. */
  dropped: number;
}

export function tukeyHsd(frame: Frame, value: string, group: string, alpha = 0.05): TukeyResult {
  if (!(alpha > 0 && alpha < 1)) throw new UserError(`--alpha must be between 0 and 1 (got ${alpha})`);
  const v = column(frame, value);
  if (v.kind !== 'number') throw new UserError(`${frame.source}: column '${value}' is not numeric; Tukey HSD compares means of a numeric value`);
  const g = column(frame, group);
  // Group keys sort as numpy.unique sorts them: numbers numerically, text by code point.
  const keys: (number | string | boolean | null)[] =
    g.kind === 'number' ? Array.from(g.values, (x) => (Number.isNaN(x) ? null : x)) : g.values;
  const sums = new Map<number | string | boolean, { n: number; sum: number }>();
  const used: { y: number; key: number | string | boolean }[] = [];
  for (let i = 0; i < frame.rows; i++) {
    const key = keys[i];
    const y = v.values[i];
    if (key === null || Number.isNaN(y)) continue;
    used.push({ y, key });
    const s = sums.get(key) ?? { n: 0, sum: 0 };
    s.n++;
    s.sum += y;
    sums.set(key, s);
  }
  const order = [...sums.keys()].sort((a, b) => (typeof a === 'number' && typeof b === 'number' ? a - b : String(a) < String(b) ? -1 : String(a) > String(b) ? 1 : 0));
  const k = order.length;
  if (k < 2) throw new UserError(`${frame.source}: column '${group}' has ${k} group${k === 1 ? '' : 's'}; Tukey HSD needs at least two`);
  const means = new Map(order.map((key) => [key, sums.get(key)!.sum / sums.get(key)!.n]));
  const N = used.length;
  const df = N - k;
  if (df <= 0) throw new UserError(`${frame.source}: no degrees of freedom within groups (${N} rows in ${k} groups)`);
  // numpy.var(demeaned, ddof=k): the demeaned values' own mean is subtracted too (it is ~1e-17).
  const demeaned = used.map(({ y, key }) => y - means.get(key)!);
  const dm = demeaned.reduce((a, b) => a + b, 0) / N;
  const variance = demeaned.reduce((a, d) => a + (d - dm) ** 2, 0) / df;
  const qCrit = srangePpf(1 - alpha, k, df);
  const label = (key: number | string | boolean) => pythonLabel(key, g.kind === 'number' && g.integer);
  const rows: TukeyRow[] = [];
  for (let i = 0; i < k; i++) {
    for (let j = i + 1; j < k; j++) {
      const a = order[i];
      const b = order[j];
      const meandiff = means.get(b)! - means.get(a)!;
      const se = Math.sqrt((variance * (1 / sums.get(a)!.n + 1 / sums.get(b)!.n)) / 2);
      const q = Math.abs(meandiff) / se;
      rows.push({
        group1: label(a), group2: label(b), meandiff, 'p-adj': srangeSf(q, k, df),
        lower: meandiff - qCrit * se, upper: meandiff + qCrit * se, reject: q > qCrit,
      });
    }
  }
  return {
    kind: 'tukey', value, group, alpha, rows, q_crit: qCrit, df, dropped: frame.rows - N,
    groups: order.map((key) => ({ name: label(key), n: sums.get(key)!.n, mean: means.get(key)! })),
  };
}
