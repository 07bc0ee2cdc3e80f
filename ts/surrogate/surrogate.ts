import { type Analogue, analogue, haveAnalogues } from './analogue';
import type { TfBackend } from './backend';
import { ANALOGUES_ALONE, ONE_SIZE, type Stratum, calibration, multiplier, stratumOf } from './calibration';
import { anchorWeight } from './anchor';
import { interp } from './interp';
import { zOf } from './jstat';
import { bandGrid, monotoneBand, repeatHalfWidth, repeatSpread, singleRunSd } from './band';
import { type Curve, fullN, observedPart } from './curve';
import { fitLinear } from './linear';
import type { LstmOptions } from './lstm';
import { BOUNDED_MODELS, type CurveModelName, MODELS, type ParametricFit, akaikeWeights, canFit, fitModel, minPoints } from './parametric';

import { DEFAULT_METHOD, LSTM_VARIANTS, type LstmVariant, METHODS, type Method } from './methods';

export { DEFAULT_METHOD, METHODS, type Method };
export const isLstm = (m: Method): m is LstmVariant => (LSTM_VARIANTS as readonly string[]).includes(m);

/** One part of a fitted surrogate: a family of the ensemble (or the method itself) and its weight. */
export interface Member {
  name: string;
  weight: number;
  at: (n: number) => number;
}

/**
 * A surrogate fitted to one curve. Every method's forecast is bounded in [0, 1] and
 * non-decreasing in n; its interval is the method's uncertainty scale times the conformal
 * quantile learnt on real learning curves (`calibration.ts`).
 */
export interface FittedCurve {
  model: string;
  method: Method;
  /** the full data set's size: fraction = n / nRef */
  nRef: number;
  /** the smallest and the largest n the fit saw, and how many points */
  observedMinN: number;
  observedMaxN: number;
  /** the sizes the fit saw */
  observedN: number[];
  points: number;
  mean: (n: number) => number;
  /** the central interval at n, clipped to [0, 1]; its upper edge never falls as n grows and holds every Dice observed at or below n (band.ts: monotoneBand) */
  band: (n: number, level: number) => [number, number];
  /** the interval's half-width at n, before the clip at [0, 1] and the observed Dice (the plateau check reads it past Dice 1) */
  halfWidth: (n: number, level: number) => number;
  /** the uncalibrated uncertainty scale at n, and its parts */
  scale: (n: number) => number;
  parts: (n: number) => ScaleParts;
  /** the sd of a single run's noise the band adds in quadrature (band.ts: singleRunSd; 0 where the grid has repeats) */
  runSd: number;
  /** how far the ensemble's forecast starts from a single run's last point toward the fit there (anchor.ts); null where the stack's anchor holds (means, repeats, other methods) */
  anchor: number | null;
  /** whose forecast quantile the band takes: the bucket of its points, a flat curve's, or the floor's (calibration.ts: stratumOf) */
  stratum: Stratum;
  /** Dice as n → ∞, or null where the surrogate has no asymptote */
  asymptote: number | null;
  /** fitted parameters, or the members' weights for the ensemble and the chosen family for best-aic */
  params: Record<string, number>;
  aic: number | null;
  detail: string;
  members: Member[];
  /** families that could not take part, and why */
  left: { name: string; reason: string }[];
  /** false where the corpus has no quantiles for this method and number of points (normal multipliers then) */
  calibrated: boolean;
  /** the real curves the ensemble leans on past the data: their weight in the stack and how many were matched */
  analogue: { weight: number; neighbours: number } | null;
}

export interface SurrogateOptions {
  /** fit only points with n ≤ observedUpTo·max(n) of each curve */
  observedUpTo?: number;
  seed?: number;
  lstm?: LstmOptions;
  /** LSTM and linear forecasts reach up to horizon × the largest n (default 3) */
  horizon?: number;
  /** called as each curve is done (fitted or skipped), for a command's progress bar; the LSTMs fit their curves together and report them at the end */
  onCurve?: (model: string) => void;
}

