import type { Curve } from './curve';
import { interp } from './interp';
import { jStat } from './jstat';
import { fitLinear } from './linear';

/** Repeats are pooled over this many sizes with several runs, the nearest at or below the size asked about. */
const REPEAT_WINDOW = 3;

/**
 * The spread between repeated runs (seeds, folds) near each observed size: Σ(cᵢ − 1)·sdᵢ² / Σ(cᵢ − 1)
 * over the REPEAT_WINDOW sizes with several runs nearest at or below it (the first ones, for a size
 * below them all), with those degrees of freedom. Pooled, because two runs at a size give one degree
 * of freedom, whose t quantile (12.7 at 95%) says nothing useful alone; near, because runs scatter
 * far more at small sizes than at large ones (LCDB's seeds do), so pooling every size would overstate
 * the spread where the forecast stands. null at every size where no size has two runs.
 */
export function repeatSpread(obs: Curve): ({ sd: number; dof: number } | null)[] {
  const with2 = obs.n.map((_, i) => i).filter((i) => (obs.count?.[i] ?? 1) > 1 && Number.isFinite(obs.sd?.[i] ?? NaN));
  return obs.n.map((_, i) => {
    const below = with2.filter((j) => j <= i);
    const window = below.length ? below.slice(-REPEAT_WINDOW) : with2.slice(0, REPEAT_WINDOW);
    if (!window.length) return null;
    const dof = window.reduce((t, j) => t + obs.count![j] - 1, 0);
    const ss = window.reduce((t, j) => t + (obs.count![j] - 1) * obs.sd![j]! ** 2, 0);
    return { sd: Math.sqrt(ss / dof), dof };
  });
}

/**
 * The half-width the repeats add at n, for a central interval of `level`: Student's t on the pooled
 * degrees of freedom times the standard error of the mean Dice at the observed size at or below n
 * (past the data, the last one's: the forecast stands on it), less the noise the calibrated band
 * already allows for. That band was learnt on real curves whose points are themselves means over
 * seeds, so it holds their usual scatter (σ0, the corpus's typical noise): the repeats widen it only
 * where they scatter more, and then by the excess, in quadrature. Zero without repeats.
 */
export function repeatHalfWidth(obs: Curve, spread: ({ sd: number; dof: number } | null)[], sigma0: number): (n: number, level: number) => number {
  if (spread.every((s) => s === null)) return () => 0;
  // the band is read hundreds of times per answer (target and plateau searches): one t quantile per level and degrees of freedom
  const t = new Map<string, number>();
  const tOf = (level: number, dof: number) => {
    const key = `${level}:${dof}`;
    if (!t.has(key)) t.set(key, jStat.studentt.inv(0.5 + level / 2, dof));
    return t.get(key)!;
  };
  return (n, level) => {
    const i = Math.max(0, sizeAtOrBelow(obs.n, n));
    const s = spread[i];
    if (!s) return 0;
    const se2 = s.sd ** 2 / (obs.count?.[i] ?? 1);
    return se2 > sigma0 ** 2 ? tOf(level, s.dof) * Math.sqrt(se2 - sigma0 ** 2) : 0;
  };
}

/**
 * Weight of the corpus's single-run noise (calibration: sigmaRun) against a grid's own residuals, in
 * degrees of freedom: one, so that 3 or 4 points whose residuals happen to be small do not claim a
 * run without noise, and little against a long grid's residuals. Measured (bench/singlerun.ts, 1000
 * curves a half): with none, the 95% band held the seed mean at the largest n on 0.88 of the
 * calibration half's 4-point pilots of single runs; with 1, 0.92 (0.97 on the held-out half);
 * 3 instead of 1 added at most 0.02 anywhere (300 curves a half).
 */
const RUN_PRIOR_DOF = 1;

/**
 * The sd of a single run's noise that the calibrated band does not allow for, on a grid of one run
 * per size (no size with two runs: the usual grid; where there are repeats, repeatHalfWidth measures
 * them instead). The band was learnt on LCDB's curves, whose points are means over about 25 seeds,
 * so it allows for a point's noise of about σ0; one run scatters more (about the seeds' mean, by
 * sigmaRun, several σ0), and the forecast, which starts from the last point, carries that run's luck.
 * The run's sd is the fit's residual sd on its degrees of freedom (where the fit leaves none, 4
 * points and a 4-parameter family, a line's in ln n through 3 points or more), pooled with sigmaRun
 * as RUN_PRIOR_DOF degrees of freedom (a grid of 1 or 2 sizes has sigmaRun alone); its excess over
 * σ0 is returned. Measured on LCDB's single runs (bench/singlerun.ts), the band as learnt held their
 * seed mean at the largest n on 0.88–0.90 of the calibration half's curves observed to 10/25/50%
 * (the means' band: 0.93–0.95); with this, 0.94–0.95.
 */
