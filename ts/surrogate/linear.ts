import { jStat } from './jstat';

/**
 * The paper's baseline: ordinary least squares of DSC on the data ratio x = n / N, one line per
 * curve. Intervals are the textbook OLS ones (Student's t): for the mean line or for a new run.
 */
export interface LinearFit {
  intercept: number;
  slope: number;
  nRef: number;
  at: (n: number) => number;
  band: (n: number, level: number, kind: 'prediction' | 'mean') => [number, number];
}

export function fitLinear(n: number[], y: number[], nRef: number): LinearFit {
  const x = n.map((v) => v / nRef);
  const m = x.length;
  const mx = x.reduce((s, v) => s + v, 0) / m;
  const my = y.reduce((s, v) => s + v, 0) / m;
  const sxx = x.reduce((s, v) => s + (v - mx) ** 2, 0);
  const slope = sxx > 0 ? x.reduce((s, v, i) => s + (v - mx) * (y[i] - my), 0) / sxx : 0;
  const intercept = my - slope * mx;
  const at = (v: number) => intercept + (slope * v) / nRef;
  const dof = m - 2;
  const s2 = dof > 0 ? x.reduce((s, v, i) => s + (y[i] - (intercept + slope * v)) ** 2, 0) / dof : 0;
  const band = (v: number, level: number, kind: 'prediction' | 'mean'): [number, number] => {
    const u = v / nRef;
    const se = Math.sqrt(s2 * ((kind === 'prediction' ? 1 : 0) + 1 / m + (sxx > 0 ? (u - mx) ** 2 / sxx : 0)));
    const t = dof > 0 ? jStat.studentt.inv(0.5 + level / 2, dof) : Infinity;
    return [at(v) - t * se, at(v) + t * se];
  };
  return { intercept, slope, nRef, at, band };
}
