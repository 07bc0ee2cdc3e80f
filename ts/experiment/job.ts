import { createHash } from 'node:crypto';
import { z } from 'zod';
import { Dataset } from './dataset';
import { ModelSpec } from './model';
import { Split } from './split';
import { JobTraining } from './training';

/** One training run of the grid, as sent to a worker. */
export const Job = z
  .object({
    key: z.string().regex(/^[0-9a-f]{16}$/),
    experiment: z.string(),
    dataset: Dataset,
    split: Split,
    fold: z.number().int().nonnegative().nullable().describe('cross-validation fold used for validation; null for a fixed split'),
    fraction: z.number().gt(0).lte(1).nullable().describe('fraction of the training pool, or null when `count` is set'),
    count: z.number().int().positive().nullable().describe('training images, or null when `fraction` is set'),
    n_train: z.number().int().positive().nullable().describe('training images when the spec alone says so; the trainer reports it always'),
    model: ModelSpec,
    training: JobTraining,
    repeat: z.number().int().nonnegative(),
    seed: z.number().int().nonnegative(),
  })
  .strict();
export type Job = z.infer<typeof Job>;

/** JSON with object keys sorted at every level: the same spec always gives the same bytes. */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

/** Content key: the first 16 hex digits of SHA-256 over the canonical spec (key excluded; the data set and the model as dataIdentity and modelIdentity give them). */
export function jobKey(spec: Omit<Job, 'key' | 'dataset' | 'model'> & { dataset: unknown; model: unknown }): string {
  return createHash('sha256').update(canonicalJson(spec)).digest('hex').slice(0, 16);
}
