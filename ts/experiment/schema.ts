import { z } from 'zod';
import { Dataset, datasetCount } from './dataset';
import { Fractions } from './fractions';
import { ModelEntry } from './model';
import { Training } from './training';

const Count = z.number().int().positive();

/** Fixed train / validation / test counts, drawn by a seeded permutation. */
export const Split = z.object({ train: Count, val: Count, test: Count }).strict();
export type Split = z.infer<typeof Split>;

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
  })
  .strict()
  .superRefine((e, ctx) => {
    const count = datasetCount(e.dataset);
    const need = e.split.train + e.split.val + e.split.test;
    if (count !== undefined && need > count) {
      ctx.addIssue({
        code: 'custom',
        path: ['split'],
        message: `train + val + test = ${need} exceeds the ${count} cases of dataset.count`,
      });
    }
  });
export type Experiment = z.infer<typeof Experiment>;
export type ExperimentInput = z.input<typeof Experiment>;
