import { describe, expect, it } from 'vitest';
import { curvesFromRows, pointOf } from '../../../ts/surrogate/curve';

const row = (model: string, n_train: number, dice: number, lr = 0.001) => ({ model, depth: 3, n_train, dice, lr, weight_decay: 0 });

describe('curvesFromRows', () => {
  it('one curve per model, sizes in increasing n, repeats averaged with their sd and count, 100% from the plan', () => {
    const rows = [row('a', 20, 0.5), row('a', 10, 0.3), row('a', 20, 0.7), row('a', 40, 0.8), row('a', 5, 0.2), row('b', 10, 0.4), row('b', 40, 0.6), row('b', 20, 0.5), row('b', 5, 0.3)];
    const [a, b] = curvesFromRows(rows, 'exp', new Map([['a', 80]]));
    expect(a).toMatchObject({ model: 'a', depth: 3, n: [5, 10, 20, 40], count: [1, 1, 2, 1], nFull: 80 });
    expect(a.dice[2]).toBeCloseTo(0.6, 12);
    expect(a.sd).toEqual([null, null, expect.closeTo(Math.sqrt(0.02), 12), null]);
    // one run a size: no sd or count, and no planned 100% given
    expect(b).toEqual({ model: 'b', depth: 3, n: [5, 10, 20, 40], dice: [0.3, 0.4, 0.5, 0.6] });
  });

  it('names a curve by lr where the grid varies it, and refuses an empty store by name', () => {
    const sizes = [5, 10, 20, 40];
    const curves = curvesFromRows([...sizes.map((n, i) => row('a', n, 0.3 + 0.1 * i)), ...sizes.map((n, i) => row('a', n, 0.2 + 0.1 * i, 0.01))], 'exp');
    expect(curves.map((c) => c.model)).toEqual(['a lr=0.001', 'a lr=0.01']);
    expect(() => curvesFromRows([], 'store.db')).toThrow(/^store\.db: no finished runs to fit$/);
  });
});

describe('pointOf', () => {
  it('is the mean, the sample sd (null for one run) and the count', () => {
    expect(pointOf([0.4])).toEqual({ dice: 0.4, sd: null, count: 1 });
    const p = pointOf([0.2, 0.4, 0.9]);
    expect(p.dice).toBeCloseTo(0.5, 12);
    expect(p.sd).toBeCloseTo(Math.sqrt(((0.3 ** 2) + (0.1 ** 2) + (0.4 ** 2)) / 2), 12);
    expect(p.count).toBe(3);
  });
});
