import { existsSync, readFileSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { leaveSourceOut } from '../../ts/surrogate/analogue';
import type { Half } from '../../ts/surrogate/calibration';
import type { Curve } from '../../ts/surrogate/curve';
import { rng } from '../../ts/surrogate/random';

/**
 * LCDB 1.0's learning curves (Mohr, Viering et al. 2022) as plateau curves: one per data set ×
 * learner, the mean test score over seeds at each training size, with its sd and count (so fits
 * weigh points as they would weigh repeated runs). `bench/lcdb_curves.py` extracts them from the
 * `lcdb` sdist on PyPI into .plateau/lcdb/ (run once, about 15 s).
 */
export type Metric = 'f1' | 'auc' | 'accuracy';
export interface CorpusCurve extends Curve {
  openmlid: number;
  learner: string;
  metric: Metric;
}

const root = join(import.meta.dirname, '..', '..');
const dir = process.env.PLATEAU_LCDB ?? join(root, '.plateau', 'lcdb');

/** A corpus curve's name: data set, learner and metric (one data set × learner has an F1 and an AUC curve). */
export const curveName = (c: { openmlid: number; learner: string; metric: Metric }) => `${c.openmlid}/${c.learner}/${c.metric}`;

/** The path of one of `bench/lcdb_curves.py`'s files, extracted first where it is missing. */
function extracted(name: string): string {
  const file = join(dir, name);
  if (!existsSync(file)) {
    const py = process.env.PLATEAU_PYTHON ?? join(root, '.venv', 'bin', 'python');
    execFileSync(py, [join(root, 'bench', 'lcdb_curves.py'), '--out', dir], { stdio: 'inherit' });
  }
  return file;
}

export function loadCorpus(metric: Metric): CorpusCurve[] {
  const raw = JSON.parse(readFileSync(extracted(`curves-${metric}.json`), 'utf8')) as { curves: { openmlid: number; learner: string; n: number[]; score: number[]; sd: (number | null)[]; count: number[] }[] };
  return raw.curves
    .filter((c) => c.score.every((v) => Number.isFinite(v) && v >= 0 && v <= 1))
    // the metric is part of the name: one data set × learner has an F1 and an AUC curve, and a harness
    // that finds a fit's curve by name must not score the one against the other
    .map((c) => ({ model: curveName({ ...c, metric }), depth: null, n: c.n, dice: c.score, sd: c.sd, count: c.count, openmlid: c.openmlid, learner: c.learner, metric }));
}

/**
 * A seeded sample of `count` curves with at least `minPoints` sizes; `half` keeps only data sets
 * with an even ('calibrate') or odd ('held-out') OpenML id, so tuning never sees the curves it is
 * judged on.
 */
export function sample<C extends { n: number[]; openmlid: number }>(curves: C[], count: number, seed: number, half?: Half, minPoints = 8): C[] {
  const pool = curves.filter((c) => c.n.length >= minPoints && (!half || (c.openmlid % 2 === 0) === (half === 'calibrate')));
  const r = rng(seed);
  for (let i = pool.length - 1; i > 0; i--) {
    const j = Math.floor(r() * (i + 1));
    [pool[i], pool[j]] = [pool[j], pool[i]];
  }
  return pool.slice(0, count);
}

/** The half whose quantiles score this one, so no coverage rests on the curves it scores. */
export const otherHalf = (half: Half): Half => (half === 'held-out' ? 'calibrate' : 'held-out');

/** The development corpus (F1 and AUC, half each) or the independent check (accuracy), of the curves `load` reads. */
function drawn<C extends { n: number[]; openmlid: number }>(load: (m: Metric) => C[], which: 'dev' | 'check', count: number, seed: number, half?: Half): C[] {
  if (which === 'check') return sample(load('accuracy'), count, seed, half);
  return [...sample(load('f1'), Math.ceil(count / 2), seed, half), ...sample(load('auc'), Math.floor(count / 2), seed + 1, half)];
}

/** The development corpus (F1 and AUC, half each) or the independent check (accuracy). */
export const corpus = (which: 'dev' | 'check', count: number, seed: number, half?: Half): CorpusCurve[] => drawn(loadCorpus, which, count, seed, half);

/**
 * LCDB's single runs (outer and inner seed 0: the one run at each size that a usual grid has) with
 * the mean over every seed at the same sizes, its sd and count, one per data set × learner
 * (`bench/lcdb_curves.py` writes them beside the mean curves).
 */
export interface SingleRun {
  openmlid: number;
  learner: string;
  metric: Metric;
  n: number[];
  run: number[];
  mean: number[];
  sd: (number | null)[];
  count: number[];
}

export function loadRuns(metric: Metric): SingleRun[] {
  const raw = JSON.parse(readFileSync(extracted(`runs-${metric}.json`), 'utf8')) as { curves: Omit<SingleRun, 'metric'>[] };
  return raw.curves.filter((c) => [...c.run, ...c.mean].every((v) => Number.isFinite(v) && v >= 0 && v <= 1)).map((c) => ({ ...c, metric }));
}

/**
 * A single run as a plateau curve: the observed points are `points` and the largest n's value is
 * `truth` (the scored value). A single run carries no sd or count, as a store's curve of one run per
 * size does not; `repeats` gives the seeds' (the mean curve, as bench/forecast.ts scores it) or, as
 * 'agreeing', declares the points means of 25 repeats that agree (the band as learnt, with no single
 * run's noise added).
 */
export const runCurve = (c: SingleRun, points: number[], truth: number, repeats?: 'seeds' | 'agreeing'): Curve => ({
  model: curveName(c), depth: null, n: c.n, dice: [...points.slice(0, -1), truth],
  ...(repeats === 'seeds' ? { sd: c.sd, count: c.count } : repeats === 'agreeing' ? { sd: c.n.map(() => 0), count: c.n.map(() => 25) } : {}),
});

/** As `corpus`, of single runs. */
export const runsCorpus = (which: 'dev' | 'check', count: number, seed: number, half?: Half): SingleRun[] => drawn(loadRuns, which, count, seed, half);

/**
 * LCDB's data sets as grids of learners: per data set and metric, the learners whose curves (of 8
 * sizes or more) end at one largest n, where there are 3 or more of them.
 */
export function grids(curves: CorpusCurve[]): CorpusCurve[][] {
  const by = new Map<string, CorpusCurve[]>();
  for (const c of curves.filter((x) => x.n.length >= 8)) {
    const key = `${c.openmlid}/${c.metric}/${c.n[c.n.length - 1]}`;
    by.set(key, [...(by.get(key) ?? []), c]);
  }
  return [...by.values()].filter((g) => g.length >= 3);
}

/** The data set (OpenML id) a corpus curve came from; null for any other curve (a store's runs). */
export const dataSetId = (model: string): number | null => {
  const m = /^(\d+)\//.exec(model);
  return m ? Number(m[1]) : null;
};

/**
 * For a benchmark on LCDB curves: the analogue library (every F1/AUC curve of LCDB's even-id data
 * sets) never offers a curve cuts of its own data set, as a user's curve is never in it. Without
 * this an even-id curve would be matched against its own future, and an accuracy curve against
 * the F1 curve of the same learner on the same data.
 */
export function leaveOwnDataSetOut(): void {
  leaveSourceOut(dataSetId);
}
