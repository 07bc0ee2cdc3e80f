import type { Command } from 'commander';
import { checkedBefore, dataFingerprint, rememberChecked } from '../bridge/checked';
import type { BridgeArgument, BridgeCall, DataSummary } from '../bridge/contract';
import { UserError } from '../errors';
import type { Job } from '../experiment/job';
import type { Experiment } from '../experiment/schema';
import { table } from './format';
import { intIn } from './options';

// The experiment loader (yaml, zod) and the Python bridge (execa) load in the commands that use
// them, not when the CLI starts (issue 13).
const loadExperiment = async (file: string, set: string[]) => (await import('../experiment/load')).loadExperiment(file, set);
const callBridge = async <F extends BridgeCall>(fn: F, arg: BridgeArgument<F>, where: string) => (await import('../bridge/inprocess')).callBridge(fn, arg, where);

/**
 * Scans the whole data set with the worker's own loaders; every bad case is a UserError listing it.
 * Files unchanged since a check passed (names, sizes, mtimes) are not scanned again, and Python is not started.
 */
export async function checkData(exp: Experiment, file: string, progress = false): Promise<DataSummary> {
  const fingerprint = dataFingerprint(exp.dataset);
  let summary = checkedBefore<DataSummary>(fingerprint);
  if (!summary) {
    // with `progress`, the scan draws its count and time left on stderr when that is a terminal
    summary = await callBridge('check_dataset', { dataset: exp.dataset, progress }, `${file}: dataset`);
    rememberChecked(fingerprint, summary);
  }
  // The split against the cases found: a split larger than the data would fail every job.
  const { splitProblems } = await import('../experiment/schema');
  const problems = splitProblems(exp, summary.cases, `the data set has ${summary.cases}`);
  if (problems.length) throw new UserError(`${file}: ${problems.map((p) => `${p.path.join('.')}: ${p.message}`).join('; ')}`);
  return summary;
}

/** Every `_target_` entry and bundle of an experiment by the field it is written in (none: an empty object). */
export async function targetsOf(exp: Experiment): Promise<Record<string, unknown>> {
  const { expandModels } = await import('../experiment/model');
  const out: Record<string, unknown> = {};
  exp.models.flatMap(expandModels).forEach((m) => {
    if (m.family === 'target') out[`models ${m.name}`] = m.target;
    if (m.family === 'bundle') out[`models ${m.name}`] = { bundle: m.bundle, config: m.config };
  });
  for (const field of ['loss', 'optimizer', 'scheduler'] as const) {
    if (typeof exp.training[field] === 'object') out[`training.${field}`] = exp.training[field];
  }
  const t = 'transforms' in exp.dataset ? exp.dataset.transforms : undefined;
  if (t?.train.length) out['dataset.transforms.train'] = t.train;
  if (t?.eval.length) out['dataset.transforms.eval'] = t.eval;
  return out;
}

/**
 * One job per model of the grid (its first, in grid order), with the field of the experiment its
 * model was written in (`models[0]`); bundles aside (their own workflow builds them).
 */
export async function jobsToTry(exp: Experiment, jobs: readonly Job[]): Promise<{ field: string; job: Job }[]> {
  const { expandModels } = await import('../experiment/model');
  const fieldOf = new Map<string, string>();
  exp.models.forEach((entry, i) => expandModels(entry).forEach((m) => fieldOf.set(m.name, `models[${i}]`)));
  const first = new Map<string, Job>();
  for (const j of jobs) if (j.model.family !== 'bundle' && !first.has(j.model.name)) first.set(j.model.name, j);
  return [...first.values()].map((job) => ({ field: fieldOf.get(job.model.name) ?? `models ${job.model.name}`, job }));
}

/**
 * Every `_target_` must import and take its arguments, every bundle have its config (checked in
 * Python, without building anything): a typo is exit 2 before training. Given the grid's `jobs`
 * (plateau run), each model's first job is then tried on one case of the data (py/plateau/preflight.py:
 * the transforms, the network built once with its pretrained weights, one forward pass on the CPU,
 * no training), in the same short Python call, so a network, transform or weights file that would
 * fail every job is exit 2 naming its field before anything is stored. An experiment with nothing
 * of the user's in it (no `_target_`, no transforms, no bundle) starts no Python here.
 */
export async function checkTargets(exp: Experiment, file: string, jobs?: readonly Job[]): Promise<void> {
  const targets = await targetsOf(exp);
  if (Object.keys(targets).length === 0) return; // nothing to import: no Python started
  const tried = jobs ? await jobsToTry(exp, jobs) : [];
  const { problems } = tried.length
    ? await callBridge('check_run', { targets, jobs: tried }, `${file}: _target_`)
    : await callBridge('check_targets', targets, `${file}: _target_`);
  if (problems.length) throw new UserError(`${file}: ${problems.join('; ')}`);
}

/** Synthetic data sets are generated, so there is nothing on disk to check. */
export const hasFiles = (exp: Experiment) => !exp.dataset.kind.startsWith('synthetic');

const collect = (v: string, all: string[]) => [...all, v];

export function registerData(program: Command): void {
  const data = program.command('data').description('the data set of an experiment');
  data
    .command('check')
    .description('scan the whole data set with the trainer\'s loaders: a summary, or every bad case by path')
    .argument('<experiment>', 'experiment YAML file')
    .option('--set <field=value>', 'override a field, e.g. dataset.root=/data/Kvasir-SEG (repeatable)', collect, [])
    .option('--json', 'machine-readable output')
    .action(async (file: string, o) => {
      const exp = await loadExperiment(file, o.set);
      const s = await checkData(exp, file, !o.json);
      if (o.json) return console.log(JSON.stringify(s, null, 2));
      console.log(`${s.root ?? exp.dataset.kind}: ${s.cases} cases, ${s.patients} patients, ${s.kind}`);
      if (s.shape) console.log(`input shape (channels, spatial): ${s.shape.join(' × ')}`);
      if (s.sizes) console.log(`original sizes: ${s.sizes.min.join('×')} .. ${s.sizes.max.join('×')}`);
      if (s.foreground_fraction !== null) console.log(`foreground fraction: ${(s.foreground_fraction * 100).toFixed(2)}%`);
    });

  program
    .command('models')
    .description("each model's parameters, FLOPs and inference throughput at the data set's input size, before training")
    .argument('<experiment>', 'experiment YAML file')
    .option('--set <field=value>', 'override a field (repeatable)', collect, [])
    .option('--threads <n>', "torch threads (default: what each of 'plateau run''s two default workers gets, cores / 2)", intIn('--threads', 1, 1024))
    .option('--json', 'machine-readable output')
    .action(async (file: string, o) => {
      const exp = await loadExperiment(file, o.set);
      const { expandModels } = await import('../experiment/model');
      const models = exp.models.flatMap(expandModels);
      const r = await callBridge('model_costs', { dataset: exp.dataset, models, threads: o.threads, progress: !o.json }, `${file}: models`);
      if (o.json) return console.log(JSON.stringify(r, null, 2));
      console.log(`input ${r.input_shape.join(' × ')} (channels, spatial)`);
      console.log(table(['model', 'params', 'GFLOPs', 'images/s', 'quartiles'], r.models.map((m) => [m.model, m.params, (m.flops / 1e9).toFixed(3), m.throughput.toFixed(1), `${m.throughput_q1.toFixed(1)}–${m.throughput_q3.toFixed(1)}`])));
      console.log(`images/s: the median of at least 20 timed passes of batch 1 (and of one second of them) after a warm-up, on ${r.threads} torch thread(s); quartiles show the spread`);
    });
}
