import { afterEach, describe, expect, it } from 'vitest';
import { type Calibration, type Quantiles, calibration, useCalibration } from '../../../ts/surrogate/calibration';
import { normal, rng } from '../../../ts/surrogate/random';
import { fitSurrogate } from '../../../ts/surrogate/surrogate';

// A noisy pow3 curve on 20 nested fractions of N = 1000, each point the mean of 3 repeats whose
// spread is within the corpus's usual noise: the band is the learnt one alone (neither the
// repeats' excess nor a single run's noise joins it), so its multiplier shows.
const N = 1000;
const NS = Array.from({ length: 20 }, (_, i) => (N * (i + 1)) / 20);
const r = rng(3);
const curve = { model: 'm', depth: null, n: NS, dice: NS.map((n) => 0.85 - 0.12 * (n / N) ** -0.6 + 0.005 * normal(r)), sd: NS.map(() => 0.005), count: NS.map(() => 3) };
const flat = (q95: number): Quantiles['quantiles'] => {
  const t = { '0.5': q95 / 4, '0.95': q95 };
  return { few: t, mid: t, many: t };
};
const counts = { few: 100, mid: 100, many: 100 };

/** The shipped calibration with pow3's quantiles replaced: `past` for the forecast, `inside` (or none) within the data. */
function withPow3(past: number, inside: number | null): Calibration {
  const c = calibration();
  const within = inside === null ? {} : { within: { quantiles: flat(inside), counts } };
  return { ...c, methods: { ...c.methods, pow3: { quantiles: flat(past), counts, target95: null, targetCount: 0, ...within } } };
}
/** The band's half-width at n (before the clip and the upper edge's running maximum) over the method's scale there: the multiplier the band used. */
async function multipliers(at: number[]): Promise<number[]> {
  const { fits } = await fitSurrogate([curve], 'pow3', { seed: 0 });
  const f = fits[0];
  return at.map((n) => {
    // where the half-width is the band's own, below the upper edge's running maximum: the lower edge shows it
    expect(f.mean(n) - f.band(n, 0.95)[0]).toBeCloseTo(f.halfWidth(n, 0.95), 12);
    return f.halfWidth(n, 0.95) / f.scale(n);
  });
}

describe('the band within the data', () => {
  afterEach(() => useCalibration(null));
  const prev = NS[18];
  const last = NS[19];
  const between = Math.sqrt(prev * last); // halfway in ln n

  it("uses the within-data quantile at observed sizes below the last, the forecast's from the last on, and blends them linearly in ln n between the last two sizes", async () => {
    useCalibration(withPow3(4, 10));
    const [first, mid, atPrev, half, atLast, past] = await multipliers([NS[0], NS[9], prev, between, last, 1500]);
    expect(first).toBeCloseTo(10, 9);
    expect(mid).toBeCloseTo(10, 9);
    expect(atPrev).toBeCloseTo(10, 9);
    expect(half).toBeCloseTo(7, 9);
    expect(atLast).toBeCloseTo(4, 9);
    expect(past).toBeCloseTo(4, 9);
  });

  it("keeps the forecast's quantile everywhere for a calibration written before the within-data one was learnt", async () => {
    useCalibration(withPow3(4, null));
    for (const m of await multipliers([NS[0], NS[9], between, last, 1500])) expect(m).toBeCloseTo(4, 9);
  });
});
