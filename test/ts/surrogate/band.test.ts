import { describe, expect, it } from 'vitest';
import { bandGrid, monotoneBand, repeatHalfWidth, repeatSpread, singleRunSd } from '../../../ts/surrogate/band';
import { calibration } from '../../../ts/surrogate/calibration';
import { type Curve, pointsBySize } from '../../../ts/surrogate/curve';
import { answer } from '../../../ts/surrogate/engine';
import { jStat, zOf } from '../../../ts/surrogate/jstat';

// Two seeds at each of 4 sizes, the last pair 0.53 and 0.84 (the QA case: its 95% interval at 100% was [0.672, 0.693]).
const runs = [
  [30, 0.6], [30, 0.66], [60, 0.64], [60, 0.74], [90, 0.6], [90, 0.8], [120, 0.53], [120, 0.84],
] as const;
const points = pointsBySize(runs, (r) => r[0], (r) => r[1]);
const seeded: Curve = { model: 'a', depth: null, n: points.map((p) => p.n), dice: points.map((p) => p.dice), sd: points.map((p) => p.sd), count: points.map((p) => p.count) };
const meansOnly: Curve = { model: 'a', depth: null, n: seeded.n, dice: seeded.dice };

describe('the spread between repeats', () => {
  it('is pooled over the 3 sizes with several runs nearest at or below each size, one degree of freedom per pair', () => {
    const s = repeatSpread(seeded);
    const pairVar = [0, 2, 4, 6].map((i) => (runs[i][1] - runs[i + 1][1]) ** 2 / 2); // a pair's sample variance is half its squared difference
    const pooled = (from: number, to: number) => Math.sqrt(pairVar.slice(from, to).reduce((t, v) => t + v, 0) / (to - from));
    expect(s.map((x) => x!.dof)).toEqual([1, 2, 3, 3]);
    [pooled(0, 1), pooled(0, 2), pooled(0, 3), pooled(1, 4)].forEach((v, i) => expect(s[i]!.sd).toBeCloseTo(v, 12));
    expect(repeatSpread(meansOnly)).toEqual([null, null, null, null]);
  });

  it('adds Student\'s t times the standard error beyond the corpus\'s usual noise, in quadrature, and nothing where runs scatter no more than that', () => {
    const s = repeatSpread(seeded);
    const sigma0 = 0.01;
    const se = s[3]!.sd / Math.sqrt(2);
    const h = repeatHalfWidth(seeded, s, sigma0);
    expect(h(120, 0.95)).toBeCloseTo(jStat.studentt.inv(0.975, 3) * Math.sqrt(se ** 2 - sigma0 ** 2), 12);
    // past the data, the last size's
    expect(h(500, 0.95)).toBe(h(120, 0.95));
    expect(repeatHalfWidth(seeded, s, se * 1.01)(120, 0.95)).toBe(0);
    expect(repeatHalfWidth(meansOnly, repeatSpread(meansOnly), sigma0)(120, 0.95)).toBe(0);
  });

  it('widens the Dice interval: seeds at 0.53 and 0.84 give an interval at 100% that holds both, where the means alone give a narrow one', async () => {
    const [withSeeds, alone] = await Promise.all([answer([seeded]), answer([meansOnly])]);
    const [lo, hi] = [withSeeds.models[0].at[0].lo95, withSeeds.models[0].at[0].hi95];
    expect(lo).toBeLessThanOrEqual(0.53);
    expect(hi).toBeGreaterThanOrEqual(0.84);
    const narrow = alone.models[0].at[0];
    expect(narrow.hi95 - narrow.lo95).toBeLessThan((hi - lo) / 3);
    // the forecast itself is the same: the means are
    expect(withSeeds.models[0].at[0].dice).toBeCloseTo(narrow.dice, 2);
  });
});

