import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { execa } from 'execa';
import type { ExperimentInput } from '../../ts/experiment/schema';
import { Experiment } from '../../ts/experiment/schema';

export const ROOT = resolve(import.meta.dirname, '../..');
export const tmp = (prefix = 'plateau-') => mkdtempSync(join(tmpdir(), prefix));
export const PYTHON = process.env.PLATEAU_PYTHON ?? join(ROOT, '.venv', 'bin', 'python');

/** A tiny experiment: 32-pixel images, one epoch; trains in about a second a job. */
export function tinySpec(over: Partial<ExperimentInput> = {}): ExperimentInput {
  return {
    name: 'tiny',
    dataset: { kind: 'synthetic-2d', count: 40, size: 32, objects: 3, radius_max: 6, noise: 0.3, seed: 1 },
    split: { train: 24, val: 8, test: 8 },
    fractions: [0.5, 1],
    models: [{ family: 'resunet', depths: [2, 3], channels: 4, res_units: 1 }],
    training: { epochs: 1, batch_size: 8, lr: 0.01 },
    seed: 3,
    ...over,
  };
}

export const tiny = (over: Partial<ExperimentInput> = {}) => Experiment.parse(tinySpec(over));

/** Runs the real CLI (bin/plateau) as a user would. */
export function cli(args: string[], env: Record<string, string> = {}) {
  return execa(join(ROOT, 'bin', 'plateau'), args, { reject: false, env: { NO_COLOR: '1', ...env }, cwd: ROOT, timeout: 300_000 });
}

/** A Kvasir-SEG-like folder: `images/*.jpg` and `masks/*.jpg`, a bright disc on noise, written with Pillow. */
export async function writeImageFolder(root: string, n: number, opts: { dropMask?: string; badFile?: string } = {}) {
  const code = `
import sys, numpy as np
from pathlib import Path
from PIL import Image
root, n = Path(sys.argv[1]), int(sys.argv[2])
(root / "images").mkdir(parents=True); (root / "masks").mkdir(parents=True)
rng = np.random.default_rng(0)
for i in range(n):
    yy, xx = np.mgrid[:40, :48]
    cy, cx, r = rng.integers(12, 28), rng.integers(12, 36), rng.integers(5, 10)
    disc = (yy - cy) ** 2 + (xx - cx) ** 2 < r * r
    img = np.clip(rng.normal(60, 20, (40, 48, 3)) + disc[..., None] * 120, 0, 255).astype(np.uint8)
    Image.fromarray(img).save(root / "images" / f"case{i:03d}.jpg")
    Image.fromarray((disc * 255).astype(np.uint8)).save(root / "masks" / f"case{i:03d}.jpg")
`;
  await execa(PYTHON, ['-c', code, root, String(n)]);
  if (opts.dropMask) await execa('rm', [join(root, 'masks', opts.dropMask)]);
  if (opts.badFile) writeFileSync(join(root, 'images', opts.badFile), 'not an image');
}
