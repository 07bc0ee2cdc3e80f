import type { TfBackend } from './backend';
import { bandOf, bootstrapFit, replicateValues, type Replicates, weightedQuantile } from './bootstrap';
import { type Curve, observedPart } from './curve';
import { expandedLevel, zOf } from './jstat';
import { fitLinear } from './linear';
import { LSTM_VARIANTS, type LstmOptions, type LstmVariant, fitLstm, isFull, roll } from './lstm';
import { CURVE_MODELS, type CurveModelName, MODELS, type ParametricFit, akaikeWeights, canFit, fitModel } from './parametric';

/** Every surrogate by name: the paper's four LSTMs and linear baseline, the parametric curves, and two ways to combine them. */
export const METHODS = [...LSTM_VARIANTS, 'linear', ...CURVE_MODELS, 'best-aic', 'ensemble'] as const;
export type Method = (typeof METHODS)[number];
export const isLstm = (m: Method): m is LstmVariant => (LSTM_VARIANTS as readonly string[]).includes(m);

/** A surrogate fitted to one curve: the forecast Dice at any n, and an interval around it. */
export interface FittedCurve {
  model: string;
  method: Method;
  /** the full data set's size: fraction = n / nRef */
  nRef: number;
  /** the largest n the fit saw */
  observedMaxN: number;
  mean: (n: number) => number;
  band: (n: number, level: number) => [number, number];
  /** Dice as n → ∞, or null where the surrogate has no asymptote */
  asymptote: number | null;
  /** fitted parameters, or Akaike weights for the ensemble and the chosen model for best-aic */
  params: Record<string, number>;
  aic: number | null;
  detail: string;
}

export interface SurrogateOptions {
  /** fit only points with n ≤ observedUpTo·max(n) of each curve */
  observedUpTo?: number;
  seed?: number;
  /** bootstrap replicates for parametric intervals; 0 = residual-sd normal intervals (fast, for backtests) */
  bootstrap?: number;
  /** 'prediction' (one more training run at n, the default) or 'mean' (the mean curve) */
  interval?: 'prediction' | 'mean';
  lstm?: LstmOptions;
  /** LSTM and linear forecasts reach up to horizon × the largest n (default 3) */
  horizon?: number;
}

export interface SurrogateResult {
  method: Method;
  backend: TfBackend | null;
  fits: FittedCurve[];
  skipped: { model: string; reason: string }[];
}

const clip = (v: number) => Math.min(1, Math.max(0, v));
const clipBand = ([lo, hi]: [number, number]): [number, number] => [clip(lo), clip(hi)];

/** Piecewise-linear interpolation on increasing xs, flat beyond the ends. */
function interp(xs: number[], ys: number[], v: number): number {
  if (v <= xs[0]) return ys[0];
  if (v >= xs[xs.length - 1]) return ys[ys.length - 1];
  let i = 1;
  while (xs[i] < v) i++;
  const w = (v - xs[i - 1]) / (xs[i] - xs[i - 1]);
  return ys[i - 1] + w * (ys[i] - ys[i - 1]);
}

/** The full curve's sizes plus an extension to horizon × the largest n, spaced like the curve. */
function forecastGrid(full: Curve, horizon: number): number[] {
  const ns = [...full.n];
  const last = ns[ns.length - 1];
  const gaps = ns.slice(1).map((v, i) => v - ns[i]).sort((a, b) => a - b);
  const step = Math.max(gaps[Math.floor(gaps.length / 2)], (horizon - 1) * last / 300);
  for (let v = last + step; v <= horizon * last * (1 + 1e-9); v += step) ns.push(v);
  return ns;
}

