import type { Curve } from './curve';
import { normal, type Rng, rng } from './random';

/**
 * A seeded family of synthetic learning curves, the prior the LSTMs are pre-trained on (in the
 * spirit of LC-PFN, Adriaensen et al. 2023, at toy scale). Each curve has its sizes on a grid like
 * plateau's (k·N/T for k = 1..T, T uniform in 8..30, continued up to 2·N as forecasts are; or, for a
 * quarter of them, a geometric grid), a clean shape in u = n/N and Gaussian noise:
 *   pow3     a − b·u^(−c)                  c ∈ [0.2, 1.5]
 *   exp3     a − b·e^(−c·u)                c ∈ [1, 15]
 *   logistic lo + (a − lo)/(1 + (u/m)^(−k)) (MMF-like, an S in log n), m ∈ [0.02, 1] log-uniform, k ∈ [1, 4]
 * with the ceiling a ∈ [0.5, 0.97], the first point's Dice between 0.05 and a − 0.03, noise sd ∈ [0, 0.025],
 * values clipped to [0.001, 0.999]. `clean` is the noise-free curve at the same sizes.
 */
export interface SyntheticCurve extends Curve {
  clean: number[];
}

const uni = (r: Rng, lo: number, hi: number) => lo + (hi - lo) * r();
const clip = (v: number) => Math.min(0.999, Math.max(0.001, v));

function shape(r: Rng): (u: number, u0: number) => number {
  const a = uni(r, 0.5, 0.97);
  const kind = Math.floor(r() * 3);
  const first = uni(r, 0.05, a - 0.03);
  if (kind === 0) {
    const c = uni(r, 0.2, 1.5);
    return (u, u0) => a - (a - first) * (u / u0) ** -c;
  }
  if (kind === 1) {
    const c = uni(r, 1, 15);
    return (u, u0) => a - (a - first) * Math.exp(-c * (u - u0));
  }
  const m = Math.exp(uni(r, Math.log(0.02), 0));
  const k = uni(r, 1, 4);
  const lo = uni(r, 0, Math.min(0.3, first));
  return (u) => lo + (a - lo) / (1 + (u / m) ** -k);
}

export function syntheticCurves(count: number, seed: number): SyntheticCurve[] {
  const r = rng(seed * 2654435761 + 17);
  const out: SyntheticCurve[] = [];
  for (let i = 0; i < count; i++) {
    const T = 8 + Math.floor(r() * 23);
    const geometric = r() < 0.25;
    const u = geometric
      ? Array.from({ length: T }, (_, k) => uni(r, 0.01, 0.1) ** (1 - k / (T - 1)))
      : Array.from({ length: Math.round(T * uni(r, 1, 2)) }, (_, k) => (k + 1) / T);
    const f = shape(r);
    const sd = uni(r, 0, 0.025);
    const clean = u.map((v) => clip(f(v, u[0])));
    const dice = clean.map((y) => clip(y + sd * normal(r)));
    out.push({ model: `synthetic-${i}`, depth: null, n: u.map((v) => v * 1000), dice, clean });
  }
  return out;
}
