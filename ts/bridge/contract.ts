import { z } from 'zod';
import { Dataset } from '../experiment/dataset';
import { Job } from '../experiment/job';
import { ModelSpec } from '../experiment/model';

/**
 * The short in-process calls into `plateau.bridge` (inprocess.ts, through pythonia): each call's
 * argument and answer. `schemas/bridge.json` is generated from these; Python checks each argument
 * against it before the call, and the answer is parsed here, so neither side restates the other's
 * types. Every call may answer `{error}` instead: a sentence the user can act on (exit 2).
 */

/** `_target_` entries and bundles by the field of the experiment they are written in (`models[0]`, `training.loss`). */
const Targets = z.record(z.string(), z.unknown());
const Problems = z.object({ problems: z.array(z.string()) });

/** What `plateau data check` reports (py/plateau/data/check.py: check_dataset); null where no case says. */
export const DataSummary = z.object({
  kind: z.string(),
  root: z.string().nullable(),
  cases: z.int().nonnegative(),
  patients: z.int().nonnegative(),
  channels: z.int().nullable(),
  spatial_dims: z.int(),
  /** one case as loaded, channels first */
  shape: z.array(z.int()).nullable(),
  /** the original spatial sizes, min and max per axis */
  sizes: z.object({ min: z.array(z.number()), max: z.array(z.number()) }).nullable(),
  foreground_fraction: z.number().nullable(),
  empty_masks: z.int().nonnegative(),
  /** [where, what] per bad case: empty in an answer (a data set with problems answers `{error}`) */
  problems: z.array(z.tuple([z.string(), z.string()])),
});
export type DataSummary = z.infer<typeof DataSummary>;

/** One network's cost at the data set's input size (py/plateau/complexity.py: model_cost). */
export const ModelCost = z.object({
  model: z.string(),
  params: z.int().nonnegative(),
  flops: z.number().nonnegative(),
  /** images/s: the median of `passes` timed forward passes, with the quartiles */
  throughput: z.number(),
  throughput_q1: z.number(),
  throughput_q3: z.number(),
  passes: z.int().positive(),
});
export type ModelCost = z.infer<typeof ModelCost>;

export const BridgeCalls = {
  /** the whole data set scanned with the worker's loaders; `progress` draws a count on a terminal */
  check_dataset: { argument: z.object({ dataset: Dataset, progress: z.boolean().optional() }), answer: DataSummary },
  /** every `_target_` imports and takes its arguments, every bundle can train: nothing built */
  check_targets: { argument: Targets, answer: Problems },
  /** check_targets, then each model's first job tried on one case (py/plateau/preflight.py) */
  check_run: { argument: z.object({ targets: Targets, jobs: z.array(z.object({ field: z.string(), job: Job })) }), answer: Problems },
  /** parameters, FLOPs and throughput of each model at the data set's input size, before training */
  model_costs: {
    argument: z.object({ dataset: Dataset, models: z.array(ModelSpec), threads: z.int().positive().optional(), runs: z.int().positive().optional(), progress: z.boolean().optional() }),
    answer: z.object({ input_shape: z.array(z.int()), threads: z.int().positive(), models: z.array(ModelCost) }),
  },
} as const;

export type BridgeCall = keyof typeof BridgeCalls;
export type BridgeArgument<F extends BridgeCall> = z.input<(typeof BridgeCalls)[F]['argument']>;
export type BridgeAnswer<F extends BridgeCall> = z.output<(typeof BridgeCalls)[F]['answer']>;

/** The answer of any call whose error the user can act on. */
export const BridgeError = z.object({ error: z.string() });