export interface SurrogateResult {
  method: Method;
  backend: TfBackend | null;
  fits: FittedCurve[];
  skipped: { model: string; reason: string }[];
}

/** The fractions of the full data set every view answers at, and the data budgets the best model is named for. */
export const ANSWER_FRACTIONS = [1, 1.5, 2];
export const BUDGET_FRACTIONS = [0.25, 0.5, 1, 2];

/**
 * The band is tabulated up to this multiple of the full data set (the target search's reach), flat
 * beyond; the sizes the views answer at are on its grid, so the band printed there is exact.
 */
const BAND_REACH = 1000;
const bandSizes = (obs: Curve, nRef: number) => bandGrid(obs.n[0], BAND_REACH * nRef, [...obs.n, ...[...ANSWER_FRACTIONS, ...BUDGET_FRACTIONS].map((f) => f * nRef)]);

const clip = (v: number) => Math.min(1, Math.max(0, v));

/** A non-decreasing, bounded version of f on a log grid of sizes (running maximum, then interpolation). */
function monotone(f: (n: number) => number, from: number, to: number, steps = 400): (n: number) => number {
  const ns = Array.from({ length: steps + 1 }, (_, i) => from * (to / from) ** (i / steps));
  let run = -Infinity;
  const ys = ns.map((n) => (run = Math.max(run, clip(f(n)))));
  return (n) => interp(ns, ys, n);
}

/** Slope of Dice per unit of ln n over the last (up to) 4 observed points, floored at 0. */
export function recentSlope(obs: Curve): number {
  const k = Math.min(4, obs.n.length);
  if (k < 2) return 0;
  const x = obs.n.slice(-k).map(Math.log);
  const y = obs.dice.slice(-k);
  const mx = x.reduce((s, v) => s + v, 0) / k;
  const my = y.reduce((s, v) => s + v, 0) / k;
  const sxx = x.reduce((s, v) => s + (v - mx) ** 2, 0);
  return sxx > 0 ? Math.max(0, x.reduce((s, v, i) => s + (v - mx) * (y[i] - my), 0) / sxx) : 0;
}

/** Noise sd per point: the standard error of repeats where the grid has them, on top of the curve's own noise. */
export function pointSigma(obs: Curve, sigma0: number): number[] {
  return obs.n.map((_, i) => {
    const s = obs.sd?.[i];
    const c = obs.count?.[i] ?? 1;
    return Math.sqrt(sigma0 ** 2 + (s !== undefined && s !== null && c > 1 ? s ** 2 / c : 0));
  });
}

interface Raw {
  mean: (n: number) => number;
  members: Member[];
  /** residual sd of the fit and its degrees of freedom (null where it has none left) */
  residual: { sd: number; dof: number } | null;
  asymptote: number | null;
  params: Record<string, number>;
  aic: number | null;
  detail: string;
  left: { name: string; reason: string }[];
  /** the analogue forecast the ensemble leans on (its spread joins the scale), and its weight */
  analogue?: { fit: Analogue; weight: number } | null;
  /** how far the forecast starts from a single run's last point toward the fit (anchor.ts); absent where the stack's own anchor holds */
  anchor?: number;
}

/** The parts of a fit's uncertainty at n, before the learnt weights (`ScaleWeights`) combine them. */
export interface ScaleParts {
  noise: number;
  spread: number;
  gain: number;
  slope: number;
  horizon: number;
  /** the spread of the analogue curves' gains at n (0 for methods that do not use them) */
  analogue: number;
}

/**
 * The interval, one rule for every method: scale(n) is a weighted sum of the fit's noise, the
 * members' spread at n, the gain forecast past the last observed n, the recent slope carried on
 * for ln(n / last n), and ln(n / last n) itself; the band is mean ± q·scale, q the conformal
 * quantile of |error| / scale on real curves.
 */
