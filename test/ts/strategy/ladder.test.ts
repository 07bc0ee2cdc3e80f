import { describe, expect, it } from 'vitest';
import { DEFAULT_LADDER, ladder } from '../../../ts/strategy/ladder';
import type { GridSize } from '../../../ts/strategy/study';

// plateau's default grid: 5%..100% of 360 training images in steps of 5%
const steps: GridSize[] = Array.from({ length: 20 }, (_, i) => ({ fraction: (i + 1) / 20, n: Math.round(((i + 1) / 20) * 360) }));
// an LCDB grid: 16·2^(k/2) images up to the full set
const full = 8954;
const geometric: GridSize[] = [...Array.from({ length: 40 }, (_, k) => Math.round(16 * 2 ** (k / 2))).filter((n) => n < full), full].map((n) => ({ n, fraction: n / full }));

describe('ladder', () => {
  it('on a 5%-step grid folds the rungs below 5% onto 5% and tops up with the smallest sizes: 5, 10, 15, 20%', () => {
    expect(ladder(steps).map((s) => s.fraction)).toEqual([0.05, 0.1, 0.15, 0.2]);
    expect(ladder(steps).map((s) => s.n)).toEqual([18, 36, 54, 72]);
    expect(ladder(steps, [0.05, 0.1, 0.2, 0.4]).map((s) => s.fraction)).toEqual([0.05, 0.1, 0.2, 0.4]);
  });

  it('on a geometric grid takes, for each rung, the grid size nearest in log', () => {
    const picked = ladder(geometric);
    expect(picked).toHaveLength(4);
    picked.forEach((s, i) => {
      const r = DEFAULT_LADDER[i];
      for (const other of geometric) expect(Math.abs(Math.log(s.fraction / r))).toBeLessThanOrEqual(Math.abs(Math.log(other.fraction / r)) + 1e-12);
      expect(Math.abs(Math.log(s.fraction / r))).toBeLessThanOrEqual(Math.log(2) / 4 + 1e-9);
    });
  });

  it('tops a coarse grid up to 4 sizes (LADDER_MIN_SIZES, what every family of the default needs), with the smallest unused ones', () => {
    const coarse = [0.25, 0.5, 0.75, 1].map((f) => ({ fraction: f, n: f * 100 }));
    expect(ladder(coarse).map((s) => s.fraction)).toEqual([0.25, 0.5, 0.75, 1]);
    expect(ladder(steps, [0.1, 0.3]).map((s) => s.fraction)).toEqual([0.05, 0.1, 0.15, 0.3]);
    expect(ladder(coarse.slice(0, 3))).toHaveLength(3);
  });
});
