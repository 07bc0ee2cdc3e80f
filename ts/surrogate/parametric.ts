import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { repoRoot } from '../root';
import { fileStamp, remembered } from './fitMemo';
import { levenbergMarquardt } from './lm';

/**
 * Parametric learning-curve families (Domhan et al. 2015; Viering & Loog 2022), fitted by
 * nonlinear least squares: bounded LM (ml-levenberg-marquardt's algorithm, `lm.ts`), analytic Jacobians given here.
 *
 * Every family is written in u = n / scale (scale = the full data set's n) so that parameters have
 * comparable magnitudes. The bounded families are non-decreasing in n by construction (their
 * parameters are boxed so: mmf4 and wbl4 start at r·c ≤ c), with an asymptote ≤ 1; `log2` is the
 * one unbounded family, kept as a method of its own and never part of the ensemble.
 *
 * Fitting is robust by design: each family is linear in two of its parameters once the others
 * (exponents, offsets) are fixed, so a grid over the nonlinear ones with the linear ones solved
 * exactly finds the basin (variable projection, Golub & Pereyra), and LM from the best grid
 * points polishes it; the least objective wins, and a second LM pass from the winner checks that
 * it has converged. Optional Gaussian priors on transformed shape parameters (empirical Bayes,
 * learnt from real learning curves: `calibration.json`) make the fit a MAP estimate, so a pilot
 * grid of 4 points still gives a sensible curve.
 */
export interface CurveModel {
  name: CurveModelName;
  formula: string;
  params: string[];
  f: (p: number[], u: number) => number;
  jac: (p: number[], u: number) => number[];
  lo: number[];
  hi: number[];
  asymptote: (p: number[]) => number | null;
  /** values of the nonlinear parameters to scan */
  grid: number[][];
  /** basis (g1, g2) at u for those values: f = α·g1 + β·g2 */
  basis: (q: number[], u: number) => [number, number];
  /** the parameter vector from the nonlinear values and the linear coefficients (null when out of the family's domain) */
  assemble: (q: number[], ab: [number, number]) => number[] | null;
}

export const CURVE_MODELS = ['pow3', 'pow4', 'exp3', 'log2', 'mmf4', 'wbl4'] as const;
export type CurveModelName = (typeof CURVE_MODELS)[number];
/** The bounded, non-decreasing families: the ensemble's members. */
export const BOUNDED_MODELS = ['pow4', 'mmf4', 'wbl4', 'pow3', 'exp3'] as const satisfies readonly CurveModelName[];

const EXPONENTS = [0.05, 0.1, 0.2, 0.3, 0.45, 0.6, 0.8, 1, 1.3, 1.7, 2.2, 3];
const OFFSETS = [0, 0.003, 0.01, 0.03, 0.1, 0.3];
const RATES = [0.5, 1, 2, 4, 8, 16, 32, 64, 128];
const HALF = [1e-4, 1e-3, 0.01, 0.05, 0.2, 1, 5, 30];
const cross = (as: number[], bs: number[]) => as.flatMap((a) => bs.map((b) => [a, b]));
const ratio = (a: number, c: number) => (c > 0 ? Math.min(1, Math.max(0, a / c)) : 0);

