import { mkdtempSync } from 'node:fs';
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