describe('a band that never falls with n and holds what was measured', () => {
  // a raw upper edge that dips from 100 to 300 (within the data, whose last size is 300) and again past it, from 600 to 800
  const raw = (n: number): [number, number] => [0.5, 0.7 + (n > 100 && n < 300 ? 0.05 : 0) - (n > 600 && n < 800 ? 0.03 : 0) + n / 1e5];
  const grid = bandGrid(20, 5000, [37, 150, 300]);
  const rising = (band: (n: number, level: number) => [number, number]) => {
    const his = grid.map((n) => band(n, 0.95)[1]);
    his.slice(1).forEach((h, i) => expect(h).toBeGreaterThanOrEqual(his[i]));
  };

  it('within the data takes the lowest raw edge up to the last observed size, past it the highest from that size on', () => {
    const band = monotoneBand(raw, grid, { n: [37, 150, 300], dice: [0.2, 0.25, 0.3] });
    rising(band);
    // the bump before the last size is cut to the edge at the last size, which is kept
    expect(band(150, 0.95)[1]).toBeCloseTo(raw(300)[1], 12);
    expect(band(300, 0.95)).toEqual(raw(300));
    // the dip past the data is filled from the left, and the edge is the raw one again after it
    expect(band(700, 0.95)[1]).toBeGreaterThan(raw(700)[1] + 0.025);
    expect(band(900, 0.95)).toEqual(raw(900));
    // the lower edge is the raw one everywhere, and below the grid the upper edge is held under its first
    for (const n of [10, 150, 700]) expect(band(n, 0.95)[0]).toBe(0.5);
    expect(band(10, 0.95)[1]).toBeLessThanOrEqual(band(20, 0.95)[1]);
  });

  it('raises the upper edge to the highest Dice observed at or below n', () => {
    const band = monotoneBand(raw, grid, { n: [37, 150, 300], dice: [0.9, 0.6, 0.7] });
    rising(band);
    expect(band(20, 0.95)[1]).toBeLessThan(0.9);
    for (const n of [37, 150, 300, 900]) expect(band(n, 0.95)[1]).toBeGreaterThanOrEqual(0.9);
  });

  it('keeps a measured Dice inside the fitted band at every observed size, for a curve that jumps at its last size', async () => {
    const jump: Curve = { model: 'j', depth: null, n: [20, 40, 60, 80], dice: [0.4, 0.62, 0.78, 0.9] };
    const fit = (await answer([jump])).models[0].fit;
    jump.n.forEach((n, i) => expect(fit.band(n, 0.95)[1]).toBeGreaterThanOrEqual(jump.dice[i]));
  });

  it('has an upper edge that never falls from the smallest size observed to 10 times the largest, for a flat curve whose raw edge fell', async () => {
    // flat curves are where the raw edge fell most: the within-data quantile is wider than the forecast's
    const flat: Curve = { model: 'f', depth: null, n: [16, 23, 32, 45, 64, 91, 128, 181], dice: [0.66, 0.69, 0.67, 0.68, 0.685, 0.68, 0.683, 0.682] };
    const fit = (await answer([flat])).models[0].fit;
    const ns = Array.from({ length: 300 }, (_, i) => 16 * (1810 / 16) ** (i / 299));
    for (const level of [0.8, 0.95]) {
      const his = ns.map((n) => fit.band(n, level)[1]);
      his.slice(1).forEach((h, i) => expect(h).toBeGreaterThanOrEqual(his[i] - 1e-12));
    }
  });
});

describe('a band never narrower than one observation\'s noise', () => {
  it('at the first of 2 points the 80% band keeps a width (it collapsed onto the measured Dice)', async () => {
    const two: Curve = { model: 't', depth: null, n: [40, 80], dice: [0.7, 0.78] };
    const fit = (await answer([two])).models[0].fit;
    for (const level of [0.8, 0.95]) {
      const [lo, hi] = fit.band(40, level);
      expect(hi - lo).toBeGreaterThanOrEqual(2 * zOf(level) * calibration().sigma0 - 1e-12);
    }
  });
});