async function fitLstmCurves(curves: Curve[], variant: LstmVariant, o: SurrogateOptions): Promise<SurrogateResult> {
  const observed = curves.map((c) => observedPart(c, o.observedUpTo ?? 1));
  const skipped = observed.filter((c) => c.n.length < 2).map((c) => ({ model: c.model, reason: `${c.n.length} observed point(s); an LSTM needs 2` }));
  const usable = observed.filter((c) => c.n.length >= 2);
  if (!usable.length) return { method: variant, backend: null, fits: [], skipped };
  const nRef = Math.max(...curves.map((c) => c.n[c.n.length - 1]));
  const net = await fitLstm(usable, variant, { ...o.lstm, seed: o.lstm?.seed ?? o.seed ?? 0, nRef });
  try {
    const fits = usable.map((obs): FittedCurve => {
      const full = curves.find((c) => c.model === obs.model)!;
      const grid = forecastGrid(full, o.horizon ?? 3);
      const known = new Map(obs.n.map((n, i) => [n, obs.dice[i]]));
      const steps = grid.map((n) => ({ n, y: known.get(n) ?? null }));
      const rolled = roll(net, obs.model, steps, isFull(variant) ? 'full' : 'one', isFull(variant) ? obs.n.length : 1);
      const ns = rolled.map((p) => p.n);
      const mu = rolled.map((p) => p.dice);
      const spread = rolled.map((p) => net.residualSd * Math.sqrt(Math.max(1, p.chained)));
      return {
        model: obs.model, method: variant, nRef: full.n[full.n.length - 1], observedMaxN: obs.n[obs.n.length - 1],
        mean: (n) => clip(interp(ns, mu, n)),
        band: (n, level) => {
          const m = interp(ns, mu, n);
          const s = zOf(level) * interp(ns, spread, n);
          return clipBand([m - s, m + s]);
        },
        asymptote: null,
        params: { residual_sd: net.residualSd, final_loss: net.finalLoss, epochs: net.epochsRun },
        aic: null,
        detail: `${variant} on ${net.backend}, ${usable.length} curve(s) fitted together`,
      };
    });
    return { method: variant, backend: net.backend, fits, skipped };
  } finally {
    net.dispose();
  }
}

function parametricCurve(full: Curve, obs: Curve, fit: ParametricFit, rep: Replicates | null, o: SurrogateOptions): FittedCurve {
  const mod = MODELS[fit.model];
  const k = mod.params.length;
  const sd = Math.sqrt(fit.rss / Math.max(1, fit.m - k));
  const kind = o.interval ?? 'prediction';
  return {
    model: obs.model, method: fit.model, nRef: full.n[full.n.length - 1], observedMaxN: obs.n[obs.n.length - 1],
    mean: (n) => clip(fit.at(n)),
    band: (n, level) => {
      if (rep && rep.fits.length >= 20) return clipBand(bandOf(replicateValues(rep, n, kind), expandedLevel(level, fit.m - k)));
      const s = zOf(level) * sd;
      return clipBand([fit.at(n) - s, fit.at(n) + s]);
    },
    asymptote: fit.asymptote,
    params: Object.fromEntries(mod.params.map((p, i) => [p, fit.params[i]])),
    aic: fit.aic,
    detail: `${fit.model}: ${mod.formula}, u = n/${fit.scale}`,
  };
}