// f, jac and basis read parameters by index rather than destructuring them: a status fits in a
// fresh process, mostly in V8's interpreter, where destructuring an array runs its iterator
export const MODELS: Record<CurveModelName, CurveModel> = {
  pow3: {
    name: 'pow3', formula: 'a − b·u^(−c)', params: ['a', 'b', 'c'],
    f: (p, u) => p[0] - p[1] * u ** -p[2],
    jac: (p, u) => [1, -(u ** -p[2]), p[1] * u ** -p[2] * Math.log(u)],
    lo: [0, 0, 1e-3], hi: [1, 10, 5],
    asymptote: ([a]) => a,
    grid: EXPONENTS.map((c) => [c]),
    basis: (q, u) => [1, -(u ** -q[0])],
    assemble: ([c], [a, b]) => [a, b, c],
  },
  pow4: {
    name: 'pow4', formula: 'a − b·(u + d)^(−c)', params: ['a', 'b', 'c', 'd'],
    f: (p, u) => p[0] - p[1] * (u + p[3]) ** -p[2],
    jac: (p, u) => [1, -((u + p[3]) ** -p[2]), p[1] * (u + p[3]) ** -p[2] * Math.log(u + p[3]), p[1] * p[2] * (u + p[3]) ** (-p[2] - 1)],
    lo: [0, 0, 1e-3, 0], hi: [1, 10, 5, 5],
    asymptote: ([a]) => a,
    grid: cross(EXPONENTS, OFFSETS),
    basis: (q, u) => [1, -((u + q[1]) ** -q[0])],
    assemble: ([c, d], [a, b]) => [a, b, c, d],
  },
  exp3: {
    name: 'exp3', formula: 'a − b·exp(−c·u)', params: ['a', 'b', 'c'],
    f: (p, u) => p[0] - p[1] * Math.exp(-p[2] * u),
    jac: (p, u) => [1, -Math.exp(-p[2] * u), p[1] * u * Math.exp(-p[2] * u)],
    lo: [0, 0, 1e-3], hi: [1, 10, 200],
    asymptote: ([a]) => a,
    grid: RATES.map((c) => [c]),
    basis: (q, u) => [1, -Math.exp(-q[0] * u)],
    assemble: ([c], [a, b]) => [a, b, c],
  },
  log2: {
    name: 'log2', formula: 'a + b·ln(u)', params: ['a', 'b'],
    f: (p, u) => p[0] + p[1] * Math.log(u),
    jac: (_p, u) => [1, Math.log(u)],
    // b ≥ 0: more data never forecasts less
    lo: [-5, 0], hi: [5, 1],
    asymptote: () => null,
    grid: [[]],
    basis: (_q, u) => [1, Math.log(u)],
    assemble: (_q, [a, b]) => [a, b],
  },
  mmf4: {
    // a = r·c with r ∈ [0, 1]: the curve rises from a to its asymptote c
    name: 'mmf4', formula: '(r·c·b + c·u^d) / (b + u^d)', params: ['r', 'b', 'c', 'd'],
    f: (p, u) => (p[2] * (p[0] * p[1] + u ** p[3])) / (p[1] + u ** p[3]),
    jac: (p, u) => {
      const r = p[0], b = p[1], c = p[2], d = p[3];
      const v = u ** d;
      const D = b + v;
      return [(c * b) / D, (c * v * (r - 1)) / D ** 2, (r * b + v) / D, (c * v * Math.log(u) * b * (1 - r)) / D ** 2];
    },
    lo: [0, 1e-5, 0, 0.05], hi: [1, 100, 1, 10],
    asymptote: ([, , c]) => c,
    grid: cross(HALF, [0.2, 0.4, 0.7, 1, 1.5, 2.5]),
    basis: (q, u) => [q[0] / (q[0] + u ** q[1]), u ** q[1] / (q[0] + u ** q[1])],
    assemble: ([b, d], [a, c]) => [ratio(a, c), b, c, d],
  },
  wbl4: {
    // a = r·c with r ∈ [0, 1]
    name: 'wbl4', formula: 'c − c·(1 − r)·exp(−(b·u)^d)', params: ['r', 'b', 'c', 'd'],
    f: (p, u) => p[2] - p[2] * (1 - p[0]) * Math.exp(-((p[1] * u) ** p[3])),
    jac: (p, u) => {
      const r = p[0], b = p[1], c = p[2], d = p[3];
      const g = (b * u) ** d;
      const E = Math.exp(-g);
      return [c * E, c * (1 - r) * E * ((d * g) / b), 1 - (1 - r) * E, c * (1 - r) * E * g * Math.log(b * u)];
    },
    lo: [0, 1e-3, 0, 0.05], hi: [1, 1000, 1, 10],
    asymptote: ([, , c]) => c,
    grid: cross([0.1, 0.3, 1, 3, 10, 30, 100, 300, 1000], [0.08, 0.15, 0.3, 0.5, 0.8, 1.2, 2, 3.5]),
    basis: (q, u) => {
      const E = Math.exp(-((q[0] * u) ** q[1]));
      return [E, 1 - E];
    },
    assemble: ([b, d], [a, c]) => [ratio(a, c), b, c, d],
  },
};

/** A Gaussian prior on one parameter, on its log scale or as it is. */
export interface ParamPrior {
  param: string;
  log: boolean;
  mean: number;
  sd: number;
}

export interface FitOptions {
  /** per-point noise sd (repeats' standard error and the curve's own noise); default 1 for every point */
  sigma?: number[];
  priors?: ParamPrior[];
  /** a previous fit's parameters: LM from there only (bootstraps and refits) */
  start?: number[];
}

export interface ParametricFit {
  model: CurveModelName;
  params: number[];
  /** residual sum of squares (unweighted) */
  rss: number;
  /** the weighted objective, prior terms included */
  objective: number;
  /** number of points fitted */
  m: number;
  /** AICc of the weighted fit (plain AIC when m ≤ k + 1) */
  aic: number;
  scale: number;
  /** a second LM pass from the optimum moved the objective by < 1e-6 (relative) */
  converged: boolean;
  /** parameters pressed against a bound of the box */
  atBound: string[];
  /** Dice at n (not clipped) */
  at: (n: number) => number;
  asymptote: number | null;
}

