import { z } from 'zod';

/** How each job trains: the papers use BCE and Adam (weight decay = the L2 term). */
export const Training = z
  .object({
    loss: z.enum(['bce']).default('bce'),
    optimizer: z.literal('adam').default('adam'),
    lr: z.number().positive().default(1e-3),
    weight_decay: z.number().nonnegative().default(0),
    epochs: z.number().int().positive(),
    batch_size: z.number().int().positive().default(8),
  })
  .strict();
export type Training = z.infer<typeof Training>;
