import type { ResultRow } from '../store/results';
import { plateauPoint } from '../surrogate/answers';
import { type Curve, curvesFromRows } from '../surrogate/curve';
import { type Method, fitSurrogate } from '../surrogate/surrogate';

/** One model's observed curve and the chosen surrogate's forecast past it (the curves view). */
export interface CurveForecast {
  model: string;
  /** observed test metric by fraction of the full training set */
  observed: [number, number][];
  /** forecast mean and 80% band at fractions past the last observed one, up to 1 (1.5 once the curve reaches 1) */
  forecast: { fraction: number; dice: number; lo: number; hi: number }[];
  plateau: number | null;
  method: Method;
  note?: string;
}

/**
 * Fits `method` to each model's Dice curve so far. The full training set's size per model is the
 * largest n_train of any of its jobs (`fullN`), so a half-finished grid is forecast up to 100%.
 * Parametric methods are fitted without the bootstrap: the dashboard refits on every new result.
 */
export async function curveForecasts(rows: ResultRow[], fullN: Map<string, number>, method: Method, steps = 24): Promise<CurveForecast[]> {
  const out: CurveForecast[] = [];
  const models = [...new Set(rows.map((r) => r.model))];
  for (const model of models) {
    const mine = rows.filter((r) => r.model === model);
    const N = fullN.get(model) ?? Math.max(...mine.map((r) => r.n_train));
    let curve: Curve;
    try {
      [curve] = curvesFromRows(mine, model);
    } catch (e) {
      out.push({ model, observed: mine.map((r) => [r.n_train / N, r.dice]), forecast: [], plateau: null, method, note: (e as Error).message });
      continue;
    }
    const observed = curve.n.map((n, i): [number, number] => [n / N, curve.dice[i]]);
    const res = await fitSurrogate([curve], method, { bootstrap: 0, seed: 0 });
    const fit = res.fits[0];
    if (!fit) {
      out.push({ model, observed, forecast: [], plateau: null, method, note: res.skipped[0]?.reason });
      continue;
    }
    // Past the last observed point up to the full set; a finished curve is forecast to 1.5× it.
    const last = curve.n[curve.n.length - 1];
    const end = Math.max(N, 1.5 * last);
    const grid = Array.from({ length: steps }, (_, i) => last + ((end - last) * (i + 1)) / steps);
    const forecast = grid.map((n) => {
      const [lo, hi] = fit.band(n, 0.8);
      return { fraction: n / N, dice: fit.mean(n), lo, hi };
    });
    const p = plateauPoint(fit);
    out.push({ model, observed, forecast, plateau: p.n === null ? null : p.n / N, method });
  }
  return out;
}
