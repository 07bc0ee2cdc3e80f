import { describe, expect, it } from 'vitest';
import { type ModelInterval, UNDETERMINED_REACH, spreadChangeText } from '../../../ts/strategy/interval';

/** A model's interval as the strategy reads it; the engine's answer is not needed to word its spread. */
function interval(question: ModelInterval['question'], status: ModelInterval['status'], lo: number | null, hi: number | null, nFull = 400): ModelInterval {
  const spread = question === 'dice' ? hi! - lo! : lo === null ? 0 : Math.log((hi ?? UNDETERMINED_REACH * nFull) / lo);
  return { model: 'a', question, status, value: null, lo, hi, openBelow: false, spread, excess: 0, tolerance: 0, floor: null, aim: 0, answer: undefined as never };
}

describe('spreadChangeText', () => {
  it('gives the spreads where they differ in words', () => {
    expect(spreadChangeText(interval('dice', 'forecast', 0.8, 0.874), interval('dice', 'forecast', 0.82, 0.871))).toBe('from 0.074 to 0.051');
    expect(spreadChangeText(interval('target', 'observed', 100, 200), interval('target', 'observed', 120, 170))).toBe('from ×2.00 to ×1.42');
  });

  it('says which end moved where both sides read "open above" or "undetermined"', () => {
    // the lower end rose: ln(hi/lo) fell although both are open above
    const [before, after] = [interval('target', 'observed', 176, null), interval('target', 'observed', 190, null)];
    expect(after.spread).toBeLessThan(before.spread);
    expect(spreadChangeText(before, after)).toBe('from open above (n ≥ 176) to open above (n ≥ 190)');
    expect(spreadChangeText(interval('target', 'undetermined', 120, 3000), interval('target', 'undetermined', 150, 2500)))
      .toBe('from undetermined (n 120–3,000) to undetermined (n 150–2,500)');
  });
});
