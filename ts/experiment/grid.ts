import { datasetCount } from './dataset';
import { expandSubsets, type Subset, trainCount } from './fractions';
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

/**
 * Every job of an experiment: subsets × models × (lr × weight decay) × folds × repeats, smallest
 * subsets first, each with its content key.
 */
export function expandGrid(exp: Experiment): Job[] {
  const models = exp.models.flatMap(expandModels);
  const trainings = expandTraining(exp.training);
  const folds = isCrossValidation(exp.split) ? Array.from({ length: exp.split.folds }, (_, i) => i) : [null];
  const repeats = Array.from({ length: exp.repeats }, (_, i) => i);
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
            return { key: jobKey(spec), ...spec };
          }),
        ),
      ),
    ),
  );
}
