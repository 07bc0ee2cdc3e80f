import { z } from 'zod';

/**
 * A Python object built by import path, as in MONAI bundle configs: `_target_` is a dotted path
 * (`monai.networks.nets.SegResNet`) or `module:function` for the user's own code on PYTHONPATH;
 * every other key is a constructor argument (resolved by `monai.bundle.ConfigParser`, so nested
 * `_target_` entries work too).
 */
export const TARGET_PATH = /^[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)*(:[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)*)?$/;

export const Target = z
  .object({
    _target_: z.string().regex(TARGET_PATH, 'an import path: package.module.Class, or module:function'),
  })
  .catchall(z.unknown());
export type Target = z.infer<typeof Target>;

/** The short name a target is shown under: its class or function (`SegResNet`, `build`). */
export const targetName = (path: string): string => path.split(/[.:]/).pop() as string;
