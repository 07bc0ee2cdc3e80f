import { type CurveModelName, MODELS, type ParametricFit, fitModel } from './parametric';
import { quantile, type Rng, rng } from './random';

/**
 * Intervals for a parametric fit by the residual bootstrap: residuals of the fit, rescaled by
 * √(m/(m−k)) for the degrees of freedom the fit used and centred, are resampled onto the fitted
 * curve; the model is refitted to each synthetic curve (LM from the original estimate). The
 * spread of the refitted curves at n is the interval for the mean Dice at n; adding a resampled
 * residual to each gives the interval for one more training run at n (kind 'prediction').
 * (A bootstrap over runs would need repeated runs per size, which the stored grids do not have.)
 */
export interface Replicates {
  fits: { params: number[]; eps: number }[];
  model: CurveModelName;
  scale: number;
}

export function bootstrapFit(fit: ParametricFit, n: number[], y: number[], B: number, seed: number): Replicates {
  const mod = MODELS[fit.model];
  const k = mod.params.length;
  const m = n.length;
  const fitted = n.map((v) => fit.at(v));
  const raw = y.map((v, i) => v - fitted[i]);
  const mr = raw.reduce((s, v) => s + v, 0) / m;
  const infl = Math.sqrt(m / Math.max(1, m - k));
  const res = raw.map((v) => (v - mr) * infl);
  const r: Rng = rng(seed);
  const pick = () => res[Math.floor(r() * m)];
  const fits: Replicates['fits'] = [];
  for (let b = 0; b < B; b++) {
    const yb = fitted.map((f) => f + pick());
    const refit = fitModel(fit.model, n, yb, fit.scale, fit.params);
    if (refit) fits.push({ params: refit.params, eps: pick() });
  }
  return { fits, model: fit.model, scale: fit.scale };
}

/** Values of each replicate at n (prediction adds the replicate's own resampled residual). */
export function replicateValues(rep: Replicates, n: number, kind: 'prediction' | 'mean'): number[] {
  const f = MODELS[rep.model].f;
  return rep.fits.map((b) => f(b.params, n / rep.scale) + (kind === 'prediction' ? b.eps : 0));
}

/** Weighted quantiles of pooled values (for the Akaike-weighted ensemble of models). */
export function weightedQuantile(values: number[], weights: number[], q: number): number {
  const idx = values.map((_, i) => i).sort((a, b) => values[a] - values[b]);
  const total = weights.reduce((s, w) => s + w, 0);
  let acc = 0;
  for (const i of idx) {
    acc += weights[i];
    if (acc >= q * total) return values[i];
  }
  return values[idx[idx.length - 1]];
}

export const bandOf = (values: number[], level: number): [number, number] => {
  const s = [...values].sort((a, b) => a - b);
  return [quantile(s, (1 - level) / 2), quantile(s, (1 + level) / 2)];
};

