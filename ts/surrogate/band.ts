import type { Curve } from './curve';
import { interp } from './interp';
import { jStat } from './jstat';

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
  return (n, level) => {
    let i = 0;
    while (i + 1 < obs.n.length && obs.n[i + 1] <= n) i++;
    const s = spread[i];
    if (!s) return 0;
    const se2 = s.sd ** 2 / (obs.count?.[i] ?? 1);
    return se2 > sigma0 ** 2 ? jStat.studentt.inv(0.5 + level / 2, s.dof) * Math.sqrt(se2 - sigma0 ** 2) : 0;
  };
}

/**
 * A band whose upper edge never falls as n grows, as the curve it bounds never does. Under a
 * non-decreasing curve an upper bound at a larger n holds at every smaller one too, so the edge at
 * n is the lowest raw edge at n or beyond (a running minimum from the right, on a log grid of sizes
 * with the observed ones among it, interpolated between grid points): it only tightens, and only
 * where the raw edge fell, which within the data it did from the size before the last (the
 * within-data quantile is wider than the forecast's). An upper edge that fell with n made the target
 * ranges (where the edge reaches a Dice) disagree with the band printed. The edge also holds every
 * observed mean Dice from its size on (the raw edge is raised to the highest Dice observed so far
 * before the minimum): a band that excluded a Dice already measured moved a target met there past
 * it. The lower edge is the raw one: it may fall past the data as the band widens, which only makes
 * it more cautious.
 */
export function monotoneBand(raw: (n: number, level: number) => [number, number], grid: number[], observed: { n: number[]; dice: number[] }): (n: number, level: number) => [number, number] {
  const byLevel = new Map<number, number[]>();
  const upper = (level: number) => {
    let hi = byLevel.get(level);
    if (!hi) {
      let seen = -Infinity;
      let k = 0;
      const floored = grid.map((n) => {
        while (k < observed.n.length && observed.n[k] <= n) seen = Math.max(seen, observed.dice[k++]);
        return Math.max(raw(n, level)[1], seen);
      });
      for (let i = floored.length - 2; i >= 0; i--) floored[i] = Math.min(floored[i], floored[i + 1]);
      hi = floored;
      byLevel.set(level, hi);
    }
    return hi;
  };
  return (n, level) => [raw(n, level)[0], interp(grid, upper(level), n)];
}

/** Sizes from `from` to `to`, `steps` log-spaced ones and the given ones among them, increasing and distinct. */
export function bandGrid(from: number, to: number, include: number[], steps = 600): number[] {
  const ns = Array.from({ length: steps + 1 }, (_, i) => from * (to / from) ** (i / steps));
  return [...new Set([...ns, ...include.filter((v) => v >= from && v <= to)])].sort((a, b) => a - b);
}
