import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { corpus } from '../../../bench/lib/corpus';
import { type Scored, byName, dataSetOf, fallSplit, noiseFloor, observedAt, plateauHolds, resampledInterval, scoreMethod, summarise, targetOf } from '../../../bench/lib/evaluate';
import { fitSurrogate } from '../../../ts/surrogate/surrogate';
import type { Curve } from '../../../ts/surrogate/curve';

// the forecast benchmark and the calibration score each fit against its own curve's final value
const rising = (model: string, top: number): Curve => {
  const n = [16, 23, 32, 45, 64, 91, 128, 181, 256, 362, 512];
  return { model, depth: null, n, dice: n.map((v) => top - 0.3 * (v / 16) ** -0.5) };
};

describe('leave-future-out scoring', () => {
  it('scores every forecast against the truth of the curve it was fitted to', async () => {
    const scored = await scoreMethod([rising('a', 0.9), rising('b', 0.6)], 'pow4', 0.25);
    expect(scored.map((s) => [s.model, s.truth.toFixed(4)])).toEqual([
      ['a', rising('a', 0.9).dice.at(-1)!.toFixed(4)],
      ['b', rising('b', 0.6).dice.at(-1)!.toFixed(4)],
    ]);
  });

  it('refuses two curves of one name instead of scoring one against the other', async () => {
    expect(() => byName([rising('a', 0.9), rising('a', 0.6)])).toThrow(/two curves are named 'a'/);
    await expect(scoreMethod([rising('a', 0.9), rising('a', 0.6)], 'pow4', 0.25)).rejects.toThrow(/two curves/);
  });

  // LCDB has an F1 and an AUC curve for one data set × learner: the metric is part of the name
  it.skipIf(!existsSync(join(import.meta.dirname, '..', '..', '..', '.plateau', 'lcdb', 'curves-auc.json')))('names the development corpus uniquely', () => {
    const names = corpus('dev', 400, 1).map((c) => c.model);
    expect(new Set(names).size).toBe(names.length);
  });

  it('asks each fit for the Dice halfway from its last observation to the end, reached where the observed curve first crosses it', async () => {
    const c = rising('a', 0.9);
    const { fits: [fit] } = await fitSurrogate([c], 'ensemble', { observedUpTo: 0.25, seed: 0 });
    // observed to 128 (index 6); the final value is at 512
    const [last, end] = [c.dice[6], c.dice[10]];
    const t = targetOf(c, fit)!;
    expect(t.dice).toBeCloseTo((last + end) / 2, 12);
    // between two observed sizes, interpolated in ln n
    const i = c.dice.findIndex((d) => d >= t.dice);
    expect(t.n!).toBeGreaterThan(c.n[i - 1]);
    expect(t.n!).toBeLessThanOrEqual(c.n[i]);
    const w = (Math.log(t.n!) - Math.log(c.n[i - 1])) / (Math.log(c.n[i]) - Math.log(c.n[i - 1]));
    expect(c.dice[i - 1] + w * (c.dice[i] - c.dice[i - 1])).toBeCloseTo(t.dice, 10);
    // a curve that hardly rises past the cut asks nothing
    const flat: Curve = { ...c, model: 'flat', dice: c.n.map((v) => (v <= 128 ? c.dice[c.n.indexOf(v)] : c.dice[6] + 0.005)) };
    const { fits: [flatFit] } = await fitSurrogate([flat], 'ensemble', { observedUpTo: 0.25, seed: 0 });
    expect(targetOf(flat, flatFit)).toBeNull();
  });

  it('checks a plateau point against what the curve did next, at the threshold per step of the data set', () => {
    const n = [100, 200, 400, 800, 1000];
    const c: Curve = { model: 'p', depth: null, n, dice: [0.5, 0.7, 0.8, 0.84, 0.85] };
    // halfway between 200 and 400 in ln n
    expect(observedAt(c, Math.sqrt(200 * 400))).toBeCloseTo(0.75, 12);
    expect(observedAt(c, 50)).toBe(0.5);
    expect(observedAt(c, 2000)).toBe(0.85);
    // from 400: a gain of 0.05 over 6 steps of 100; 0.005 a step allows 0.03, so it holds only with 0.02 of tolerance
    expect(plateauHolds(c, 400, 1000, 0.005, 0.1, 0.01)).toBe(false);
    expect(plateauHolds(c, 400, 1000, 0.005, 0.1, 0.02)).toBe(true);
    // from 800: 0.01 over 2 steps of 100
    expect(plateauHolds(c, 800, 1000, 0.006, 0.1, 0)).toBe(true);
    expect(plateauHolds(c, 800, 1000, 0.004, 0.1, 0)).toBe(false);
  });

  it('splits off the error a non-decreasing forecast cannot avoid on a curve that falls after the cut', async () => {
    const n = rising('x', 0).n;
    // rises to the cut, then collapses by 0.3 (as LCDB's QDA F1 curves do)
    const falling: Curve = { model: 'falls', depth: null, n, dice: n.map((v) => (v <= 128 ? 0.8 - 0.3 * (v / 16) ** -0.5 : 0.4)) };
    const scored = await scoreMethod([rising('a', 0.9), falling], 'ensemble', 0.25);
    const fall = scored.find((s) => s.model === 'falls')!;
    const rise = scored.find((s) => s.model === 'a')!;
    expect(fall.forecast).toBeGreaterThanOrEqual(fall.last - 0.05);
    const x = fallSplit(scored);
    expect(x.falling).toBe(1);
    expect(x.floor).toBeCloseTo((fall.last - fall.truth) / 2, 10);
    expect(x.mae).toBeCloseTo(Math.abs(rise.forecast - rise.truth), 10);
  });
});

