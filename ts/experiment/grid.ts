import { UserError } from '../errors';
import { datasetCount } from './dataset';
import { expandSubsets, type Fractions, type Subset, trainCount } from './fractions';
import { dataIdentity, modelIdentity } from './identity';
import { type Job, jobKey } from './job';
import { expandModels } from './model';
import type { Experiment } from './schema';
import { isCrossValidation, partCount } from './split';
import { expandTraining } from './training';

/** Training images of a subset when the spec alone determines it (fixed split of a known size). */
function knownTrainCount(exp: Experiment, subset: Subset): number | null {
  if (subset.count !== null) return subset.count;
  if (isCrossValidation(exp.split)) return null;
  const total = datasetCount(exp.dataset);
  // A count needs no data set size; a ratio does.
  const pool = exp.split.train >= 1 ? exp.split.train : total !== undefined ? partCount(exp.split.train, total) : null;
  return pool === null ? null : trainCount(subset.fraction, pool);
}

/** The most jobs one experiment may expand to: beyond this a grid is a typo (a step of 1e-6), not a plan. */
export const MAX_JOBS = 100_000;
const n = (x: number) => x.toLocaleString('en-US');

/** Subsets a fractions block names, counted without expanding it (a range may be astronomically long). */
function subsetCount(f: Fractions): number {
  if ('counts' in f) return new Set(f.counts).size;
  if (Array.isArray(f)) return new Set(f).size;
  return Math.floor(Math.round(((f.to - f.from) / f.step) * 1e9) / 1e9) + 1;
}

/** How many jobs an experiment expands to, computed without expanding it. */
export function gridSize(exp: Experiment): { jobs: number; factors: [string, number][] } {
  const list = (v: number | number[]) => (Array.isArray(v) ? v.length : 1);
  const factors: [string, number][] = [
    ['counts' in exp.fractions ? 'counts' : 'fractions', subsetCount(exp.fractions)],
    ['models', exp.models.flatMap(expandModels).length],
    ['lr', list(exp.training.lr)],
    ['weight_decay', list(exp.training.weight_decay)],
    ['folds', isCrossValidation(exp.split) ? exp.split.folds : 1],
    ['repeats', exp.repeats],
  ];
  return { jobs: factors.reduce((a, [, k]) => a * k, 1), factors };
}

/**
 * Every job of an experiment: subsets × models × (lr × weight decay) × folds × repeats, smallest
 * subsets first, each with its content key (the data set in it by content, see dataIdentity).
 */
export function expandGrid(exp: Experiment): Job[] {
  const size = gridSize(exp);
  if (size.jobs > MAX_JOBS) {
    throw new UserError(
      `experiment '${exp.name}' expands to ${n(size.jobs)} jobs (${size.factors.filter(([, k]) => k > 1).map(([what, k]) => `${n(k)} ${what}`).join(' × ')}); the limit is ${n(MAX_JOBS)} jobs a grid: use fewer values, or a larger step for fractions`,
    );
  }
  const models = exp.models.flatMap(expandModels);
  const trainings = expandTraining(exp.training);
  const folds = isCrossValidation(exp.split) ? Array.from({ length: exp.split.folds }, (_, i) => i) : [null];
  const repeats = Array.from({ length: exp.repeats }, (_, i) => i);
  // Keys see the data by content, not by path (ts/experiment/identity.ts); the job keeps the path.
  const data = dataIdentity(exp.dataset);
  const identities = new Map(models.map((m) => [m, modelIdentity(m)]));
  return expandSubsets(exp.fractions).flatMap((subset) =>
    models.flatMap((model) =>
      trainings.flatMap((training) =>
        folds.flatMap((fold) =>
          repeats.map((repeat) => {
            const spec = {
              experiment: exp.name,
              dataset: exp.dataset,
              split: exp.split,
              fold,
              ...subset,
              n_train: knownTrainCount(exp, subset),
              model,
              training,
              repeat,
              seed: exp.seed + repeat,
            };
            return { key: jobKey({ ...spec, dataset: data, model: identities.get(model) }), ...spec };
          }),
        ),
      ),
    ),
  );
}
