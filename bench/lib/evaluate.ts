import { groupBy } from '../../ts/group';
import { dataSetId } from './corpus';
import { targetSize } from '../../ts/surrogate/answers';
import { type Stratum, TARGET_NEAR, bucketOf } from '../../ts/surrogate/calibration';
import { type Curve, observedPart } from '../../ts/surrogate/curve';
import { normal, quantile, rng } from '../../ts/surrogate/random';
import { type FittedCurve, type Method, type ScaleParts, fitSurrogate } from '../../ts/surrogate/surrogate';

/**
 * Leave-future-out scoring on curves with known answers: fit on n ≤ cut·max(n), forecast the
 * largest n. `pilot` (a number of points, 0 for none) keeps only that many points of the observed
 * part, evenly spaced in n as a pilot grid is (4: 25/50/75/100% of what was trained; 3: 33/67/100%),
 * the case where few points cannot pin the curve.
 */
export interface Scored {
  model: string;
  truth: number;
  last: number;
  forecast: number;
  lo95: number;
  hi95: number;
  /** |error| / the method's scale at the largest n, and the scale's parts there */
  score: number;
  parts: ScaleParts | null;
  points: number;
  /** whose forecast quantile the fit's band took (calibration.ts: stratumOf) */
  stratum: Stratum;
  /** |fit − observed| and the scale's parts at each observed size below the last: what the band within the data is calibrated on */
  within: { error: number; parts: ScaleParts }[];
  /** how many of those sizes' observed Dice the 95% band holds */
  withinCovered: number;
  /** |ln(n̂/n)| for the target halfway from the last observation to the final value, where the curve still rises that far */
  targetLogError: number | null;
  /** that error over (TARGET_NEAR + ln(n̂ / last n)): the score the target interval is calibrated on */
  targetScore: number | null;
  targetFound: boolean | null;
  /** whether the target answer's range (open-ended where undetermined) holds the true n */
  targetCovered: boolean | null;
  /** ln(hi/lo) of a placed target's interval (Infinity where open above) */
  targetWidth: number | null;
}

export function pilotPart(c: Curve, cut: number, points = 4): Curve {
  const obs = observedPart(c, cut);
  const top = obs.n[obs.n.length - 1];
  const idx = Array.from({ length: points }, (_, k) => (k + 1) / points).map((f) => obs.n.reduce((b, n, i) => (Math.abs(n - f * top) < Math.abs(obs.n[b] - f * top) ? i : b), 0));
  const keep = [...new Set(idx)].sort((a, b) => a - b);
  const pick = <T>(xs: T[] | undefined) => xs && keep.map((i) => xs[i]);
  return { ...c, n: [...pick(obs.n)!, c.n[c.n.length - 1]], dice: [...pick(obs.dice)!, c.dice[c.dice.length - 1]], sd: c.sd && [...pick(c.sd)!, c.sd[c.sd.length - 1]], count: c.count && [...pick(c.count)!, c.count[c.count.length - 1]] };
}

/**
 * The target a benchmark asks a fit about: halfway from the last observation to the final value,
 * where the curve still climbs ≥ 0.01 past the last observation, and the n where the observed curve
 * first reaches it (null where it has no such target).
 */
export function targetOf(c: Curve, fit: FittedCurve): { dice: number; n: number | null } | null {
  const lastIdx = c.n.findIndex((n) => n === fit.observedMaxN);
  const [last, truth] = [c.dice[lastIdx], c.dice[c.dice.length - 1]];
  if (!(truth > last + 0.01)) return null;
  const dice = last + 0.5 * (truth - last);
  return { dice, n: trueCrossing({ ...c, n: c.n.slice(lastIdx), dice: c.dice.slice(lastIdx) }, dice) };
}

/** The observed curve at n, interpolated linearly in ln n between its sizes (its first value below them). */
export function observedAt(c: Curve, n: number): number {
  const i = c.n.findIndex((v) => v >= n);
  if (i < 0) return c.dice[c.dice.length - 1];
  if (i === 0) return c.dice[0];
  const w = (Math.log(n) - Math.log(c.n[i - 1])) / (Math.log(c.n[i]) - Math.log(c.n[i - 1]));
  return c.dice[i - 1] + w * (c.dice[i] - c.dice[i - 1]);
}

