import { levenbergMarquardt } from 'ml-levenberg-marquardt';

/**
 * Parametric learning-curve models (Domhan et al. 2015; Viering & Loog 2022), fitted by nonlinear
 * least squares with ml-levenberg-marquardt (bounded LM, analytic Jacobians given here).
 * Every model is written in u = n / scale (scale = the curve's largest n) so that parameters have
 * comparable magnitudes; `asymptote` is the Dice as n → ∞ (null when the model has none), and the
 * bounds keep it ≤ 1.
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
  starts: (u: number[], y: number[]) => number[][];
}

export const CURVE_MODELS = ['pow3', 'pow4', 'exp3', 'log2', 'mmf4', 'wbl4'] as const;
export type CurveModelName = (typeof CURVE_MODELS)[number];

const top = (y: number[]) => Math.min(1, Math.max(...y) + 0.02);
const bottom = (y: number[]) => Math.min(...y);

export const MODELS: Record<CurveModelName, CurveModel> = {
  pow3: {
    name: 'pow3', formula: 'a − b·u^(−c)', params: ['a', 'b', 'c'],
    f: ([a, b, c], u) => a - b * u ** -c,
    jac: ([, b, c], u) => [1, -(u ** -c), b * u ** -c * Math.log(u)],
    lo: [0, 0, 1e-3], hi: [1, 10, 5],
    asymptote: ([a]) => a,
    starts: (u, y) => [0.2, 0.6, 1.5].map((c) => {
      const a = top(y);
      return [a, Math.max(1e-3, (a - bottom(y)) * Math.min(...u) ** c), c];
    }),
  },
  pow4: {
    name: 'pow4', formula: 'a − b·(u + d)^(−c)', params: ['a', 'b', 'c', 'd'],
    f: ([a, b, c, d], u) => a - b * (u + d) ** -c,
    jac: ([, b, c, d], u) => [1, -((u + d) ** -c), b * (u + d) ** -c * Math.log(u + d), b * c * (u + d) ** (-c - 1)],
    lo: [0, 0, 1e-3, 0], hi: [1, 10, 5, 5],
    asymptote: ([a]) => a,
    starts: (u, y) => [0.3, 1].flatMap((c) => [0, 0.05].map((d) => {
      const a = top(y);
      return [a, Math.max(1e-3, (a - bottom(y)) * (Math.min(...u) + d) ** c), c, d];
    })),
  },
  exp3: {
    name: 'exp3', formula: 'a − b·exp(−c·u)', params: ['a', 'b', 'c'],
    f: ([a, b, c], u) => a - b * Math.exp(-c * u),
    jac: ([, b, c], u) => [1, -Math.exp(-c * u), b * u * Math.exp(-c * u)],
    lo: [0, 0, 1e-3], hi: [1, 10, 200],
    asymptote: ([a]) => a,
    starts: (u, y) => [2, 10, 40].map((c) => [top(y), Math.max(1e-3, (top(y) - bottom(y)) * Math.exp(c * Math.min(...u))), c]),
  },
  log2: {
    name: 'log2', formula: 'a + b·ln(u)', params: ['a', 'b'],
    f: ([a, b], u) => a + b * Math.log(u),
    jac: (_p, u) => [1, Math.log(u)],
    lo: [-5, -1], hi: [5, 1],
    asymptote: () => null,
    starts: (_u, y) => [[y[y.length - 1], 0.05]],
  },
  mmf4: {
    name: 'mmf4', formula: '(a·b + c·u^d) / (b + u^d)', params: ['a', 'b', 'c', 'd'],
    f: ([a, b, c, d], u) => (a * b + c * u ** d) / (b + u ** d),
    jac: ([a, b, c, d], u) => {
      const v = u ** d;
      const D = b + v;
      const f = (a * b + c * v) / D;
      return [b / D, (a - f) / D, v / D, ((c - f) / D) * v * Math.log(u)];
    },
    lo: [0, 1e-4, 0, 0.05], hi: [1, 100, 1, 10],
    asymptote: ([, , c]) => c,
    starts: (u, y) => [0.5, 1, 2].map((d) => [Math.max(0, bottom(y) - 0.1), Math.min(...u) ** d * 2, top(y), d]),
  },
  wbl4: {
    name: 'wbl4', formula: 'c − (c − a)·exp(−(b·u)^d)', params: ['a', 'b', 'c', 'd'],
    f: ([a, b, c, d], u) => c - (c - a) * Math.exp(-((b * u) ** d)),
    jac: ([a, b, c, d], u) => {
      const g = (b * u) ** d;
      const E = Math.exp(-g);
      return [E, (c - a) * E * (d * g / b), 1 - E, (c - a) * E * g * Math.log(b * u)];
    },
    lo: [0, 1e-3, 0, 0.05], hi: [1, 200, 1, 10],
    asymptote: ([, , c]) => c,
    starts: (u, y) => [0.5, 1].flatMap((d) => [2, 10].map((b) => [Math.max(0, bottom(y) - 0.1), b / Math.max(...u), top(y), d])),
  },
};

export interface ParametricFit {
  model: CurveModelName;
  params: number[];
  rss: number;
  /** number of points fitted */
  m: number;
  /** AICc (small-sample AIC); plain AIC when m ≤ k + 1 */
  aic: number;
  scale: number;
  /** Dice at n (not clipped) */
  at: (n: number) => number;
  asymptote: number | null;
}

