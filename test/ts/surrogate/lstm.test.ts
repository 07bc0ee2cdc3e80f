import { afterAll, describe, expect, it } from 'vitest';
import { tfBackend } from '../../../ts/surrogate/backend';
import type { Curve } from '../../../ts/surrogate/curve';
import { type LstmNet, fitLstm, roll } from '../../../ts/surrogate/lstm';

// Three smooth saturating curves (depths 3, 4, 5), 15 sizes each: small enough for a few seconds.
const N = 600;
const curves: Curve[] = [3, 4, 5].map((d) => {
  const n = Array.from({ length: 15 }, (_, i) => (N * (i + 1)) / 15);
  return { model: `resunet-d${d}`, depth: d, n, dice: n.map((v) => 0.6 + 0.05 * d - 0.15 * (v / N) ** -0.5 * 0.3) };
});
const steps = (c: Curve) => c.n.map((n, i) => ({ n, y: c.dice[i] as number | null }));
const mae = (c: Curve, p: { dice: number }[], from: number) =>
  p.slice(from).reduce((s, x, i) => s + Math.abs(x.dice - c.dice[i + from]), 0) / (p.length - from);
const OPTS = { epochs: 80, seed: 1 };
const nets: LstmNet[] = [];
afterAll(() => nets.forEach((n) => n.dispose()));

describe('LSTM surrogates', () => {
  it('runs on the wasm backend here', async () => {
    expect(await tfBackend()).toBe('wasm');
  });

  it('uni one-step learns a smooth curve: in-sample one-step MAE < 0.01 on every depth', async () => {
    const net = await fitLstm(curves, 'lstm-uni-one', OPTS);
    nets.push(net);
    for (const c of curves) expect(mae(c, roll(net, c.model, steps(c), 'one', 1), 1)).toBeLessThan(0.01);
  });

  it('full-step feeds its own predictions forward: observed values after the warm-up do not change its forecasts; one-step reads them', async () => {
    const net = await fitLstm(curves, 'lstm-uni-full', OPTS);
    nets.push(net);
    const c = curves[1];
    const warmup = 4;
    const spoiled = steps(c).map((s, i) => (i >= warmup ? { ...s, y: 0.1 } : s));
    const full = roll(net, c.model, steps(c), 'full', warmup);
    const fullSpoiled = roll(net, c.model, spoiled, 'full', warmup);
    expect(fullSpoiled.map((p) => p.dice)).toEqual(full.map((p) => p.dice));
    expect(full.slice(warmup).map((p) => p.chained)).toEqual(full.slice(warmup).map((_, i) => i + 1));
    const one = roll(net, c.model, steps(c), 'one', warmup);
    const oneSpoiled = roll(net, c.model, spoiled, 'one', warmup);
    expect(Math.abs(oneSpoiled[warmup + 2].dice - one[warmup + 2].dice)).toBeGreaterThan(0.05);
    // and a chained forecast of a smooth curve stays close to it
    expect(mae(c, full, warmup)).toBeLessThan(0.03);
  });

  it('bi-directional fits are deterministic under a seed', async () => {
    const a = await fitLstm(curves, 'lstm-bi-one', { ...OPTS, epochs: 20 });
    const b = await fitLstm(curves, 'lstm-bi-one', { ...OPTS, epochs: 20 });
    nets.push(a, b);
    const c = curves[0];
    expect(roll(a, c.model, steps(c), 'one', 1).map((p) => p.dice)).toEqual(roll(b, c.model, steps(c), 'one', 1).map((p) => p.dice));
  });
});
