import type { Curve } from './curve';
import { jStat } from './jstat';

/**
 * The spread between repeated runs (seeds, folds) at one size, pooled over the sizes that have
 * several: Σ(cᵢ − 1)·sdᵢ² / Σ(cᵢ − 1), with those degrees of freedom. Pooled because two runs at
 * a size give one degree of freedom, whose t quantile (12.7 at 95%) says nothing useful alone.
 * null where no size has two runs.
 */
export function repeatSpread(obs: Curve): { sd: number; dof: number } | null {
  let ss = 0;
  let dof = 0;
  obs.n.forEach((_, i) => {
    const s = obs.sd?.[i];
    const c = obs.count?.[i] ?? 1;
    if (c > 1 && s !== null && s !== undefined && Number.isFinite(s)) {
      ss += (c - 1) * s * s;
      dof += c - 1;
    }
  });
  return dof > 0 ? { sd: Math.sqrt(ss / dof), dof } : null;
}

/**
 * The half-width the repeats add at n, for a central interval of `level`: Student's t on the
 * pooled degrees of freedom times the standard error of the mean Dice at the observed size at or
 * below n (past the data, the last one's: the forecast stands on it). Zero without repeats.
 */
export function repeatHalfWidth(obs: Curve, spread: { sd: number; dof: number } | null): (n: number, level: number) => number {
  if (!spread) return () => 0;
  const t = new Map<number, number>();
  return (n, level) => {
    let i = 0;
    while (i + 1 < obs.n.length && obs.n[i + 1] <= n) i++;
    const c = obs.count?.[i] ?? 1;
    if (!t.has(level)) t.set(level, jStat.studentt.inv(0.5 + level / 2, spread.dof));
    return t.get(level)! * (spread.sd / Math.sqrt(c));
  };
}

/** The first index of increasing xs with xs[i] ≥ v (xs.length when none). */
function above(xs: number[], v: number): number {
  let lo = 0;
  let hi = xs.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (xs[mid] < v) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/**
 * A band whose upper edge never falls as n grows, as the curve it bounds never does: the running
 * maximum of the raw upper edge on a log grid of sizes (the observed sizes among them, so the band
 * there is exact), interpolated between grid points. Under a non-decreasing curve a bound above at
 * a larger n holds at every smaller one too, so the maximum only widens the band; an upper edge that
 * fell with n made the target ranges (where the edge reaches a Dice) disagree with the band printed.
 * It also holds every observed mean Dice from its size on: a band that excluded a Dice already
 * measured moved a target met there past it. The lower edge is the raw one: it may fall past the
 * data as the band widens, which only makes it more cautious. Below the grid the upper edge is held
 * at its value at the grid's start.
 */
export function monotoneBand(raw: (n: number, level: number) => [number, number], grid: number[], observed: { n: number[]; dice: number[] }): (n: number, level: number) => [number, number] {
  const byLevel = new Map<number, number[]>();
  const seen = new Map(observed.n.map((n, i) => [n, observed.dice[i]]));
  const upper = (level: number) => {
    let hi = byLevel.get(level);
    if (!hi) {
      let run = -Infinity;
      hi = grid.map((n) => (run = Math.max(run, raw(n, level)[1], seen.get(n) ?? -Infinity)));
      byLevel.set(level, hi);
    }
    return hi;
  };
  return (n, level) => {
    const hi = upper(level);
    const lo = raw(n, level)[0];
    if (n < grid[0]) return [lo, hi[0]];
    const j = above(grid, n);
    if (j >= grid.length) return [lo, hi[grid.length - 1]];
    if (grid[j] === n) return [lo, hi[j]];
    const w = (n - grid[j - 1]) / (grid[j] - grid[j - 1]);
    return [lo, hi[j - 1] + w * (hi[j] - hi[j - 1])];
  };
}

/** Sizes from `from` to `to`, `steps` log-spaced ones and the given ones among them, increasing and distinct. */
export function bandGrid(from: number, to: number, include: number[], steps = 600): number[] {
  const ns = Array.from({ length: steps + 1 }, (_, i) => from * (to / from) ** (i / steps));
  return [...new Set([...ns, ...include.filter((v) => v >= from && v <= to)])].sort((a, b) => a - b);
}