export function singleRunSd(obs: Curve, residual: { sd: number; dof: number } | null, cal: { sigma0: number; sigmaRun?: number }): number {
  if (repeatSpread(obs).some((s) => s !== null)) return 0;
  const parts = [residual ?? lineResidual(obs), cal.sigmaRun === undefined ? null : { sd: cal.sigmaRun, dof: RUN_PRIOR_DOF }].filter((x) => x !== null);
  if (!parts.length) return 0;
  const variance = parts.reduce((t, x) => t + x.dof * x.sd ** 2, 0) / parts.reduce((t, x) => t + x.dof, 0);
  return Math.sqrt(Math.max(0, variance - cal.sigma0 ** 2));
}

/** The residual sd of the least-squares line of Dice on ln n, with its m − 2 degrees of freedom; null under 3 points. */
function lineResidual(obs: Curve): { sd: number; dof: number } | null {
  const m = obs.n.length;
  if (m < 3) return null;
  const line = fitLinear(obs.n.map(Math.log), obs.dice, 1);
  return { sd: Math.sqrt(obs.n.reduce((t, n, i) => t + (obs.dice[i] - line.at(Math.log(n))) ** 2, 0) / (m - 2)), dof: m - 2 };
}

/** The index of the largest observed size at or below n (-1 below them all). */
function sizeAtOrBelow(ns: readonly number[], n: number): number {
  let i = -1;
  while (i + 1 < ns.length && ns[i + 1] <= n) i++;
  return i;
}

/**
 * A band whose upper edge never falls as n grows, as the curve it bounds does not, and holds every
 * observed mean Dice from its size on. The raw edge fell in 85–94% of LCDB fits (bench/bandrise.ts):
 * within the data from the size before the last, by up to 0.03 on F1/AUC curves and 0.17 on accuracy
 * ones (the within-data quantile is wider than the forecast's), and past it in wiggles of a few
 * thousandths (the scale's parts do not all grow with distance); a target range, read where the
 * edge reaches the target, then disagreed with the band printed. So, on a log grid of sizes with
 * the observed ones among it, interpolated:
 * - up to the last observed size, the lowest raw edge from n to that size (under a non-decreasing
 *   curve a bound at a larger size holds at a smaller one): it only tightens, and only where the
 *   edge fell; it stops at the last size, so no forecast bound past the data is borrowed;
 * - past it, the highest raw edge from that size to n: it only widens, by the wiggles. A running
 *   maximum from the first size instead carried the wide within-data edge into the forecast (95%
 *   coverage 0.963 at 50% of LCDB's data, cross-fitted, against 0.958);
 * - then raised to the highest Dice observed at or below n: a band that excluded a Dice already
 *   measured moved a target met there past it (a running maximum, so still non-decreasing).
 * Below the grid (under the smallest observed size) the edge is the raw one held under the grid's
 * first; beyond its end, the end's. The lower edge is the raw one: past the data it may fall as the
 * band widens, which only makes it more cautious.
 */
export function monotoneBand(raw: (n: number, level: number) => [number, number], grid: number[], observed: { n: number[]; dice: number[] }): (n: number, level: number) => [number, number] {
  const last = grid.indexOf(observed.n[observed.n.length - 1]);
  const byLevel = new Map<number, number[]>();
  const upper = (level: number) => {
    let hi = byLevel.get(level);
    if (!hi) {
      hi = grid.map((n) => raw(n, level)[1]);
      for (let i = last - 1; i >= 0; i--) hi[i] = Math.min(hi[i], hi[i + 1]);
      for (let i = last + 1; i < hi.length; i++) hi[i] = Math.max(hi[i], hi[i - 1]);
      let top = -Infinity;
      let k = 0;
      for (let i = 0; i < grid.length; i++) {
        while (k < observed.n.length && observed.n[k] <= grid[i]) top = Math.max(top, observed.dice[k++]);
        hi[i] = Math.max(hi[i], top);
      }
      byLevel.set(level, hi);
    }
    return hi;
  };
  return (n, level) => {
    const [lo, rawHi] = raw(n, level);
    const hi = upper(level);
    return [lo, n < grid[0] ? Math.min(rawHi, hi[0]) : interp(grid, hi, n)];
  };
}

/** Sizes from `from` to `to`, `steps` log-spaced ones and the given ones among them, increasing and distinct. */
export function bandGrid(from: number, to: number, include: number[], steps = 600): number[] {
  const ns = Array.from({ length: steps + 1 }, (_, i) => from * (to / from) ** (i / steps));
  return [...new Set([...ns, ...include.filter((v) => v >= from && v <= to)])].sort((a, b) => a - b);
}
