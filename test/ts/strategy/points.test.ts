import { describe, expect, it } from 'vitest';
import { engineInput, pointsOf, withFantasy } from '../../../ts/strategy/points';
import { answer } from '../../../ts/surrogate/engine';

describe('points and the engine input', () => {
  it('averages seeds at a size, with their sd and count', () => {
    const ps = pointsOf([{ model: 'a', n: 20, dice: 0.5 }, { model: 'a', n: 10, dice: 0.3 }, { model: 'a', n: 20, dice: 0.7 }, { model: 'b', n: 10, dice: 0.9 }], 'a');
    expect(ps.map((p) => p.n)).toEqual([10, 20]);
    expect(ps[1].dice).toBeCloseTo(0.6, 12);
    expect(ps[1].sd).toBeCloseTo(Math.sqrt(0.02), 12);
    expect(ps.map((p) => p.count)).toEqual([1, 2]);
  });

  it('a fantasy adds the forecast at a new size, or one more seed at a trained one', () => {
    const ps = pointsOf([{ model: 'a', n: 10, dice: 0.3 }, { model: 'a', n: 40, dice: 0.6 }], 'a');
    const added = withFantasy(ps, { n: 20 }, (n) => n / 100);
    expect(added.map((p) => [p.n, p.dice])).toEqual([[10, 0.3], [20, 0.2], [40, 0.6]]);
    const again = withFantasy(ps, { n: 40 }, () => 0);
    expect(again[1]).toEqual({ ...ps[1], count: 2 });
  });

  it("the engine's 100% is the full set, not the largest size trained", async () => {
    const ps = pointsOf([18, 36, 72, 144].map((n, i) => ({ model: 'a', n, dice: [0.5, 0.62, 0.7, 0.75][i] })), 'a');
    const curve = engineInput(ps, 'a', null, 360);
    expect(curve.n).toEqual([18, 36, 72, 144]);
    const m = (await answer([curve])).models[0];
    expect(m.fit.nRef).toBe(360);
    expect(m.fit.observedMaxN).toBe(144);
    expect(m.fit.points).toBe(4);
    expect(m.at[0].n).toBe(360);
  });
});