describe('resampledInterval', () => {
  const scored = (model: string, covered: boolean): Scored => ({
    model, truth: 0.5, last: 0.5, forecast: 0.5, lo95: covered ? 0.4 : 0.6, hi95: 0.7, score: 0, parts: null, points: 8, stratum: 'mid', within: [], withinCovered: 0,
    targetLogError: null, targetScore: null, targetFound: null, targetCovered: null, targetWidth: null,
  });
  const coverage = (s: Scored[]) => summarise(s).coverage95;

  it('resamples data sets, not curves: clustered outcomes know the coverage less well than as many independent ones', () => {
    // 40 data sets × 10 curves; a data set's curves are all covered or all missed (8 of 40 missed)
    const clustered = Array.from({ length: 400 }, (_, i) => scored(`${Math.floor(i / 10)}/l${i % 10}/f1`, Math.floor(i / 10) % 5 !== 0));
    // the same 400 outcomes, each curve a data set of its own
    const apart = clustered.map((x, i) => ({ ...x, model: `${i}/l/f1` }));
    expect(coverage(clustered)).toBeCloseTo(0.8, 10);
    const [lo, hi] = resampledInterval(clustered, coverage, dataSetOf);
    const [lo1, hi1] = resampledInterval(apart, coverage, dataSetOf);
    expect(lo).toBeLessThan(0.8);
    expect(hi).toBeGreaterThan(0.8);
    expect(lo1).toBeLessThan(0.8);
    expect(hi1).toBeGreaterThan(0.8);
    // a binomial's 95% half-width is about 0.039 on 400 independent curves, 0.124 on 40 data sets
    expect(hi1 - lo1).toBeGreaterThan(0.05);
    expect(hi1 - lo1).toBeLessThan(0.11);
    expect(hi - lo).toBeGreaterThan(2 * (hi1 - lo1));
  });

  it('is a point where every data set gives the same outcome', () => {
    const all = Array.from({ length: 30 }, (_, i) => scored(`${i % 6}/l${i}/auc`, true));
    expect(resampledInterval(all, coverage, dataSetOf)).toEqual([1, 1]);
  });
});

describe('noiseFloor', () => {
  it("is the error of knowing each curve's expected end: |N(0, sd/√count)|, over the curves with seeds", () => {
    const n = [16, 32, 64];
    // sd 0.05 over 25 seeds: the truth misses its expectation by N(0, 0.01); |N(0, s)| has mean 0.798·s, median 0.674·s
    const seeded: Curve = { model: 's', depth: null, n, dice: [0.5, 0.6, 0.7], sd: [0.05, 0.05, 0.05], count: [25, 25, 25] };
    const single: Curve = { model: 'o', depth: null, n, dice: [0.5, 0.6, 0.7] };
    const f = noiseFloor([seeded, single], 20_000);
    expect(f.curves).toBe(1);
    expect(f.mae).toBeCloseTo(0.00798, 3);
    expect(f.median).toBeCloseTo(0.00674, 3);
  });
});
