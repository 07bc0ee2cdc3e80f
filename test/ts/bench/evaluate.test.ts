import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { corpus } from '../../../bench/lib/corpus';
import { byName, fallSplit, scoreMethod } from '../../../bench/lib/evaluate';
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
