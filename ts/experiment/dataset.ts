import { z } from 'zod';

/** MONAI's `create_test_image_2d`: seeded random circles on noise, a known foreground. */
export const Synthetic2D = z
  .object({
    kind: z.literal('synthetic-2d'),
    count: z.number().int().positive().describe('images generated'),
    size: z.number().int().min(16).max(1024).describe('image side in pixels'),
    objects: z.number().int().positive().default(6).describe('circles per image'),
    radius_max: z.number().int().positive().default(12),
    noise: z.number().min(0).max(1).default(0.5).describe('uniform noise amplitude'),
    seed: z.number().int().nonnegative().default(0),
  })
  .strict();

/** Data sets by `kind`; the trainer has one loader per member. */
export const Dataset = z.discriminatedUnion('kind', [Synthetic2D]);
export type Dataset = z.infer<typeof Dataset>;

/** Number of cases a data set holds, where the spec alone says so. */
export function datasetCount(d: Dataset): number | undefined {
  return d.kind === 'synthetic-2d' ? d.count : undefined;
}
