import { readFileSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { ANALOGUES_FILE, analogue, haveAnalogues, leaveSourceOut } from '../../../ts/surrogate/analogue';
import type { Curve } from '../../../ts/surrogate/curve';
import { rng } from '../../../ts/surrogate/random';

// Curves with known answers: power laws a − b·n^(−c) (the shape real learning curves mostly take),
// observed on a geometric grid up to a quarter of the full set.
const sizes = (from: number, to: number, k: number) => Array.from({ length: k }, (_, i) => Math.round(from * (to / from) ** (i / (k - 1))));
function powerLaw(a: number, b: number, c: number, ns: number[]): Curve {
  return { model: `pow ${a} ${b} ${c}`, depth: null, n: ns, dice: ns.map((n) => a - b * n ** -c) };
}

describe('analogue forecast', () => {
  afterEach(() => leaveSourceOut(null));

  it('ships its corpus', () => {
    expect(haveAnalogues()).toBe(true);
  });

  it('is 0 up to the last observed n, non-decreasing after it, and never past 1', () => {
    const r = rng(3);
    for (let i = 0; i < 20; i++) {
      const c = powerLaw(0.7 + 0.29 * r(), 0.2 + r(), 0.2 + 0.6 * r(), sizes(20, 400, 6));
      c.dice = c.dice.map((d) => Math.min(1, Math.max(0, d + 0.01 * (r() - 0.5))));
      const last = c.n.at(-1)!;
      const a = analogue(c, 8 * last)!;
      expect(a.neighbours).toBe(20);
      expect(a.gain(last)).toBe(0);
      expect(a.gain(last / 2)).toBe(0);
      let prev = 0;
      for (let n = last; n <= 10 * last; n *= 1.1) {
        const g = a.gain(n);
        expect(g).toBeGreaterThanOrEqual(prev - 1e-12);
        expect(c.dice.at(-1)! + g).toBeLessThanOrEqual(1 + 1e-12);
        expect(a.spread(n)).toBeGreaterThanOrEqual(0);
        prev = g;
      }
    }
  });

  it('expects more from a curve still rising than from one already flat at the same level', () => {
    const ns = sizes(20, 400, 6);
    const rising = { model: 'rising', depth: null, n: ns, dice: ns.map((n) => 0.8 - 0.5 * (n / 400) ** -0.3 + 0.5) };
    const flat = { model: 'flat', depth: null, n: ns, dice: ns.map(() => rising.dice.at(-1)!) };
    expect(analogue(rising, 1600)!.gain(1600)).toBeGreaterThan(analogue(flat, 1600)!.gain(1600) + 0.005);
  });

  it('forecasts power laws observed to 25% closer than the last value carried forward', () => {
    const r = rng(11);
    let err = 0;
    let lastErr = 0;
    for (let i = 0; i < 40; i++) {
      const [a, b, c] = [0.75 + 0.2 * r(), 0.3 + 1.5 * r(), 0.2 + 0.5 * r()];
      const full = powerLaw(a, b, c, sizes(16, 1600, 10));
      const obs = { ...full, n: full.n.filter((n) => n <= 400), dice: full.dice.slice(0, full.n.filter((n) => n <= 400).length) };
      const yLast = obs.dice.at(-1)!;
      err += Math.abs(yLast + analogue(obs, 3200)!.gain(1600) - full.dice.at(-1)!);
      lastErr += Math.abs(yLast - full.dice.at(-1)!);
    }
    expect(err).toBeLessThan(0.6 * lastErr);
  });

  it('leaves a curve’s own data set out when calibration asks it to', () => {
    // a cut of a corpus curve matches its own data set's curves first (itself at distance 0) ...
    const first = (JSON.parse(readFileSync(ANALOGUES_FILE, 'utf8')) as { curves: { id: number; n: number[]; y: number[] }[] }).curves[0];
    const own: Curve = { model: 'own', depth: null, n: first.n.slice(0, 8), dice: first.y.slice(0, 8).map((v) => v / 1e4) };
    expect(analogue(own, 4 * own.n.at(-1)!)!.sources).toContain(first.id);
    // ... and never once its data set is named as the curve's source
    leaveSourceOut((model) => (model === 'own' ? first.id : null));
    const out = analogue(own, 4 * own.n.at(-1)!)!;
    expect(out.sources).not.toContain(first.id);
    expect(out.neighbours).toBe(20);
  });
});
