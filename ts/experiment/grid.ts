import { expandFractions, trainCount } from './fractions';
import { type Job, jobKey } from './job';
import { expandModels } from './model';
import type { Experiment } from './schema';

/** Every (fraction × model) job of an experiment, smallest fractions first, each with its key. */
export function expandGrid(exp: Experiment): Job[] {
  const models = exp.models.flatMap(expandModels);
  return expandFractions(exp.fractions).flatMap((fraction) =>
    models.map((model) => {
      const spec = {
        experiment: exp.name,
        dataset: exp.dataset,
        split: exp.split,
        fraction,
        n_train: trainCount(fraction, exp.split.train),
        model,
        training: exp.training,
        seed: exp.seed,
      };
      return { key: jobKey(spec), ...spec };
    }),
  );
}
