import { normal, rng } from '../../../ts/surrogate/random';
import type { Run, Study } from '../../../ts/strategy/study';
import type { World } from '../../../ts/strategy/world';

/** plateau's default grid: 5%..100% of the training pool in steps of 5%. */
export const POOL = 400;
export const SIZES = Array.from({ length: 20 }, (_, i) => ({ fraction: (i + 1) / 20, n: ((i + 1) / 20) * POOL }));

/** A saturating pow3 curve in u = n / POOL: a − b·u^(−c). */
export const pow3 = (a: number, b: number, c: number) => (n: number) => a - b * (n / POOL) ** -c;

/** Runs of a curve at the given fractions, costing k seconds per image (1 epoch). */
export function runsOf(model: string, f: (n: number) => number, fractions: number[], k = 0.01): Run[] {
  return fractions.map((fr) => ({ model, n: fr * POOL, dice: f(fr * POOL), seconds: k * fr * POOL, epochs: 1 }));
}

export const study = (models: string[], runs: Run[], extra: Partial<Study> = {}): Study => ({ models: models.map((model) => ({ model, depth: null })), sizes: SIZES, nFull: POOL, runs, ...extra });

/** A world of saturating curves on the 5% grid, with Gaussian noise of sd `noise` (seeded), one seed per cell. */
export function saturatingWorld(count: number, noise: number, seed: number): { world: World; clean: ((n: number) => number)[] } {
  const r = rng(seed);
  const clean = Array.from({ length: count }, () => pow3(0.8 + 0.15 * r(), 0.03 + 0.07 * r(), 0.4 + 0.6 * r()));
  const world: World = {
    name: 'saturating', sizes: SIZES, nFull: POOL, epochs: 1, secondsPerImageEpoch: 0.05,
    models: clean.map((f, i) => ({ model: `m${i}`, depth: null, dice: SIZES.map((s) => [Math.min(1, f(s.n) + noise * normal(r))]) })),
  };
  return { world, clean };
}
