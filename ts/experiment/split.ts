import { z } from 'zod';

/** A count (integer ≥ 1) or a ratio of the data set (0 < r < 1). */
const Part = z.number().positive().refine((v) => v < 1 || Number.isInteger(v), 'a count (integer) or a ratio below 1');

/** Fixed train / validation / test parts (Kvasir 700/100/200, BraTS 258/37/74), drawn by patient. */
export const FixedSplit = z.object({ train: Part, val: Part, test: Part }).strict();

/** k-fold cross-validation on a development set, with a separate holdout test set (the LV paper: 0.2, 5). */
export const CrossValidation = z
  .object({ holdout: Part.describe('holdout test part'), folds: z.number().int().min(2).max(20) })
  .strict();

export const Split = z.union([FixedSplit, CrossValidation]);
export type Split = z.infer<typeof Split>;

export const isCrossValidation = (s: Split): s is z.infer<typeof CrossValidation> => 'folds' in s;

/** The size of a part given the data set size (ratios rounded, as the trainer does). */
export const partCount = (part: number, total: number) => (part < 1 ? Math.round(part * total) : part);