function finish(method: Method, full: Curve, obs: Curve, raw: Raw): FittedCurve {
  const cal = calibration();
  const last = obs.n[obs.n.length - 1];
  const m = obs.n.length;
  const noise = Math.sqrt((raw.residual?.sd ?? cal.sigma0) ** 2 + (cal.sigma0 / 2) ** 2);
  const slope = recentSlope(obs);
  const atLast = raw.mean(last);
  const parts = (n: number): ScaleParts => {
    const ws = raw.members.reduce((s, p) => s + p.weight, 0);
    const mu = raw.members.reduce((s, p) => s + p.weight * p.at(n), 0) / ws;
    const spread = Math.sqrt(raw.members.reduce((s, p) => s + p.weight * (p.at(n) - mu) ** 2, 0) / ws);
    const h = n > last ? Math.log(n / last) : 0;
    return { noise, spread, gain: n > last ? Math.max(0, raw.mean(n) - atLast) : 0, slope: slope * h, horizon: h, analogue: raw.analogue?.fit.spread(n) ?? 0 };
  };
  const w = cal.methods[method]?.scale ?? cal.scale;
  const scale = (n: number) => {
    const p = parts(n);
    return w.floor + w.noise * p.noise + w.spread * p.spread + w.gain * p.gain + w.slope * p.slope + w.horizon * p.horizon + (w.analogue ?? 0) * p.analogue;
  };
  const quantiles = quantilesOf(raw, m, method);
  const stratum = stratumOf(obs);
  const q95 = multiplier(quantiles, m, 0.95, false, stratum);
  // the spread between repeats (seeds, folds) is measured, not learnt: where it exceeds the corpus's usual noise it joins the calibrated width in quadrature
  const repeats = repeatHalfWidth(obs, repeatSpread(obs), cal.sigma0);
  // The answers from 2 points or one pass through the points, so within the data their learnt
  // quantile is 0 at 80% and the band collapsed onto a measured Dice as if it were the true curve:
  // theirs is never narrower than one observation's own noise (σ0, learnt on the corpus).
  const floor = fromAnaloguesAlone(raw) ? cal.sigma0 : 0;
  // a grid of one run per size scatters more than the corpus's means the band was learnt on: that excess joins it in quadrature
  const run = singleRunSd(obs, raw.residual, cal);
  const halfWidth = (n: number, level: number) => Math.max(Math.hypot(bandMultiplier(quantiles, obs.n, n, level, stratum) * scale(n), repeats(n, level), zOf(level) * run), zOf(level) * floor);
  const rawBand = (n: number, level: number): [number, number] => {
    const mu = clip(raw.mean(n));
    const h = halfWidth(n, level);
    return [clip(mu - h), clip(mu + h)];
  };
  return {
    model: obs.model, method, nRef: fullN(full), observedMinN: obs.n[0], observedMaxN: last, observedN: obs.n, points: m,
    mean: (n) => clip(raw.mean(n)),
    band: monotoneBand(rawBand, bandSizes(obs, fullN(full)), obs),
    halfWidth, scale, parts, runSd: run, anchor: raw.anchor ?? null, stratum,
    asymptote: raw.asymptote === null ? null : clip(raw.asymptote),
    params: raw.params, aic: raw.aic, detail: raw.detail, members: raw.members, left: raw.left,
    calibrated: q95.calibrated,
    analogue: raw.analogue ? { weight: raw.analogue.weight, neighbours: raw.analogue.fit.neighbours } : null,
  };
}

/**
 * The band's multiplier at n: the forecast's quantile from the last observed size on, the one
 * learnt within the data up to the size before it, and between those two sizes a blend linear in
 * ln n (the band does not jump at a point). Both are conformal quantiles on real curves; with the
 * forecast's alone the default's band held only 0.73–0.91 of LCDB's observed sizes below the last.
 */
