import { z } from 'zod';
import { Target } from './target';

const Positive = z.number().positive();
const NonNegative = z.number().nonnegative();
/** A value, or a list of values that becomes an axis of the grid (the LV paper's lr × L2). */
const OneOrMany = <T extends z.ZodNumber>(t: T) => z.union([t, z.array(t).min(1)]);

const common = {
  loss: z
    .union([z.enum(['bce', 'dice', 'dicece']), Target])
    .default('bce')
    .describe('bce = the papers; dice / dicece = MONAI DiceLoss / DiceCELoss; or any loss by _target_, called on (logits, labels)'),
  optimizer: z
    .union([z.enum(['adam', 'sgd']), Target])
    .default('adam')
    .describe("sgd = nnU-Net's (momentum 0.99, Nesterov); or an optimizer by _target_ (training.lr and weight_decay are passed to it)"),
  // Optional, not defaulted: a new field with a default would change every stored job's key.
  scheduler: z
    .union([z.literal('poly'), Target])
    .optional()
    .describe("learning rate per epoch: poly = nnU-Net's lr·(1 − epoch/epochs)^0.9; or a scheduler by _target_ (the optimizer is passed to it, stepped once an epoch)"),
  activation: z
    .enum(['sigmoid', 'softmax'])
    .optional()
    .describe('how outputs become labels: sigmoid = one output per class, each on its own (default; regions may overlap); softmax = a background output first, each pixel one class (classes must not share labels)'),
  epochs: z.number().int().positive().describe('maximum epochs'),
  patience: z.number().int().positive().optional().describe('early stopping: epochs without a better validation loss; the best weights are restored before testing'),
  batch_size: z.number().int().positive().default(8),
  amp: z.boolean().default(true).describe('mixed precision, used only on CUDA'),
};

/** How each job trains, as written in an experiment: lr and weight_decay may be lists (grid axes). */
export const Training = z
  .object({ ...common, lr: OneOrMany(Positive).default(1e-3), weight_decay: OneOrMany(NonNegative).default(0).describe('Adam weight decay = the L2 term') })
  .strict();
export type Training = z.infer<typeof Training>;

/** How one job trains: every value fixed. */
export const JobTraining = z.object({ ...common, lr: Positive, weight_decay: NonNegative }).strict();
export type JobTraining = z.infer<typeof JobTraining>;

const list = (v: number | number[]) => (Array.isArray(v) ? v : [v]);

/** Every (lr × weight_decay) setting of a training block. */
export function expandTraining(t: Training): JobTraining[] {
  return list(t.lr).flatMap((lr) => list(t.weight_decay).map((weight_decay) => ({ ...t, lr, weight_decay })));
}