/**
 * Whether a plateau claimed at n ("another `step` of nRef adds < `threshold`") held on the curve:
 * its observed gain from n to its largest size is at most what the threshold allows over that
 * stretch, plus `tolerance` for the noise of the observed values themselves.
 */
export function plateauHolds(c: Curve, n: number, nRef: number, threshold: number, step: number, tolerance: number): boolean {
  const N = c.n[c.n.length - 1];
  return c.dice[c.dice.length - 1] - observedAt(c, n) <= threshold * ((N - n) / (step * nRef)) + tolerance;
}

/** First n where the (interpolated) observed curve reaches d, or null. */
function trueCrossing(c: Curve, d: number): number | null {
  for (let i = 0; i < c.n.length; i++) {
    if (c.dice[i] >= d) {
      if (i === 0) return c.n[0];
      const w = (d - c.dice[i - 1]) / (c.dice[i] - c.dice[i - 1]);
      return Math.exp(Math.log(c.n[i - 1]) + w * (Math.log(c.n[i]) - Math.log(c.n[i - 1])));
    }
  }
  return null;
}

function scoreFit(c: Curve, fit: FittedCurve): Scored {
  const N = c.n[c.n.length - 1];
  const truth = c.dice[c.dice.length - 1];
  const lastIdx = c.n.findIndex((n) => n === fit.observedMaxN);
  const last = c.dice[lastIdx];
  const forecast = fit.mean(N);
  const [lo95, hi95] = fit.band(N, 0.95);
  let targetLogError: number | null = null;
  let targetScore: number | null = null;
  let targetFound: boolean | null = null;
  let targetCovered: boolean | null = null;
  let targetWidth: number | null = null;
  const target = targetOf(c, fit);
  if (target) {
    const n = target.n;
    const t = targetSize(fit, target.dice);
    targetFound = t.n !== null;
    if (n !== null) targetCovered = t.lo !== null && t.lo <= n && n <= (t.hi ?? Infinity);
    if (t.n !== null && t.lo !== null) targetWidth = t.hi === null ? Infinity : Math.log(t.hi / t.lo);
    if (n !== null && t.n !== null) {
      targetLogError = Math.abs(Math.log(t.n / n));
      targetScore = targetLogError / (TARGET_NEAR + Math.log(Math.max(t.n, fit.observedMaxN) / fit.observedMaxN));
    }
  }
  const within = fit.observedN.filter((n) => n < fit.observedMaxN).map((n) => ({ n, y: c.dice[c.n.indexOf(n)] }));
  const withinCovered = within.filter(({ n, y }) => {
    const [lo, hi] = fit.band(n, 0.95);
    return lo <= y && y <= hi;
  }).length;
  return { model: c.model, truth, last, forecast, lo95, hi95, score: Math.abs(forecast - truth) / fit.scale(N), parts: fit.parts(N), points: fit.points, stratum: fit.stratum, within: within.map(({ n, y }) => ({ error: Math.abs(fit.mean(n) - y), parts: fit.parts(n) })), withinCovered, targetLogError, targetScore, targetFound, targetCovered, targetWidth };
}

/** Whether a curve observed up to `upTo` of its largest n can be scored: `fewest` points or more seen (2; 1 for a one-size pilot), and some left to forecast. */
export function forecastable(c: Curve, upTo: number, fewest = 2): boolean {
  const seen = observedPart(c, upTo).n.length;
  return seen >= fewest && seen < c.n.length;
}