function bandMultiplier(method: string, ns: number[], n: number, level: number, stratum: Stratum): number {
  const m = ns.length;
  const last = ns[m - 1];
  const past = multiplier(method, m, level, false, stratum).q;
  if (n >= last) return past;
  const inside = multiplier(method, m, level, true).q;
  const prev = m > 1 ? ns[m - 2] : last;
  if (n <= prev) return inside;
  const w = Math.log(n / prev) / Math.log(last / prev);
  return inside + w * (past - inside);
}

async function fitLstmCurves(curves: Curve[], variant: LstmVariant, o: SurrogateOptions): Promise<SurrogateResult> {
  const observed = curves.map((c) => observedPart(c, o.observedUpTo ?? 1));
  const skipped = observed.filter((c) => c.n.length < 2).map((c) => ({ model: c.model, reason: `${c.n.length} observed point(s); an LSTM needs 2` }));
  const usable = observed.filter((c) => c.n.length >= 2);
  if (!usable.length) return { method: variant, backend: null, fits: [], skipped };
  const nRef = Math.max(...curves.map(fullN));
  const { fitLstm, isFull, roll } = await import('./lstm'); // tfjs loads only when an LSTM is asked for (issue 13)
  const net = await fitLstm(usable, variant, { ...o.lstm, seed: o.lstm?.seed ?? o.seed ?? 0, nRef });
  try {
    const fits = usable.map((obs): FittedCurve => {
      const full = curves.find((c) => c.model === obs.model)!;
      const grid = forecastGrid(full, obs, o.horizon ?? 3);
      const known = new Map(obs.n.map((n, i) => [n, obs.dice[i]]));
      const steps = grid.map((n) => ({ n, y: known.get(n) ?? null }));
      const rolled = roll(net, obs.model, steps, isFull(variant) ? 'full' : 'one', isFull(variant) ? obs.n.length : 1);
      const ns = rolled.map((p) => p.n);
      const mean = monotone((n) => interp(ns, rolled.map((p) => p.dice), n), ns[0], ns[ns.length - 1]);
      // (the net's RMS residual is in-sample over its points, taken at that many degrees of freedom)
      return finish(variant, full, obs, {
        mean, members: [{ name: variant, weight: 1, at: mean }], residual: { sd: net.residualSd, dof: obs.n.length }, asymptote: null,
        params: { residual_sd: net.residualSd, final_loss: net.finalLoss, epochs: net.epochsRun }, aic: null,
        detail: `${variant} on ${net.backend}, ${usable.length} curve(s) fitted together`, left: [],
      });
    });
    return { method: variant, backend: net.backend, fits, skipped };
  } finally {
    net.dispose();
  }
}

/** The observed sizes, the full curve's later ones, and an extension to horizon × the full n, spaced like the curve. */
function forecastGrid(full: Curve, obs: Curve, horizon: number): number[] {
  const ns = [...new Set([...obs.n, ...full.n])].sort((a, b) => a - b);
  const last = ns[ns.length - 1];
  const gaps = ns.slice(1).map((v, i) => v - ns[i]).sort((a, b) => a - b);
  const top = horizon * Math.max(last, fullN(full));
  const step = Math.max(gaps[Math.floor(gaps.length / 2)] ?? last, (top - last) / 300);
  for (let v = last + step; v <= top * (1 + 1e-9); v += step) ns.push(v);
  return ns;
}

/** The analogue forecast is matched for sizes up to this multiple of the full data set (the views ask up to 200%). */
export const ANALOGUE_REACH = 2;

const member = (f: ParametricFit, weight: number): Member => ({ name: f.model, weight, at: f.at });

