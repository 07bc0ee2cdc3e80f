import { describe, expect, it } from 'vitest';
import { anchorWeight } from '../../../ts/surrogate/anchor';
import { calibration } from '../../../ts/surrogate/calibration';
import type { Curve } from '../../../ts/surrogate/curve';
import { normal, rng } from '../../../ts/surrogate/random';
import { fitSurrogate } from '../../../ts/surrogate/surrogate';

const SPACING = Math.log(Math.SQRT2);

describe('anchorWeight', () => {
  const { stack, sigma0 } = calibration();
  it('keeps the learnt anchor for means (no run scatter), and tends to it as the run scatter vanishes', () => {
    expect(anchorWeight(stack.anchor, sigma0, 0, SPACING)).toBe(stack.anchor);
    expect(anchorWeight(stack.anchor, sigma0, 1e-9, SPACING)).toBeCloseTo(stack.anchor, 9);
  });
  it('leans a noisier run further toward the fit, and less so the further the last size is from the one before', () => {
    const quiet = anchorWeight(stack.anchor, sigma0, 0.01, SPACING);
    const noisy = anchorWeight(stack.anchor, sigma0, 0.04, SPACING);
    expect(quiet).toBeGreaterThan(stack.anchor);
    expect(noisy).toBeGreaterThan(quiet);
    expect(noisy).toBeLessThan(1);
    // a jump of ln 8 (12.5% → 100%) against the corpus's √2 spacing: the fit pins 100% far less
    expect(anchorWeight(stack.anchor, sigma0, 0.04, Math.log(8))).toBeLessThan(noisy / 2);
    // gaps up to the corpus's spacing are all the corpus's
    expect(anchorWeight(stack.anchor, sigma0, 0.04, SPACING / 2)).toBe(noisy);
  });
  it('is the precision weighting the learnt anchor implies: 1 − a = τ²/(τ² + σ²)', () => {
    const a = 0.25;
    const tau2 = (sigma0 ** 2 * (1 - a)) / a;
    const s = 0.03;
    expect(1 - anchorWeight(a, sigma0, s, SPACING)).toBeCloseTo(tau2 / (tau2 + sigma0 ** 2 + s ** 2), 12);
  });
});

describe('the ensemble from a grid of one run per size', () => {
  // a smooth curve on 16 sizes whose last run came out 0.05 high: as a single run it is mostly
  // that run's luck, so the forecast starts nearer the fit than the same points declared as means
  // of 25 runs that agree, which the stack takes nearly at their word
  const r = rng(11);
  const n = Array.from({ length: 16 }, (_, i) => Math.round(40 * Math.SQRT2 ** i));
  const truth = (v: number) => 0.9 - 0.5 * (v / n[0]) ** -0.45;
  const dice = n.map((v, i) => truth(v) + 0.004 * normal(r) + (i === n.length - 1 ? 0.05 : 0));
  const single: Curve = { model: 'm', depth: null, n, dice };
  const agreeing: Curve = { ...single, sd: n.map(() => 0), count: n.map(() => 25) };
  it('starts a single run\'s forecast nearer the fit than a mean\'s, and says so in its composition', async () => {
    const last = n[n.length - 1];
    const [s] = (await fitSurrogate([single], 'ensemble', { seed: 0 })).fits;
    const [m] = (await fitSurrogate([agreeing], 'ensemble', { seed: 0 })).fits;
    const yLast = dice[dice.length - 1];
    expect(m.mean(last)).toBeGreaterThan(yLast - 0.04);
    expect(s.mean(last)).toBeLessThan(m.mean(last) - 0.01);
    expect(Math.abs(s.mean(last) - truth(last))).toBeLessThan(Math.abs(m.mean(last) - truth(last)));
    expect(s.detail).toMatch(/starts 0\.\d\d of the way from the last point to the fit there \(one run per size, sd 0\.\d{3} about the mean over runs: weighed against the fit by precision\)/);
    expect(m.detail).not.toContain('weighed against the fit');
    expect(s.anchor).toBeGreaterThan(calibration().stack.anchor);
    expect(m.anchor).toBeNull();
  });
});
