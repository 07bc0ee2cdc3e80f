import type { Curve } from './curve';
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

/** The index of the largest observed size at or below n (-1 below them all). */
function sizeAtOrBelow(ns: readonly number[], n: number): number {
  let i = -1;
  while (i + 1 < ns.length && ns[i + 1] <= n) i++;
  return i;
}

/**
 * A band whose upper edge holds every observed mean Dice from its size on: the raw upper edge, raised
 * to the highest Dice observed at or below n. A band that excluded a Dice already measured moved a
 * target met there past it. Otherwise the raw band: its upper edge may fall within the data, from
 * the size before the last (the within-data quantile is wider than the forecast's). Making it
 * monotone was tried both ways: the running maximum from the left carried the wide within-data edge
 * into the forecast (95% coverage 0.963 at 50% of LCDB's data, cross-fitted, against 0.958), and the
 * lowest edge at n or beyond is the minimum of many bounds that each fail 2.5% of the time, so it
 * fails more often than that; it tightened only within the data, where no benchmark scores the true
 * curve, so it was not kept on the strength of the argument alone.
 */
export function observedBand(raw: (n: number, level: number) => [number, number], observed: { n: number[]; dice: number[] }): (n: number, level: number) => [number, number] {
  // the highest Dice observed at or below each observed size
  let top = -Infinity;
  const seen = observed.dice.map((d) => (top = Math.max(top, d)));
  return (n, level) => {
    const [lo, hi] = raw(n, level);
    const i = sizeAtOrBelow(observed.n, n);
    return [lo, i < 0 ? hi : Math.max(hi, seen[i])];
  };
}
