import { z } from 'zod';
import { Target, TARGET_PATH, targetName } from './target';

const Depth = z.number().int().min(2).max(7);

/** U-Nets with a classification encoder, trained from scratch (the LV paper's families). */
export const ENCODER_FAMILIES = [
  'unet-vgg16', 'unet-vgg19',
  'unet-resnet18', 'unet-resnet34', 'unet-resnet50',
  ...(['b0', 'b1', 'b2', 'b3', 'b4', 'b5', 'b6', 'b7'] as const).map((b) => `unet-efficientnet-${b}` as const),
] as const;
export const EncoderFamily = z.enum(ENCODER_FAMILIES);

/** Residual U-Net (MONAI `UNet` with residual units); depth = number of resolution levels. */
export const ResUNetEntry = z
  .object({
    family: z.literal('resunet', { error: () => `unknown family; use resunet (with depths) or one of ${ENCODER_FAMILIES.join(', ')}` }),
    depths: z.array(Depth).min(1),
    channels: z.number().int().positive().default(16).describe('channels at the first level, doubled per level'),
    res_units: z.number().int().min(0).max(4).default(2),
  })
  .strict();

export const EncoderUNetEntry = z
  .object({
    family: z.union([EncoderFamily, z.array(EncoderFamily).min(1)]).describe('one family or a list of them'),
  })
  .strict();

/**
 * Any network by import path, MONAI bundle style: `{_target_: monai.networks.nets.SegResNet,
 * spatial_dims: 2, in_channels: 1, out_channels: 1}`; the other keys are the constructor's arguments.
 */
export const TargetModelEntry = z
  .object({
    _target_: z.string().regex(TARGET_PATH, 'an import path: package.module.Class, or module:function'),
    name: z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._-]*$/, 'letters, digits, ".", "_" and "-" only').optional().describe("shown in every view; default: the target's class"),
    pretrained: z.string().min(1).optional().describe('a state_dict file (torch.save) loaded before training'),
  })
  .catchall(z.unknown());

/** A MONAI bundle (model-zoo layout) trained by its own workflow on each job's cases. */
export const BundleEntry = z
  .object({
    bundle: z.string().min(1).describe("the bundle's folder (configs/, models/); relative to the experiment file"),
    config: z.string().min(1).default('configs/train.json').describe('its training config, inside the folder'),
    name: z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._-]*$/, 'letters, digits, ".", "_" and "-" only').optional().describe("default: the folder's name"),
  })
  .strict();

export const ModelEntry = z.union([ResUNetEntry, EncoderUNetEntry, TargetModelEntry, BundleEntry]);
export type ModelEntry = z.infer<typeof ModelEntry>;

/** One concrete network of the grid. */
export const ModelSpec = z.discriminatedUnion('family', [
  z.object({ name: z.string(), family: z.literal('resunet'), depth: Depth, channels: z.number().int().positive(), res_units: z.number().int().min(0).max(4) }).strict(),
  z.object({ name: z.string(), family: EncoderFamily }).strict(),
  z.object({ name: z.string(), family: z.literal('target'), target: Target, pretrained: z.string().optional() }).strict(),
  z.object({ name: z.string(), family: z.literal('bundle'), bundle: z.string(), config: z.string() }).strict(),
]);
export type ModelSpec = z.infer<typeof ModelSpec>;

export function expandModels(entry: ModelEntry): ModelSpec[] {
  if ('bundle' in entry) {
    const b = entry as z.infer<typeof BundleEntry>;
    return [{ name: b.name ?? (b.bundle.replace(/[/\\]+$/, '').split(/[/\\]/).pop() || 'bundle'), family: 'bundle', bundle: b.bundle, config: b.config }];
  }
  if ('_target_' in entry) {
    const { name, pretrained, ...target } = entry as z.infer<typeof TargetModelEntry>;
    return [{ name: name ?? targetName(target._target_), family: 'target', target, ...(pretrained === undefined ? {} : { pretrained }) }];
  }
  if (entry.family === 'resunet') {
    const e = entry as z.infer<typeof ResUNetEntry>;
    return e.depths.map((depth) => ({ name: `resunet-d${depth}`, family: 'resunet', depth, channels: e.channels, res_units: e.res_units }));
  }
  const families = Array.isArray(entry.family) ? entry.family : [entry.family];
  return families.map((family) => ({ name: family, family }));
}

/** Depth of a model where it has one (the residual U-Net's levels). */
export const modelDepth = (m: ModelSpec): number | null => (m.family === 'resunet' ? m.depth : null);

/**
 * What every spatial side of the input must be a multiple of (the trainer's `size_multiple`):
 * MONAI's decoders fix a one-pixel mismatch at most, so every halving must be exact.
 */
export const sizeMultiple = (m: ModelSpec): number =>
  m.family === 'resunet' ? 2 ** (m.depth - 1) : m.family === 'target' || m.family === 'bundle' ? 1 : 32; // the user's network is theirs to size