/**
 * Points needed: without priors more points than parameters (and AICc wants two more); with
 * priors on the shape parameters, as many points as parameters.
 */
export const minPoints = (model: CurveModelName, withPriors: boolean) => MODELS[model].params.length + (withPriors ? 0 : 2);
export const canFit = (model: CurveModelName, m: number, withPriors = false) => m >= minPoints(model, withPriors);

const transform = (p: ParamPrior, v: number) => (p.log ? Math.log(Math.max(v, 1e-12)) : v);

/** Weighted residuals and prior terms, as one vector (the objective is its squared norm). */
function objective(mod: CurveModel, p: number[], u: number[], y: number[], s: number[], priors: ParamPrior[]): number {
  let o = 0;
  for (let i = 0; i < u.length; i++) o += ((y[i] - mod.f(p, u[i])) / s[i]) ** 2;
  for (const pr of priors) o += ((transform(pr, p[mod.params.indexOf(pr.param)]) - pr.mean) / pr.sd) ** 2;
  return Number.isFinite(o) ? o : Infinity;
}

/** Weighted least squares for f = α·g1 + β·g2 at fixed nonlinear parameters. */
function linearPart(mod: CurveModel, q: number[], u: number[], y: number[], s: number[]): [number, number] | null {
  let s11 = 0, s12 = 0, s22 = 0, t1 = 0, t2 = 0;
  for (let i = 0; i < u.length; i++) {
    const [g1, g2] = mod.basis(q, u[i]);
    const w = 1 / s[i] ** 2;
    s11 += w * g1 * g1; s12 += w * g1 * g2; s22 += w * g2 * g2; t1 += w * g1 * y[i]; t2 += w * g2 * y[i];
  }
  const det = s11 * s22 - s12 * s12;
  if (!(Math.abs(det) > 1e-14 * (s11 * s22 + 1e-300))) return null;
  return [(t1 * s22 - t2 * s12) / det, (s11 * t2 - s12 * t1) / det];
}

const boxed = (mod: CurveModel, p: number[]) => p.map((v, i) => Math.min(mod.hi[i], Math.max(mod.lo[i], Number.isFinite(v) ? v : mod.lo[i])));

/** Bounded LM on the weighted residuals plus prior terms: x ≥ 0 indexes a point, x < 0 a prior. */
function polish(mod: CurveModel, start: number[], u: number[], y: number[], s: number[], priors: ParamPrior[], iterations: number, pinned: number[] = []): number[] | null {
  // a parameter pinned at its bound leaves the box's projection out of the steps of the others
  const lo = mod.lo.map((v, i) => (pinned.includes(i) ? start[i] : v));
  const hi = mod.hi.map((v, i) => (pinned.includes(i) ? start[i] : v));
  const idx = priors.map((pr) => mod.params.indexOf(pr.param));
  const xs = [...u.map((_, i) => i), ...priors.map((_, j) => -1 - j)];
  const ys = [...y.map((v, i) => v / s[i]), ...priors.map((pr) => pr.mean / pr.sd)];
  try {
    const r = levenbergMarquardt(
      { x: xs, y: ys },
      (p) => (x) => (x >= 0 ? mod.f(p, u[x]) / s[x] : transform(priors[-1 - x], p[idx[-1 - x]]) / priors[-1 - x].sd),
      {
        initialValues: start, minValues: lo, maxValues: hi,
        jacobianFunction: (p) => (x, out) => {
          if (x >= 0) {
            const g = mod.jac(p, u[x]);
            for (let i = 0; i < g.length; i++) out[i] = g[i] / s[x];
            return;
          }
          const j = -1 - x;
          out.fill(0);
          const v = p[idx[j]];
          out[idx[j]] = (priors[j].log ? 1 / Math.max(v, 1e-12) : 1) / priors[j].sd;
        },
        // the library's default tolerance (1e-2 on the RSS) stops before the first step on Dice-scale data
        maxIterations: iterations, errorTolerance: 1e-14, damping: 1e-3,
      },
    );
    return r.parameterValues.every(Number.isFinite) ? r.parameterValues : null;
  } catch {
    return null; // a start that leaves the family's domain (NaN) is skipped
  }
}

/** The code a fit depends on: this file, the LM beside it, and the packages as the lock file pins them. */
const fitStamp = () => [fileURLToPath(import.meta.url), fileURLToPath(new URL('./lm.ts', import.meta.url)), join(repoRoot(), 'package-lock.json')].map(fileStamp).join('|');