/** One family alone (or best-aic's choice): its fitted curve. */
function single(method: Method, fit: ParametricFit, left: Raw['left']): Raw {
  const mod = MODELS[fit.model];
  const k = mod.params.length;
  const flags = [fit.converged ? '' : 'not converged', fit.atBound.length ? `at bound: ${fit.atBound.join(', ')}` : ''].filter(Boolean);
  return {
    mean: fit.at, members: [member(fit, 1)], residual: fit.m > k ? { sd: Math.sqrt(fit.rss / (fit.m - k)), dof: fit.m - k } : null,
    asymptote: fit.asymptote, params: Object.fromEntries(mod.params.map((p, i) => [p, fit.params[i]])), aic: fit.aic,
    detail: `${method === 'best-aic' ? 'best AICc: ' : ''}${fit.model}: ${mod.formula}, u = n/${fit.scale}${flags.length ? ` (${flags.join('; ')})` : ''}`,
    left,
  };
}

/**
 * Whose quantiles a fit's band takes: the answers from 2 points and from one (analoguesAlone) have
 * their own where the calibration has them, the ensemble's otherwise.
 */
function quantilesOf(raw: Raw, m: number, method: Method): string {
  if (!fromAnaloguesAlone(raw)) return method;
  const own = m === 1 ? ONE_SIZE : ANALOGUES_ALONE;
  return calibration().methods[own] ? own : method;
}

/** What an answer from its analogues alone adds to the last observation, as its detail and the answer's composition say it. */
export function analogueGainText(points: number, share: number, neighbours: number): string {
  const like = points === 1 ? 'at the same level (one size: no shape to compare)' : 'of the same shape';
  return `${share === 1 ? 'the' : `${share.toFixed(2)} × the`} median gain of ${neighbours} real curves ${like}`;
}

/** The one member of the default's answer from its analogues alone (analoguesAlone, below), and the test for it. */
const ANALOGUES = 'analogues';
export const fromAnaloguesAlone = (f: { members: readonly Member[] }): boolean => f.members.length === 1 && f.members[0].name === ANALOGUES;

/**
 * The default with fewer points than any family fits (a pilot of 2 sizes, or one size): what
 * happened next to the real curves that looked like this one, their median gain added to the last
 * observation. Within the data it runs between the points (held at the last where they fall). On
 * LCDB's held-out curves, 2 points observed to 25% are answered about as well as 3
 * (bench/forecast.ts, "2 points"). One size has no shape: its analogues match its level alone and
 * promise more than such curves gain, so it adds the share of their gain learnt on one-size pilots
 * (calibration.ts: oneSize), and then beats the last value carried forward ("1 point"). The
 * interval is the ensemble's scale, its analogues' spread in it, with quantiles learnt on pilots
 * of as many points (calibration.ts: ANALOGUES_ALONE, ONE_SIZE).
 */
function analoguesAlone(obs: Curve, nRef: number, left: Raw['left']): Raw | null {
  const an = analogue(obs, ANALOGUE_REACH * nRef);
  if (!an) return null;
  const one = obs.n.length === 1;
  const share = one ? (calibration().oneSize?.gain ?? 1) : 1;
  const last = obs.n[obs.n.length - 1];
  const yLast = obs.dice[obs.dice.length - 1];
  const ln = obs.n.map(Math.log);
  const gain = (n: number) => share * an.gain(n);
  const mean = (n: number) => (n <= last ? Math.min(yLast, interp(ln, obs.dice, Math.log(n))) : yLast + gain(n));
  return {
    mean, members: [{ name: ANALOGUES, weight: 1, at: mean }], residual: null,
    asymptote: yLast + gain(ANALOGUE_REACH * nRef), params: one ? { [ANALOGUES]: 1, share } : { [ANALOGUES]: 1 }, aic: null,
    detail: `analogues alone: the last observation plus ${analogueGainText(obs.n.length, share, an.neighbours)} (too few points for a family)`,
    left, analogue: { fit: an, weight: 1 },
  };
}

/**
 * The ensemble: the bounded families fitted as MAP estimates under the corpus priors, weighted by
 * Akaike weights, and carried past the last observed n by the stack learnt on real curves
 * (`Stack` in calibration.ts). Below the last n it is the weighted fit shifted onto the anchor,
 * so the forecast is continuous and non-decreasing throughout.
 */