/** Least squares needs more points than parameters; AICc needs two more. */
export const canFit = (model: CurveModelName, m: number) => m >= MODELS[model].params.length + 2;

const rssOf = (mod: CurveModel, p: number[], u: number[], y: number[]) =>
  u.reduce((s, ui, i) => s + (y[i] - mod.f(p, ui)) ** 2, 0);

/**
 * Fits one model by bounded Levenberg–Marquardt from several starts, keeping the least RSS.
 * `start` (a previous fit's parameters) replaces the data-driven starts: bootstraps use it.
 */
export function fitModel(name: CurveModelName, n: number[], y: number[], scale: number, start?: number[]): ParametricFit | null {
  const mod = MODELS[name];
  const u = n.map((v) => v / scale);
  const k = mod.params.length;
  if (n.length < k + 1) return null;
  let best: { p: number[]; rss: number } | null = null;
  for (const s0 of start ? [start] : mod.starts(u, y)) {
    const s = s0.map((v, i) => Math.min(mod.hi[i], Math.max(mod.lo[i], Number.isFinite(v) ? v : mod.lo[i])));
    try {
      const r = levenbergMarquardt({ x: u, y }, (p) => (x) => mod.f(p, x), {
        initialValues: s, minValues: mod.lo, maxValues: mod.hi, jacobianFunction: (p) => (x) => mod.jac(p, x),
        // the library's default tolerance (1e-2 on the RSS) stops before the first step on Dice-scale data
        // (the library stops only at maxIterations or that tolerance; a refit from a nearby optimum needs few)
        maxIterations: start ? 40 : 300, errorTolerance: 1e-14, damping: 1e-3,
      });
      const rss = rssOf(mod, r.parameterValues, u, y);
      if (Number.isFinite(rss) && (!best || rss < best.rss)) best = { p: r.parameterValues, rss };
    } catch {
      // a start that leaves the model's domain (NaN) is skipped; others remain
    }
  }
  if (!best) return null;
  const m = n.length;
  const ll = m * Math.log(Math.max(best.rss, 1e-300) / m);
  const aic = ll + 2 * k + (m > k + 1 ? (2 * k * (k + 1)) / (m - k - 1) : 0);
  const p = best.p;
  return { model: name, params: p, rss: best.rss, m, aic, scale, at: (v) => mod.f(p, v / scale), asymptote: mod.asymptote(p) };
}

/** Akaike weights exp(−Δ/2), normalised. */
export function akaikeWeights(aics: number[]): number[] {
  const min = Math.min(...aics);
  const w = aics.map((a) => Math.exp(-(a - min) / 2));
  const s = w.reduce((x, y) => x + y, 0);
  return w.map((v) => v / s);
}
