import { z } from 'zod';

/** Residual U-Net (MONAI `UNet` with residual units); depth = number of resolution levels. */
export const ResUNetEntry = z
  .object({
    family: z.literal('resunet'),
    depths: z.array(z.number().int().min(2).max(7)).min(1),
    channels: z.number().int().positive().default(16).describe('channels at the first level, doubled per level'),
    res_units: z.number().int().min(0).max(4).default(2),
  })
  .strict();

export const ModelEntry = z.discriminatedUnion('family', [ResUNetEntry]);
export type ModelEntry = z.infer<typeof ModelEntry>;

/** One concrete network of the grid. */
export const ModelSpec = z
  .object({
    name: z.string(),
    family: z.literal('resunet'),
    depth: z.number().int().min(2).max(7),
    channels: z.number().int().positive(),
    res_units: z.number().int().min(0).max(4),
  })
  .strict();
export type ModelSpec = z.infer<typeof ModelSpec>;

export function expandModels(entry: ModelEntry): ModelSpec[] {
  return entry.depths.map((depth) => ({
    name: `${entry.family}-d${depth}`,
    family: entry.family,
    depth,
    channels: entry.channels,
    res_units: entry.res_units,
  }));
}