export async function scoreMethod(curves: Curve[], method: Method, cut: number, pilot = 0, lstm?: { epochs?: number }): Promise<Scored[]> {
  const input = pilot ? curves.map((c) => pilotPart(c, cut, pilot)) : curves;
  byName(input);
  const cutUsed = pilot ? 0.999 : cut;
  const out: Scored[] = [];
  // LSTMs fit the curves of one call together: batches of 50 unrelated curves
  const batch = method.startsWith('lstm') ? 50 : input.length;
  for (let i = 0; i < input.length; i += batch) {
    // a pilot of one size is scored too (the default answers it from its analogues alone)
    const part = input.slice(i, i + batch).filter((c) => forecastable(c, cutUsed, pilot === 1 ? 1 : 2));
    const res = await fitSurrogate(part, method, { observedUpTo: cutUsed, seed: 0, lstm });
    const named = byName(part);
    for (const fit of res.fits) out.push(scoreFit(named.get(fit.model)!, fit));
  }
  return out;
}

/**
 * The curves by name, refusing a name twice: a fit is matched to its curve by name, and two curves
 * of one name (LCDB's F1 and AUC curves of one data set × learner, before the metric joined the
 * name) would score one curve's forecast against the other's truth.
 */
export function byName<C extends Curve>(curves: C[]): Map<string, C> {
  const m = new Map<string, C>();
  for (const c of curves) {
    if (m.has(c.model)) throw new Error(`two curves are named '${c.model}': a fit could be scored against the wrong one`);
    m.set(c.model, c);
  }
  return m;
}

/** The last observed value, carried forward: the baseline every method must beat. */
export function lastValue(curves: Curve[], cut: number, fewest = 2): Scored[] {
  return curves.flatMap((c) => {
    if (!forecastable(c, cut, fewest)) return [];
    const obs = observedPart(c, cut);
    const last = obs.dice[obs.dice.length - 1];
    const truth = c.dice[c.dice.length - 1];
    return [{ model: c.model, truth, last, forecast: last, lo95: NaN, hi95: NaN, score: NaN, parts: null, points: obs.n.length, stratum: bucketOf(obs.n.length), within: [], withinCovered: 0, targetLogError: null, targetScore: null, targetFound: null, targetCovered: null, targetWidth: null }];
  });
}

export interface Summary {
  curves: number;
  mae: number;
  median: number;
  coverage95: number;
  /** the share of observed sizes below the last whose Dice the 95% band holds */
  coverageWithin95: number;
  width95: number;
  targetLogError: number | null;
  targetFound: number | null;
  /** share of targets whose range holds the true n */
  targetCoverage: number | null;
  /** median ln(hi/lo) of the placed targets' intervals (Infinity where most are open above) */
  targetWidth: number | null;
}

export function summarise(s: Scored[]): Summary {
  const e = s.map((x) => Math.abs(x.forecast - x.truth)).sort((a, b) => a - b);
  const withBand = s.filter((x) => Number.isFinite(x.lo95));
  const t = s.map((x) => x.targetLogError).filter((x): x is number => x !== null).sort((a, b) => a - b);
  const tf = s.filter((x) => x.targetFound !== null);
  const tc = s.filter((x) => x.targetCovered !== null);
  const tw = s.map((x) => x.targetWidth).filter((x): x is number => x !== null).sort((a, b) => a - b);
  return {
    curves: s.length,
    mae: e.reduce((a, b) => a + b, 0) / e.length,
    median: quantile(e, 0.5),
    coverage95: withBand.length ? withBand.filter((x) => x.lo95 <= x.truth && x.truth <= x.hi95).length / withBand.length : NaN,
    coverageWithin95: withBand.reduce((a, x) => a + x.withinCovered, 0) / withBand.reduce((a, x) => a + x.within.length, 0),
    width95: withBand.length ? withBand.reduce((a, x) => a + x.hi95 - x.lo95, 0) / withBand.length : NaN,
    targetLogError: t.length ? quantile(t, 0.5) : null,
    targetFound: tf.length ? tf.filter((x) => x.targetFound).length / tf.length : null,
    targetCoverage: tc.length ? tc.filter((x) => x.targetCovered).length / tc.length : null,
    targetWidth: tw.length ? quantile(tw, 0.5) : null,
  };
}

