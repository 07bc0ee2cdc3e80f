import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { atFloor, isFlat } from './curve';
import type { CurveModelName, ParamPrior } from './parametric';

/**
 * What plateau learnt from real learning curves (LCDB 1.0's F1 and AUC databases; never the
 * accuracy one, kept for the independent check): empirical-Bayes priors on the families' shape
 * parameters, the ensemble's shrinkage of extrapolated gains, the conformal quantiles that turn
 * each method's uncertainty scale into calibrated intervals, and how reliable each method was at
 * each cut-off. Written by `bench/calibrate.ts` (every figure in it is computed there); read here.
 */
export interface QuantileTable {
  /**
   * quantiles of |error| / scale by stratum (stratumOf), at each level: a bucket of observed points
   * ('few' ≤ 5, 'mid' 6–9, 'many' ≥ 10), the same buckets of curves observed flat ('flat-few', …),
   * and curves at the floor ('floor'); the last two absent within the data, in calibrations written
   * before them, and where too few curves were of their kind
   */
  quantiles: Record<PointsBucket, Record<string, number>> & Partial<Record<ShapeStratum, Record<string, number>>>;
  /** scores behind each stratum's quantiles */
  counts: Record<PointsBucket, number> & Partial<Record<ShapeStratum, number>>;
}

export interface Quantiles extends QuantileTable {
  /** the 95% quantile of |ln(n̂ / n)| / (TARGET_NEAR + ln(n̂ / last n)) for a target size, and how many targets it rests on */
  target95: number | null;
  targetCount: number;
  /**
   * Within the data (at observed sizes below the last): quantiles of |fit − observed Dice| / scale.
   * A fit misses its own points by more than it misses the next size past them (the ensemble is
   * anchored on the last observation, and the families bend differently from real curves), so the
   * band there needs its own multiplier. Absent in calibrations written before it was learnt.
   */
  within?: QuantileTable;
}

/** The halves of the corpus (data sets with an even / odd OpenML id). */
export type Half = 'calibrate' | 'held-out';

export interface MethodCalibration extends Quantiles {
  /** this method's own scale weights, where they were learnt apart from the shared ones */
  scale?: ScaleWeights;
  /**
   * The quantiles each half alone gave (the ones above pool both): each half's coverage is
   * measured with the other half's, so a coverage figure never rests on the curves it is scored on.
   */
  halves?: Record<Half, Quantiles>;
}

export interface Reliability {
  /** observed up to this fraction of the largest n */
  cut: number;
  /** a pilot of this many of the points observed to the cut (absent: every point) */
  points?: number;
  curves: number;
  mae: number;
  median: number;
  /** cross-fitted: each half's curves scored with the quantiles the other half gave (`halves`) */
  coverage95: number;
  /** the curves behind coverage95: both halves (mae and median are the held-out half's alone) */
  coverageCurves?: number;
  /** the same, within the data: the share of observed sizes below the last that the 95% band holds (cross-fitted) */
  coverageWithin95?: number;
  /** median |ln(n̂ / n)| of the target n, where both exist */
  targetLogError: number | null;
  /** observed on one run per size (LCDB's seed 0) and scored against the mean over seeds: the rows of `SINGLE_RUNS` */
  singleRuns?: boolean;
}

export interface Calibration {
  source: string;
  /** noise sd for points without repeats, relative to which the priors weigh */
  sigma0: number;
  /**
   * A single run's scatter about the mean over seeds (LCDB's seed 0 against its seeds' mean: the
   * median RMS over a curve's sizes), the prior of a grid of single runs' own noise (band.ts:
   * singleRunSd); absent in calibrations written before it (then the grid's residuals alone)
   */
  sigmaRun?: number;
  /** how the ensemble carries a curve past its last point, learnt by least absolute deviations */
  stack: Stack;
  /** the weights of the uncertainty scale's parts, learnt by median regression of |error| on them */
  scale: ScaleWeights;
  priors: Partial<Record<CurveModelName, ParamPrior[]>>;
  methods: Record<string, MethodCalibration>;
  /** per method, per cut-off: errors on the held-out data sets (never used to learn the stack and scales), coverage cross-fitted */
  reliability: Record<string, Reliability[]>;
  /**
   * The default's answer from one size (surrogate.ts: analoguesAlone): the share of its analogues'
   * median gain it adds to the observation, learnt by least absolute deviations on one-size pilots
   * of the calibration half (analogues matched on the level alone promise more than such curves gain)
   */
  oneSize?: { gain: number };
}