function ensemble(fits: ParametricFit[], obs: Curve, nRef: number, left: Raw['left']): Raw {
  const cal = calibration();
  const st = cal.stack;
  const an = st.analogue ? analogue(obs, ANALOGUE_REACH * nRef) : null;
  const lean = (n: number) => (an ? (st.analogue ?? 0) * an.gain(n) : 0);
  const last = obs.n[obs.n.length - 1];
  const yLast = obs.dice[obs.dice.length - 1];
  const w = akaikeWeights(fits.map((f) => f.aic));
  const parts = fits.map((f, i) => ({ f, w: w[i] })).filter((p) => p.w > 1e-3);
  const faint = fits.filter((_, i) => w[i] <= 1e-3).map((f) => ({ name: f.model, reason: 'Akaike weight < 0.001' }));
  const ws = parts.reduce((s, p) => s + p.w, 0);
  const fitLast = parts.reduce((s, p) => s + (p.w / ws) * p.f.at(last), 0);
  const m = obs.n.length;
  const k = Math.max(...parts.map((p) => MODELS[p.f.model].params.length));
  const rss = parts.reduce((s, p) => s + (p.w / ws) * p.f.rss, 0);
  const residual = m > k ? { sd: Math.sqrt(rss / (m - k)), dof: m - k } : null;
  // a single run's last point leans on the fit by their precisions (anchor.ts); a mean's as learnt
  const runSd = singleRunSd(obs, residual, cal);
  const anchor = anchorWeight(st.anchor, cal.sigma0, runSd, m > 1 ? Math.log(last / obs.n[m - 2]) : 0);
  const leaned = anchor !== st.anchor;
  const A = yLast + anchor * (fitLast - yLast);
  const slope = recentSlope(obs);
  const carry = (n: number) => st.slope * slope * st.tau * (1 - (last / n) ** (1 / st.tau));
  const stacked = (at: (n: number) => number) => {
    const a0 = at(last);
    return (n: number) => (n <= last ? at(n) + (A - a0) : A + st.gain * (at(n) - a0) + carry(n) + lean(n));
  };
  const members = parts.map((p) => ({ name: p.f.model, weight: p.w / ws, at: stacked(p.f.at) }));
  const mean = (n: number) => members.reduce((s, p) => s + p.weight * p.at(n), 0);
  const asym = parts.reduce((s, p) => s + (p.w / ws) * (p.f.asymptote as number), 0);
  const stacking = st.anchor !== 1 || st.gain !== 1 || st.slope !== 0;
  return {
    mean, members, residual,
    asymptote: A + st.gain * (asym - fitLast) + st.slope * slope * st.tau + lean(ANALOGUE_REACH * nRef),
    params: Object.fromEntries(members.map((p) => [p.name, p.weight])), aic: null,
    detail: `Akaike-weighted ensemble of ${members.map((p) => `${p.name} ${p.weight.toFixed(2)}`).join(', ')}${stacking ? `; past the data: gain × ${st.gain.toFixed(2)} + recent slope × ${st.slope.toFixed(2)}${an ? ` + analogue gain × ${(st.analogue ?? 0).toFixed(2)} (median of ${an.neighbours} real curves of the same shape)` : ''} (learnt on real curves)` : ''}${leaned ? `; starts ${anchor.toFixed(2)} of the way from the last point to the fit there (one run per size, sd ${runSd.toFixed(3)} about the mean over runs: weighed against the fit by precision)` : ''}`,
    left: [...left, ...faint], analogue: an && { fit: an, weight: st.analogue ?? 0 },
    ...(leaned ? { anchor } : {}),
  };
}