describe("a single run's noise", () => {
  const sigma0 = 0.01;
  const corpus = { sigma0, sigmaRun: 0.04 };
  it('is 0 where the grid has repeats (their spread is measured instead); from 1 or 2 sizes, the corpus\'s alone', () => {
    expect(singleRunSd(seeded, { sd: 0.2, dof: 5 }, corpus)).toBe(0);
    const two: Curve = { model: 'a', depth: null, n: [10, 20], dice: [0.5, 0.9] };
    expect(singleRunSd(two, null, corpus)).toBeCloseTo(Math.sqrt(0.04 ** 2 - sigma0 ** 2), 12);
    // a calibration written before sigmaRun: nothing to go on
    expect(singleRunSd(two, null, { sigma0 })).toBe(0);
  });

  it("pools the fit's residual sd (or, where the fit has none to spare, a line's in ln n) with the corpus's as one degree of freedom, and returns the excess over σ0", () => {
    const pooled = (sd: number, dof: number) => (dof * sd ** 2 + 0.04 ** 2) / (dof + 1);
    expect(singleRunSd(meansOnly, { sd: 0.05, dof: 6 }, corpus)).toBeCloseTo(Math.sqrt(pooled(0.05, 6) - sigma0 ** 2), 12);
    expect(singleRunSd(meansOnly, { sd: 0.05, dof: 6 }, { sigma0 })).toBeCloseTo(Math.sqrt(0.05 ** 2 - sigma0 ** 2), 12);
    expect(singleRunSd(meansOnly, { sd: 0.005, dof: 6 }, { sigma0 })).toBe(0);
    // 3 points evenly spaced in ln n, the middle one d above the chord: the line is the chord raised
    // by d/3, its residuals −d/3, 2d/3, −d/3, on 1 degree of freedom
    const d = 0.12;
    const three: Curve = { model: 'b', depth: null, n: [10, 20, 40], dice: [0.5, 0.6 + d, 0.7] };
    const lineVar = (d / 3) ** 2 + ((2 * d) / 3) ** 2 + (d / 3) ** 2;
    expect(singleRunSd(three, null, corpus)).toBeCloseTo(Math.sqrt(pooled(Math.sqrt(lineVar), 1) - sigma0 ** 2), 12);
  });

  it('widens the band of a noisy grid of single runs, in quadrature, against the same points declared means of repeats that agree', async () => {
    const n = [16, 23, 32, 45, 64, 91, 128, 181, 256, 362];
    const wiggle = [0.03, -0.03, 0.02, -0.025, 0.03, -0.02, 0.025, -0.03, 0.02, -0.02];
    const single: Curve = { model: 'noisy', depth: null, n, dice: n.map((v, i) => 0.85 - 0.5 * v ** -0.4 + wiggle[i]) };
    const agreeing: Curve = { ...single, sd: n.map(() => 0), count: n.map(() => 25) };
    const [a, b] = await Promise.all([answer([single]), answer([agreeing])]);
    const s = a.models[0].fit;
    const r = b.models[0].fit;
    expect(r.runSd).toBe(0);
    expect(s.runSd).toBeGreaterThan(0.015);
    // the single run's forecast starts nearer the fit (anchor.ts), by one shift from the last size on
    const shift = s.mean(362) - r.mean(362);
    expect(Math.abs(shift)).toBeGreaterThan(1e-4);
    for (const at of [181, 362, 724]) {
      if (at >= 362) expect(s.mean(at) - r.mean(at)).toBeCloseTo(shift, 12);
      expect(s.halfWidth(at, 0.95)).toBeCloseTo(Math.hypot(r.halfWidth(at, 0.95), zOf(0.95) * s.runSd), 12);
    }
    expect(a.models[0].at[0].hi95 - a.models[0].at[0].lo95).toBeGreaterThan(b.models[0].at[0].hi95 - b.models[0].at[0].lo95 + 0.01);
  });
});