/**
 * Past the last observed n, the ensemble forecasts
 *   A + gain·(ens(n) − ens(last)) + slope·s⁺·tau·(1 − (last/n)^(1/tau)) + analogue·g(n),
 * A = y_last + anchor·(ens(last) − y_last): the last observation pulled toward the fit (a single
 * run's further, by precision: anchor.ts), the families' extrapolated gain scaled, the recent
 * slope s⁺ (Dice per unit ln n, ≥ 0) carried on with a bounded reach, and the median gain g of the
 * real curves that looked most like this one (analogue.ts). Every term is non-decreasing in n and
 * bounded, so the forecast is too.
 */
export interface Stack {
  anchor: number;
  gain: number;
  slope: number;
  tau: number;
  /** absent in calibrations written before the analogue forecast existed (then 0) */
  analogue?: number;
}

/**
 * A method's uncertainty scale at n is floor + noise·σ + spread·(members' sd) + gain·(forecast
 * gain past the last n) + slope·(recent slope · ln(n / last n)) + horizon·ln(n / last n)
 * + analogue·(the analogue curves' spread).
 */
export interface ScaleWeights {
  floor: number;
  noise: number;
  spread: number;
  gain: number;
  slope: number;
  horizon: number;
  analogue?: number;
}

export type PointsBucket = 'few' | 'mid' | 'many';
export const bucketOf = (m: number): PointsBucket => (m <= 5 ? 'few' : m <= 9 ? 'mid' : 'many');
/**
 * The stratum of a fit's forecast quantile (Mondrian conformal: each stratum's intervals are
 * calibrated on its own curves): its bucket of observed points, apart for curves observed flat
 * (isFlat) from 3 sizes on. A flat curve's uncertainty scale is small (no slope, no gain, members
 * that agree), yet it may rise later: pooled with the rest, the 95% band held the truth on 0.79–0.89
 * of LCDB's flat curves observed to 10/25% while the others' held it on 0.93–0.97 (bench/forecast.ts,
 * "by shape"). Flat pilots of 3 or 4 points miss by less, relative to their scale, than flat curves
 * of 10 points or more, so flatness splits each bucket rather than pooling them. A curve at the
 * floor (atFloor: no size shows learning) is a stratum of its own before that: flat or not, it
 * says nothing of when learning starts (its band held 0.75 of such curves pooled with the flat ones).
 */
export type ShapeStratum = `flat-${PointsBucket}` | 'floor';
export type Stratum = PointsBucket | ShapeStratum;
export const stratumOf = (obs: { dice: readonly number[] }): Stratum => {
  const bucket = bucketOf(obs.dice.length);
  if (obs.dice.length < 3) return bucket;
  return atFloor(obs.dice) ? 'floor' : isFlat(obs.dice) ? `flat-${bucket}` : bucket;
};
export const LEVELS = [0.5, 0.8, 0.9, 0.95, 0.99];

export const CALIBRATION_FILE = fileURLToPath(new URL('./calibration.json', import.meta.url));

/**
 * The calibration entry of the default's answers from 2 points, its analogues alone
 * (surrogate.ts: analoguesAlone): a forecaster of its own, with its own quantiles
 * (bench/calibrate.ts, 5.); where a calibration lacks it, the ensemble's are used.
 */