function fitParametricCurve(full: Curve, obs: Curve, method: Method): Raw | string {
  const cal = calibration();
  const scale = fullN(full);
  const combined = method === 'ensemble' || method === 'best-aic';
  const names: readonly CurveModelName[] = combined ? BOUNDED_MODELS : [method as CurveModelName];
  const left: Raw['left'] = [];
  const sigma = pointSigma(obs, cal.sigma0);
  const fits: ParametricFit[] = [];
  for (const name of names) {
    const priors = cal.priors[name] ?? [];
    if (!canFit(name, obs.n.length, priors.length > 0)) {
      left.push({ name, reason: `needs ${minPoints(name, priors.length > 0)} points, ${obs.n.length} observed` });
      continue;
    }
    const f = fitModel(name, obs.n, obs.dice, scale, { sigma, priors });
    if (f) fits.push(f);
    else left.push({ name, reason: 'did not converge' });
  }
  if (!fits.length) {
    // too few points for every family: the default answers from its analogues alone (from 2 points
    // or one); otherwise one clause, the fewest any family fits
    const fewest = Math.min(...names.map((name) => minPoints(name, (cal.priors[name] ?? []).length > 0)));
    const alone = method === 'ensemble' && obs.n.length < fewest ? analoguesAlone(obs, scale, left) : null;
    if (alone) return alone;
    const needs = method === 'ensemble' && haveAnalogues() ? `its analogues need at least 1, its families ${fewest}` : combined ? `its families need at least ${fewest}` : `${method} needs ${fewest}`;
    if (obs.n.length < fewest) return `${obs.n.length} observed point(s); ${needs}`;
    return `${obs.n.length} observed point(s): ${left.map((l) => `${l.name} ${l.reason}`).join('; ')}`;
  }
  if (method === 'ensemble') return ensemble(fits, obs, scale, left);
  return single(method, method === 'best-aic' ? fits.reduce((a, b) => (b.aic < a.aic ? b : a)) : fits[0], left);
}

function fitLinearCurve(full: Curve, obs: Curve): Raw {
  const nRef = fullN(full);
  const lin = fitLinear(obs.n, obs.dice, nRef);
  const mean = monotone(lin.at, obs.n[0], 1000 * nRef);
  const m = obs.n.length;
  const rss = obs.n.reduce((s, n, i) => s + (obs.dice[i] - lin.at(n)) ** 2, 0);
  return {
    mean, members: [{ name: 'linear', weight: 1, at: mean }], residual: m > 2 ? { sd: Math.sqrt(rss / (m - 2)), dof: m - 2 } : null, asymptote: null,
    params: { intercept: lin.intercept, slope: lin.slope }, aic: null,
    detail: `linear: dice = ${lin.intercept.toFixed(4)} + ${lin.slope.toFixed(4)}·n/${nRef}, held in [0, 1] and non-decreasing`, left: [],
  };
}

/**
 * Fits a surrogate to curves (LSTMs fit all curves together, as the paper's depth input implies;
 * the others fit each curve alone). Curves whose observed part is too short are listed in `skipped`.
 */
export async function fitSurrogate(curves: Curve[], method: Method, o: SurrogateOptions = {}): Promise<SurrogateResult> {
  if (isLstm(method)) {
    const res = await fitLstmCurves(curves, method, o);
    for (const c of curves) o.onCurve?.(c.model);
    return res;
  }
  const fits: FittedCurve[] = [];
  const skipped: SurrogateResult['skipped'] = [];
  for (const full of curves) {
    const obs = observedPart(full, o.observedUpTo ?? 1);
    if (method === 'linear' && obs.n.length < 3) {
      skipped.push({ model: full.model, reason: `${obs.n.length} observed point(s); a line with an interval needs 3` });
      o.onCurve?.(full.model);
      continue;
    }
    const raw = method === 'linear' ? fitLinearCurve(full, obs) : fitParametricCurve(full, obs, method);
    if (typeof raw === 'string') skipped.push({ model: full.model, reason: raw });
    else fits.push(finish(method, full, obs, raw));
    o.onCurve?.(full.model);
  }
  return { method, backend: null, fits, skipped };
}
