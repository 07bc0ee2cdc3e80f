import { describe, expect, it } from 'vitest';
import { PRIOR_SECONDS_PER_IMAGE_EPOCH, costModel } from '../../../ts/strategy/cost';
import type { Run } from '../../../ts/strategy/study';

const run = (model: string, n: number, k: number, epochs = 8): Run => ({ model, n, dice: 0.5, seconds: k * n * epochs, epochs });

describe('cost of a job', () => {
  it('is the seconds per image·epoch measured for the model, times n and epochs', () => {
    const c = costModel([run('a', 18, 0.02), run('a', 36, 0.02), run('a', 72, 0.02)]);
    expect(c.rate('a')).toEqual({ k: expect.closeTo(0.02, 12), source: 'measured' });
    expect(c.epochs('a')).toBe(8);
    expect(c.seconds('a', 100)).toBeCloseTo(0.02 * 100 * 8, 9);
  });

  it('weighs the measured runs by their size: Σ seconds / Σ n·epochs', () => {
    // a 10-second overhead on a small job moves k less than it would as a mean of per-run rates
    const c = costModel([{ model: 'a', n: 10, dice: 0.5, seconds: 10 + 10 * 0.01, epochs: 1 }, { model: 'a', n: 1000, dice: 0.5, seconds: 10, epochs: 1 }]);
    expect(c.rate('a').k).toBeCloseTo(20.1 / 1010, 12);
  });

  it('falls back to the mean over measured models, then to the prior, and grows with n', () => {
    const c = costModel([run('a', 50, 0.02), run('c', 50, 0.04)]);
    expect(c.rate('b')).toEqual({ k: expect.closeTo(0.03, 12), source: 'other models' });
    const none = costModel([]);
    expect(none.rate('b')).toEqual({ k: PRIOR_SECONDS_PER_IMAGE_EPOCH, source: 'prior' });
    expect(none.seconds('b', 200)).toBeCloseTo(2 * none.seconds('b', 100), 12);
    expect(costModel([], { prior: 0.5 }).seconds('b', 10)).toBeCloseTo(5, 12);
  });

  it('takes the epochs asked over the ones measured; runs without seconds give no rate', () => {
    const runs = [run('a', 50, 0.02, 4), { model: 'b', n: 50, dice: 0.5, epochs: 3 }];
    expect(costModel(runs, { epochs: 10 }).seconds('a', 50)).toBeCloseTo(0.02 * 50 * 10, 9);
    expect(costModel(runs, { epochs: { b: 6 } }).epochs('b')).toBe(6);
    expect(costModel(runs).epochs('b')).toBe(3);
    expect(costModel(runs).rate('b').source).toBe('other models');
  });
});