export const ANALOGUES_ALONE = 'ensemble:analogues-alone';
/** The same from one size: its analogues are matched on the level alone, so its quantiles are its own too. */
export const ONE_SIZE = 'ensemble:one-size';
/**
 * The default's reliability on grids of one run per size (bench/calibrate.ts, 7.): rows per cut-off
 * and for pilots of 2 sizes and 1, quoted by an answer from a grid without repeats, whose single
 * runs scatter about the Dice to expect more than the corpus's means do.
 */
export const SINGLE_RUNS = 'ensemble:single-runs';

/** No corpus learnt yet (before `bench/calibrate.ts` first ran): no priors, the plain ensemble, normal quantiles. */
const NONE: Calibration = { source: 'none', sigma0: 0.01, stack: { anchor: 1, gain: 1, slope: 0, tau: 4 },
  scale: { floor: 0, noise: 1, spread: 1, gain: 1, slope: 0.5, horizon: 0 }, priors: {}, methods: {}, reliability: {} };

let loaded: Calibration | null = null;
export function calibration(): Calibration {
  if (!loaded) loaded = existsSync(CALIBRATION_FILE) ? (JSON.parse(readFileSync(CALIBRATION_FILE, 'utf8')) as Calibration) : NONE;
  return loaded;
}

/** For the calibration script: use these values in this process. */
export function useCalibration(c: Calibration | null): void {
  loaded = c;
}
export const UNCALIBRATED = NONE;

/**
 * A target size's error in ln n grows with how far past the data it lies: its interval is
 * n̂·exp(±q·(TARGET_NEAR + ln(n̂ / last n))), q learnt on real curves, so it narrows as the data
 * approach the target (TARGET_NEAR keeps a target just past the data from a zero-width interval).
 */
export const TARGET_NEAR = 0.5;
export function targetSpread(method: string): number | null {
  const mc = calibration().methods[method];
  return mc && mc.targetCount >= 20 ? mc.target95 : null;
}

/** Two-sided normal multipliers, the fallback for a method the corpus has not calibrated. */
const NORMAL: Record<string, number> = { '0.5': 0.674, '0.8': 1.282, '0.9': 1.645, '0.95': 1.96, '0.99': 2.576 };

/**
 * The multiplier of a method's scale for a central interval of `level` with m observed points:
 * the conformal quantile, interpolated linearly between the stored levels; `within`: the one for
 * sizes inside the data (the forecast's where none was learnt). A forecast of a flat curve or one
 * at the floor takes its stratum's (stratumOf) where the table has it, its bucket's otherwise.
 */
export function multiplier(method: string, m: number, level: number, within = false, stratum: Stratum = bucketOf(m)): { q: number; calibrated: boolean } {
  const mc = calibration().methods[method];
  const q = within ? mc?.within : mc;
  if (within && !q) return multiplier(method, m, level);
  const key = !within && (q?.counts[stratum] ?? 0) >= 20 ? stratum : bucketOf(m);
  const table = q && (q.counts[key] ?? 0) >= 20 ? q.quantiles[key]! : null;
  const t = table ?? NORMAL;
  const ls = LEVELS.filter((l) => t[String(l)] !== undefined);
  if (level <= ls[0]) return { q: (t[String(ls[0])] * level) / ls[0], calibrated: !!table };
  for (let i = 1; i < ls.length; i++) {
    if (level <= ls[i]) {
      const w = (level - ls[i - 1]) / (ls[i] - ls[i - 1]);
      return { q: t[String(ls[i - 1])] + w * (t[String(ls[i])] - t[String(ls[i - 1])]), calibrated: !!table };
    }
  }
  return { q: t[String(ls[ls.length - 1])], calibrated: !!table };
}

/**
 * The calibration with each method's quantiles as one half of the corpus alone gave them (where
 * they were kept): what a benchmark scoring the other half must use, so that no coverage it prints
 * rests on the curves it scores.
 */
export function quantilesOf(c: Calibration, half: Half): Calibration {
  const methods = Object.fromEntries(Object.entries(c.methods).map(([name, m]) => [name, m.halves ? { ...m, ...m.halves[half] } : m]));
  return { ...c, methods };
}
