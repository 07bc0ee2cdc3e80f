import { describe, expect, it } from 'vitest';
import { type Calibration, ONE_SIZE, type Quantiles, UNCALIBRATED, calibration, multiplier, quantilesOf, useCalibration } from '../../../ts/surrogate/calibration';

const table = (q95: number, count: number): Quantiles => ({
  quantiles: { few: { '0.5': q95 / 3, '0.95': q95 }, mid: { '0.5': q95 / 3, '0.95': q95 }, many: { '0.5': q95 / 3, '0.95': q95 } },
  counts: { few: count, mid: count, many: count },
  target95: null,
  targetCount: 0,
});

describe('quantilesOf: one half of the corpus alone', () => {
  const pooled: Calibration = {
    ...UNCALIBRATED,
    methods: {
      ensemble: { ...table(5, 200), scale: { floor: 0, noise: 1, spread: 1, gain: 1, slope: 0, horizon: 0, analogue: 0.5 }, halves: { calibrate: table(6, 100), 'held-out': table(4, 100) } },
      linear: table(2, 100),
    },
  };

  it("swaps in that half's quantiles and counts, keeping the method's scale, and leaves a method without halves as it was", () => {
    const even = quantilesOf(pooled, 'calibrate');
    expect(even.methods.ensemble.quantiles.mid['0.95']).toBe(6);
    expect(even.methods.ensemble.counts.mid).toBe(100);
    expect(even.methods.ensemble.scale).toEqual(pooled.methods.ensemble.scale);
    expect(even.methods.linear).toBe(pooled.methods.linear);
    expect(quantilesOf(pooled, 'held-out').methods.ensemble.quantiles.few['0.95']).toBe(4);
    // the pooled calibration itself is untouched
    expect(pooled.methods.ensemble.quantiles.few['0.95']).toBe(5);
  });

  it('is what the engine then multiplies its scale by', () => {
    try {
      useCalibration(quantilesOf(pooled, 'held-out'));
      expect(multiplier('ensemble', 7, 0.95).q).toBe(4);
      useCalibration(pooled);
      expect(multiplier('ensemble', 7, 0.95).q).toBe(5);
    } finally {
      useCalibration(null);
    }
  });
});

describe('the shipped calibration', () => {
  it("pools both halves: every method's 95% quantile lies between its halves', and its coverage is cross-fitted over both halves' curves", () => {
    const c = calibration();
    for (const [name, m] of Object.entries(c.methods)) {
      expect(m.halves, name).toBeDefined();
      for (const b of ['few', 'mid', 'many'] as const) {
        const [even, odd] = [m.halves!.calibrate, m.halves!['held-out']];
        // where each used its own bucket's scores (a bucket with few borrows the method's pooled ones)
        if (m.counts[b] !== even.counts[b] + odd.counts[b]) continue;
        const [x, y] = [even.quantiles[b]['0.95'], odd.quantiles[b]['0.95']];
        // a mixture's quantile lies between its parts'; split conformal's rank ⌈(n + 1)·0.95⌉ lifts
        // each half's level by up to 1/n more than the pooled one's, so the pooled may sit a hair
        // below both (lstm-bi-full, 200 curves a half: 4.272 against 4.279 and above)
        expect(m.quantiles[b]['0.95'], `${name} ${b}`).toBeGreaterThanOrEqual(0.99 * Math.min(x, y));
        expect(m.quantiles[b]['0.95'], `${name} ${b}`).toBeLessThanOrEqual(Math.max(x, y));
      }
      for (const r of c.reliability[name]) expect(r.coverageCurves, name).toBeGreaterThan(r.curves);
    }
  });

  it('has a quantile of its own within the data for every method, and that band holds 93–97% of the observed sizes below the last, cross-fitted between the halves', () => {
    const c = calibration();
    for (const [name, m] of Object.entries(c.methods)) {
      // one size has no observed size below the last: its band there is the forecast's
      if (name === ONE_SIZE) {
        expect(m.within).toBeUndefined();
        expect(c.reliability[name].every((r) => r.coverageWithin95 === undefined)).toBe(true);
        continue;
      }
      expect(m.within, name).toBeDefined();
      expect(m.halves!.calibrate.within, name).toBeDefined();
      for (const r of c.reliability[name]) {
        expect(r.coverageWithin95, `${name} at ${r.cut}`).toBeGreaterThanOrEqual(0.93);
        expect(r.coverageWithin95, `${name} at ${r.cut}`).toBeLessThanOrEqual(0.97);
      }
    }
  });
});

describe('multiplier within the data', () => {
  const inside = { quantiles: table(9, 100).quantiles, counts: table(9, 100).counts };
  it("reads the within-data table where there is one, and the forecast's where a calibration has none", () => {
    try {
      useCalibration({ ...UNCALIBRATED, methods: { ensemble: { ...table(5, 200), within: inside }, linear: table(2, 100) } });
      expect(multiplier('ensemble', 7, 0.95, true).q).toBe(9);
      expect(multiplier('ensemble', 7, 0.95).q).toBe(5);
      expect(multiplier('linear', 7, 0.95, true).q).toBe(2);
    } finally {
      useCalibration(null);
    }
  });
});
