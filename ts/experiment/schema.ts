import { z } from 'zod';
import { Dataset, datasetCount, spatialSides } from './dataset';
import { Fractions } from './fractions';
import { expandModels, ModelEntry, sizeMultiple } from './model';
import { isCrossValidation, partCount, Split } from './split';
import { Training } from './training';

export { Split } from './split';

/**
 * What a split and count subsets need beyond `count` cases (`has` says where that count is from):
 * known from the spec for generated data, from the data check for files.
 */
export function splitProblems(e: { split: Split; fractions: Fractions }, count: number, has: string): { path: string[]; message: string }[] {
  const s = e.split;
  const problems: { path: string[]; message: string }[] = [];
  const need = isCrossValidation(s) ? partCount(s.holdout, count) + s.folds : partCount(s.train, count) + partCount(s.val, count) + partCount(s.test, count);
  if (need > count) problems.push({ path: ['split'], message: `the split needs ${need} cases but ${has}` });
  if ('counts' in e.fractions && !isCrossValidation(s)) {
    const pool = partCount(s.train, count);
    const over = e.fractions.counts.filter((c) => c > pool);
    if (over.length) problems.push({ path: ['fractions', 'counts'], message: `${over.join(', ')} exceed the ${pool} training cases` });
  }
  return problems;
}

/** An experiment file (`experiments/*.yaml`). */
export const Experiment = z
  .object({
    name: z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._-]*$/, 'letters, digits, ".", "_" and "-" only'),
    description: z.string().optional(),
    dataset: Dataset,
    split: Split,
    fractions: Fractions,
    models: z.array(ModelEntry).min(1),
    training: Training,
    seed: z.number().int().nonnegative().default(0),
    repeats: z.number().int().min(1).max(100).default(1).describe('each configuration under this many seeds (seed, seed+1, …)'),
  })
  .strict()
  .superRefine((e, ctx) => {
    // Views group runs by model name: two networks under one name would merge their curves.
    const names = e.models.flatMap(expandModels).map((m) => m.name);
    const twice = [...new Set(names.filter((name, i) => names.indexOf(name) !== i))];
    if (twice.length) {
      ctx.addIssue({ code: 'custom', path: ['models'], message: `${twice.join(', ')} named more than once (a depth listed twice, or two entries of one name); list each depth once and give each entry a distinct name` });
    }
    if (e.training.activation === 'softmax' && 'classes' in e.dataset && e.dataset.classes) {
      const seen = Object.values(e.dataset.classes).flat();
      if (new Set(seen).size !== seen.length) {
        ctx.addIssue({ code: 'custom', path: ['training', 'activation'], message: 'softmax gives each pixel one class, but dataset.classes share labels (regions): use sigmoid' });
      }
    }
    const sides = spatialSides(e.dataset);
    for (const m of e.models.flatMap(expandModels)) {
      const k = sizeMultiple(m);
      if (sides?.some((s) => s % k !== 0)) {
        const field = 'crop' in e.dataset ? 'crop' : 'size';
        ctx.addIssue({ code: 'custom', path: ['dataset', field], message: `${m.name} needs sides that are multiples of ${k}; got ${sides.join('x')}` });
        break;
      }
    }
    const count = datasetCount(e.dataset);
    if (count === undefined) return;
    for (const p of splitProblems(e, count, `dataset.count is ${count}`)) ctx.addIssue({ code: 'custom', ...p });
  });
export type Experiment = z.infer<typeof Experiment>;
export type ExperimentInput = z.input<typeof Experiment>;