/** What a kept fit holds: everything but the curve as a function, which is rebuilt from the parameters. */
type KeptFit = Omit<ParametricFit, 'at'> | null;

/**
 * Fits one family: grid with the linear parameters solved, LM from the five best grid points,
 * the least objective kept, and a convergence check. `scale` is the full data set's n. Where a
 * command keeps fits (fitMemo.ts), a fit of the same points and options by this same code is
 * read back instead of fitted again.
 */
export function fitModel(name: CurveModelName, n: number[], y: number[], scale: number, o: FitOptions = {}): ParametricFit | null {
  return remembered<ParametricFit | null, KeptFit>(
    'fit', fitStamp, [name, n, y, scale, o.sigma ?? null, o.priors ?? null, o.start ?? null],
    () => fitFresh(name, n, y, scale, o),
    (f) => f && { model: f.model, params: f.params, rss: f.rss, objective: f.objective, m: f.m, aic: f.aic, scale: f.scale, converged: f.converged, atBound: f.atBound, asymptote: f.asymptote },
    (k) => k && { ...k, at: (v: number) => MODELS[k.model].f(k.params, v / k.scale) },
  );
}

function fitFresh(name: CurveModelName, n: number[], y: number[], scale: number, o: FitOptions): ParametricFit | null {
  const mod = MODELS[name];
  const k = mod.params.length;
  const priors = (o.priors ?? []).filter((p) => mod.params.includes(p.param));
  if (n.length < (priors.length ? Math.max(2, k - priors.length) : k + 1)) return null;
  const u = n.map((v) => v / scale);
  const s = o.sigma ?? n.map(() => 1);
  const obj = (p: number[]) => objective(mod, p, u, y, s, priors);
  let starts: number[][];
  if (o.start) starts = [boxed(mod, o.start)];
  else {
    const scored = mod.grid
      .map((q) => {
        const ab = linearPart(mod, q, u, y, s);
        const p = ab && mod.assemble(q, ab);
        const b = p && boxed(mod, p);
        return b ? { p: b, o: obj(b) } : null;
      })
      .filter((x): x is { p: number[]; o: number } => x !== null && Number.isFinite(x.o))
      .sort((a, b) => a.o - b.o);
    starts = scored.slice(0, 5).map((x) => x.p);
  }
  let best: { p: number[]; o: number } | null = null;
  for (const s0 of starts) {
    for (const p of [s0, polish(mod, s0, u, y, s, priors, o.start ? 40 : 200)]) {
      if (p && (!best || obj(p) < best.o)) best = { p, o: obj(p) };
    }
  }
  if (!best) return null;
  const tol = (i: number) => 1e-6 * (mod.hi[i] - mod.lo[i]);
  const edge = (p: number[]) => mod.params.map((_, i) => i).filter((i) => p[i] - mod.lo[i] < tol(i) || mod.hi[i] - p[i] < tol(i));
  if (edge(best.p).length) {
    const p = polish(mod, best.p, u, y, s, priors, 300, edge(best.p));
    if (p && obj(p) < best.o) best = { p, o: obj(p) };
  }
  const again = polish(mod, best.p, u, y, s, priors, 50, edge(best.p));
  const o2 = again ? obj(again) : best.o;
  const converged = best.o - o2 <= 1e-6 * Math.max(best.o, 1e-12);
  if (again && o2 < best.o) best = { p: again, o: o2 };
  const p = best.p;
  const m = n.length;
  const rss = u.reduce((acc, ui, i) => acc + (y[i] - mod.f(p, ui)) ** 2, 0);
  const wrss = u.reduce((acc, ui, i) => acc + ((y[i] - mod.f(p, ui)) / s[i]) ** 2, 0);
  const ll = m * Math.log(Math.max(wrss, 1e-300) / m);
  const aic = ll + 2 * k + (m > k + 1 ? (2 * k * (k + 1)) / (m - k - 1) : 0);
  const atBound = edge(p).map((i) => mod.params[i]);
  return {
    model: name, params: p, rss, objective: best.o, m, aic, scale, converged, atBound,
    at: (v) => mod.f(p, v / scale), asymptote: mod.asymptote(p),
  };
}

/** Akaike weights exp(−Δ/2), normalised. */
export function akaikeWeights(aics: number[]): number[] {
  const min = Math.min(...aics);
  const w = aics.map((a) => Math.exp(-(a - min) / 2));
  const s = w.reduce((x, y) => x + y, 0);
  return w.map((v) => v / s);
}