/** A scored curve's shape, as its stratum says it (calibration.ts: stratumOf): at the floor, flat, or neither. */
export const shapeOf = (x: Scored): 'floor' | 'flat' | 'other' => (x.stratum === 'floor' ? 'floor' : x.stratum.startsWith('flat') ? 'flat' : 'other');
/** The curves at the floor, the flat ones and the rest, summarised apart: coverage by shape. */
export function shapeRow(where: string, s: Scored[]): (string | number)[] {
  const f = (v: number) => (Number.isFinite(v) ? v.toFixed(3) : '–');
  return [where, ...(['floor', 'flat', 'other'] as const).flatMap((k) => {
    const x = summarise(s.filter((y) => shapeOf(y) === k));
    return [x.curves, f(x.coverage95), f(x.width95), f(x.mae)];
  })];
}
export const SHAPE_HEADER = ['cut', ...['floor', 'flat', 'other'].flatMap((k) => [k, '95% cover', '95% width', 'MAE'])];

/**
 * What the non-decreasing rule costs on curves that fall after the cut-off (LCDB's QDA and SVC
 * curves whose F1 collapses with more data): a forecast that never falls below the last observation
 * loses at least max(0, last − truth) on each. `floor` is that loss's mean over all curves; the
 * MAE and median over the curves that do not fall by more than `by` show the error left elsewhere.
 */
export function fallSplit(s: Scored[], by = 0.02): { falling: number; floor: number; mae: number; median: number } {
  const rest = s.filter((x) => x.truth >= x.last - by).map((x) => Math.abs(x.forecast - x.truth)).sort((a, b) => a - b);
  return {
    falling: s.length - rest.length,
    floor: s.reduce((a, x) => a + Math.max(0, x.last - x.truth), 0) / s.length,
    mae: rest.reduce((a, b) => a + b, 0) / rest.length,
    median: quantile(rest, 0.5),
  };
}

/**
 * A 95% interval for a summary over curves that resamples whole data sets (`group`), not curves:
 * LCDB's curves of one data set (its learners, its F1 and AUC) rise and fall together, so a
 * coverage measured on 1000 curves is known only as well as a few hundred data sets let it be.
 * Percentiles of `reps` resamples, seeded.
 */
export function resampledInterval(s: Scored[], stat: (s: Scored[]) => number, group: (x: Scored) => string, reps = 2000, seed = 1): [number, number] {
  const groups = [...groupBy(s, group).values()];
  const r = rng(seed);
  const values: number[] = [];
  for (let i = 0; i < reps; i++) {
    const pick: Scored[] = [];
    for (let j = 0; j < groups.length; j++) pick.push(...groups[Math.floor(r() * groups.length)]);
    values.push(stat(pick));
  }
  values.sort((a, b) => a - b);
  return [quantile(values, 0.025), quantile(values, 0.975)];
}

/** The data set of a LCDB curve named `openmlid/learner/metric`, as a key to group by. */
export const dataSetOf = (x: Scored) => String(dataSetId(x.model));

/**
 * What the truth's own noise costs a forecaster that knew each curve's expected end exactly: the
 * truth is the mean of `count` seeds at the largest n, so it misses that expectation by about
 * N(0, sd/√count). MAE and median of |that miss| over the curves with seeds (`draws` per curve,
 * seeded); no method's error can be expected below them.
 */
export function noiseFloor(curves: Curve[], draws = 200, seed = 1): { curves: number; mae: number; median: number } {
  const r = rng(seed);
  const misses: number[] = [];
  let used = 0;
  for (const c of curves) {
    const [sd, count] = [c.sd?.at(-1), c.count?.at(-1)];
    if (sd === null || sd === undefined || !count || count < 2) continue;
    used += 1;
    for (let i = 0; i < draws; i++) misses.push(Math.abs(normal(r) * (sd / Math.sqrt(count))));
  }
  misses.sort((a, b) => a - b);
  return { curves: used, mae: misses.reduce((a, b) => a + b, 0) / misses.length, median: quantile(misses, 0.5) };
}