function fitParametricCurve(full: Curve, obs: Curve, method: Method, o: SurrogateOptions): FittedCurve | string {
  const scale = full.n[full.n.length - 1];
  const names = (method === 'ensemble' || method === 'best-aic' ? CURVE_MODELS : [method as CurveModelName]).filter((m) => canFit(m, obs.n.length));
  if (!names.length) return `${obs.n.length} observed point(s) are too few for ${method}`;
  const fits = names.map((m) => fitModel(m, obs.n, obs.dice, scale)).filter((f): f is ParametricFit => f !== null);
  if (!fits.length) return `${method} did not converge`;
  const B = o.bootstrap ?? 200;
  const seed = o.seed ?? 0;
  if (method !== 'ensemble') {
    const fit = method === 'best-aic' ? fits.reduce((a, b) => (b.aic < a.aic ? b : a)) : fits[0];
    const rep = B > 0 ? bootstrapFit(fit, obs.n, obs.dice, B, seed) : null;
    const c = parametricCurve(full, obs, fit, rep, o);
    return method === 'best-aic' ? { ...c, method, params: { ...c.params }, detail: `best AICc: ${c.detail}` } : c;
  }
  const w = akaikeWeights(fits.map((f) => f.aic));
  const parts = fits.map((f, i) => ({ f, w: w[i] })).filter((p) => p.w > 1e-3);
  const ws = parts.reduce((s, p) => s + p.w, 0);
  const reps = parts.map((p) => (B > 0 ? bootstrapFit(p.f, obs.n, obs.dice, B, seed) : null));
  const curves = parts.map((p, i) => parametricCurve(full, obs, p.f, reps[i], o));
  const kind = o.interval ?? 'prediction';
  const asym = parts.every((p) => p.f.asymptote !== null) ? parts.reduce((s, p) => s + (p.w / ws) * (p.f.asymptote as number), 0) : null;
  return {
    model: obs.model, method: 'ensemble', nRef: scale, observedMaxN: obs.n[obs.n.length - 1],
    mean: (n) => clip(parts.reduce((s, p) => s + (p.w / ws) * p.f.at(n), 0)),
    band: (n, level) => {
      if (reps.every((r) => r && r.fits.length >= 20)) {
        const vals: number[] = [];
        const wts: number[] = [];
        reps.forEach((r, i) => {
          const v = replicateValues(r as Replicates, n, kind);
          vals.push(...v);
          wts.push(...v.map(() => parts[i].w / ws / v.length));
        });
        const L = expandedLevel(level, obs.n.length - Math.max(...parts.map((p) => MODELS[p.f.model].params.length)));
        return clipBand([weightedQuantile(vals, wts, (1 - L) / 2), weightedQuantile(vals, wts, (1 + L) / 2)]);
      }
      const bands = curves.map((c) => c.band(n, level));
      return [Math.min(...bands.map((b) => b[0])), Math.max(...bands.map((b) => b[1]))];
    },
    asymptote: asym,
    params: Object.fromEntries(parts.map((p) => [p.f.model, p.w / ws])),
    aic: null,
    detail: `Akaike-weighted ensemble of ${parts.map((p) => `${p.f.model} ${(p.w / ws).toFixed(2)}`).join(', ')}`,
  };
}

/**
 * Fits a surrogate to curves (LSTMs fit all curves together, as the paper's depth input implies;
 * the others fit each curve alone). Curves whose observed part is too short are listed in `skipped`.
 */
export async function fitSurrogate(curves: Curve[], method: Method, o: SurrogateOptions = {}): Promise<SurrogateResult> {
  if (isLstm(method)) return fitLstmCurves(curves, method, o);
  const fits: FittedCurve[] = [];
  const skipped: SurrogateResult['skipped'] = [];
  for (const full of curves) {
    const obs = observedPart(full, o.observedUpTo ?? 1);
    if (method === 'linear') {
      if (obs.n.length < 3) {
        skipped.push({ model: full.model, reason: `${obs.n.length} observed point(s); a line with an interval needs 3` });
        continue;
      }
      const nRef = full.n[full.n.length - 1];
      const lin = fitLinear(obs.n, obs.dice, nRef);
      fits.push({
        model: full.model, method, nRef, observedMaxN: obs.n[obs.n.length - 1],
        mean: (n) => clip(lin.at(n)),
        band: (n, level) => clipBand(lin.band(n, level, o.interval ?? 'prediction')),
        asymptote: null, params: { intercept: lin.intercept, slope: lin.slope }, aic: null,
        detail: `linear: dice = ${lin.intercept.toFixed(4)} + ${lin.slope.toFixed(4)}·n/${nRef}`,
      });
      continue;
    }
    const r = fitParametricCurve(full, obs, method, o);
    if (typeof r === 'string') skipped.push({ model: full.model, reason: r });
    else fits.push(r);
  }
  return { method, backend: null, fits, skipped };
}
