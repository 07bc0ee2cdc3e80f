import type { GridSize } from './study';

/**
 * The starting rungs, as fractions of the full training set: geometric, so each doubles the last,
 * and cheap: with cost ∝ n a 40% rung alone costs more than 5, 10 and 20% together, and the chooser
 * buys a large size anyway where it narrows the answer most per second. Chosen on LCDB's F1/AUC
 * curves (bench/adaptive.ts --corpus dev: 5/10/20/40% spent 0.53 of the grid, 1.25/2.5/5/10% 0.38,
 * at the grid's accuracy), then checked on the accuracy curves. On a 5%-step grid the rungs fold
 * onto 5 and 10%, and the ladder is topped up to 5/10/15/20%.
 */
export const DEFAULT_LADDER = [0.0125, 0.025, 0.05, 0.1];
/** The fixed geometric ladder the benchmark compares with: the starting rungs carried on to 100%. */
export const FIXED_LADDER = [0.05, 0.1, 0.2, 0.4, 0.8, 1];
/**
 * The fewest sizes a model gets before the engine's answer chooses its jobs: enough for every
 * family of the default (the 4-parameter ones need 4; the engine answers from fewer, curve.ts
 * MIN_POINTS, but from its analogues alone), as the study's figures in the README were measured with.
 */
export const LADDER_MIN_SIZES = 4;
/**
 * The fewest sizes of a model before the study asks the engine about it: the engine answers one
 * size (curve.ts: MIN_POINTS), but what to train next is chosen from a curve's shape, which one
 * size does not have.
 */
export const FEWEST_TO_CHOOSE = 2;

/**
 * The ladder on a grid: for each rung, the grid size nearest in log (jobs must be grid cells, so
 * an adaptive study and a grid share results), without duplicates. Where a coarse grid folds rungs
 * together, the smallest unused sizes top it up to `minSizes`.
 */
export function ladder(sizes: GridSize[], rungs: number[] = DEFAULT_LADDER, minSizes = LADDER_MIN_SIZES): GridSize[] {
  const grid = [...sizes].sort((a, b) => a.n - b.n);
  const picked = new Set<GridSize>();
  for (const r of rungs) {
    if (!grid.length) break;
    picked.add(grid.reduce((a, b) => (Math.abs(Math.log(b.fraction / r)) < Math.abs(Math.log(a.fraction / r)) ? b : a)));
  }
  for (const s of grid) {
    if (picked.size >= Math.min(minSizes, grid.length)) break;
    picked.add(s);
  }
  return grid.filter((s) => picked.has(s));
}

/** Fractions from n on a grid given as counts: n / nFull. */
export const gridOf = (ns: number[], nFull: number): GridSize[] => ns.map((n) => ({ n, fraction: n / nFull }));
