import type { RunSummary } from '../dispatch/run';
import { UserError } from '../errors';
import type { Job as GridJob } from '../experiment/job';
import { modelDepth } from '../experiment/model';
import type { Experiment } from '../experiment/schema';
import type { Db } from '../store/db';
import { registerExperiment } from '../store/jobs';
import { resultRows } from '../store/results';
import { saveChoices, saveSettings, saveStop, studyRecord } from '../store/study';
import { nextJobs } from './choose';
import type { Run, StrategyOptions, Study } from './study';

/**
 * An adaptive study on the dispatcher: jobs chosen by `nextJobs` whenever a worker is free, each
 * batch registered in the store (the grid's own jobs, with their content keys, so a grid and a study
 * on one store share results) and trained on workers started once for the whole study; the study is
 * rebuilt from the store before every choice, so an interrupted study resumes where it was.
 */
const cell = (model: string, n: number, repeat: number) => `${model}|${n}|${repeat}`;

/**
 * The study's name for a job's model: the model, with the learning rate and weight decay where the
 * grid varies them, so each setting is a curve of its own (chosen over like another model).
 */
function labeller(grid: GridJob[]): (j: GridJob) => string {
  const varies = (f: (j: GridJob) => unknown) => new Set(grid.map(f)).size > 1;
  const lr = varies((j) => j.training.lr);
  const wd = varies((j) => j.training.weight_decay);
  return (j) => `${j.model.name}${lr ? ` lr=${j.training.lr}` : ''}${wd ? ` wd=${j.training.weight_decay}` : ''}`;
}

/**
 * The grid as a study: its models (one per learning rate × weight decay where those vary) and
 * sizes, and the runs of its jobs already in the store. Cross-validation folds count as further
 * seeds at a size: fold f of repeat r is seed r·folds + f, so the starting ladder trains one fold and
 * the strategy asks for another only where it narrows the answer.
 */
export function studyOf(db: Db, exp: Experiment, grid: GridJob[]): { study: Study; jobs: Map<string, GridJob> } {
  const label = labeller(grid);
  const folds = [...new Set(grid.map((j) => j.fold ?? 0))].sort((a, b) => a - b);
  const seed = (j: GridJob) => j.repeat * folds.length + folds.indexOf(j.fold ?? 0);
  const jobs = new Map<string, GridJob>();
  for (const j of grid) {
    if (j.n_train === null) throw new UserError(`an adaptive study needs each job's training size from the spec; ${j.model.name} at ${j.fraction ?? j.count} has none (give the split as counts)`);
    jobs.set(cell(label(j), j.n_train, seed(j)), j);
  }
  const models = [...new Map(grid.map((j) => [label(j), { model: label(j), depth: modelDepth(j.model) }])).values()];
  const sizes = [...new Map(grid.map((j) => [j.n_train as number, { fraction: j.fraction ?? (j.n_train as number) / Math.max(...grid.map((g) => g.n_train as number)), n: j.n_train as number }])).values()].sort((a, b) => a.n - b.n);
  const byKey = new Map(grid.map((j) => [j.key, j]));
  const runs: Run[] = resultRows(db, exp.name)
    .filter((r) => byKey.has(r.key))
    .map((r) => ({ model: label(byKey.get(r.key)!), n: r.n_train, dice: r.dice, seconds: r.seconds ?? undefined, epochs: r.epochs_run }));
  return { study: { models, sizes, nFull: sizes[sizes.length - 1].n, runs }, jobs };
}

export interface AdaptiveResult {
  reason: string;
  trained: number;
  failed: number;
  /** choice batches of this run: the starting one, then one per time the strategy was asked and chose */
  waves: number;
  seconds: number;
}

/**
 * Trains the study on one set of workers: `first` at once, then whatever `more` gives when a worker
 * is free or a job ends (with the jobs queued or in flight), until it gives none with nothing unfinished.
 */
export type Trainer = (first: GridJob[], more: (idle: number, unfinished: GridJob[]) => Promise<GridJob[]>) => Promise<RunSummary>;

/**
 * Runs the study: `train` runs the dispatcher once (workers, broker, store) and asks for jobs as
 * workers come free, and `say` reports each choice and the stop. Each question rebuilds the study
 * from the store and counts the jobs still in flight as pending (fantasies at the forecast), so no
 * job waits for the slowest of a wave and the workers start once. A job that fails is not chosen
 * again in this run.
 */
export async function runAdaptive(
  db: Db, exp: Experiment, grid: GridJob[], file: string, workers: number, o: StrategyOptions,
  train: Trainer, say: (line: string) => void,
): Promise<AdaptiveResult> {
  const chosenKeys = new Set<string>();
  // A study stopped mid-run (a signal, a kill) resumes where it was: its batches go on numbering, and
  // the jobs it had chosen and not stored are trained first, as chosen (not chosen a second time).
  const before = studyRecord(db, exp.name)?.choices ?? [];
  const firstWave = Math.max(0, ...before.map((c) => c.wave));
  let wave = firstWave;
  let reason = 'no candidates remain';
  registerExperiment(db, exp, [], file);
  const notDone = new Set((db.prepare(`SELECT key FROM jobs WHERE experiment = ? AND status != 'done'`).all(exp.name) as { key: string }[]).map((r) => r.key));
  const byKey = new Map(grid.map((j) => [j.key, j]));
  const carried = [...new Map(before.filter((c) => notDone.has(c.key) && byKey.has(c.key)).map((c) => [c.key, c])).values()];
  saveSettings(db, exp.name, { target_dice: o.targetDice ?? null, precision: o.precision ?? null, budget: o.budget ?? null });
  const choose = async (count: number, unfinished: GridJob[]): Promise<GridJob[]> => {
    const { study, jobs } = studyOf(db, exp, grid);
    const stored = new Set(resultRows(db, exp.name).map((r) => r.key));
    const open = new Set(unfinished.map((j) => j.key));
    // chosen in this run, neither stored nor unfinished: it failed
    const failedKeys = new Set([...chosenKeys].filter((k) => !stored.has(k) && !open.has(k)));
    // jobs in flight count as pending (at the forecast); failed ones too: never chosen again
    const pending = [...jobs.entries()].filter(([, j]) => failedKeys.has(j.key) || open.has(j.key)).map(([c, j]) => {
      const [model, n, repeat] = c.split('|');
      return { model, fraction: j.fraction ?? 1, n: Number(n), repeat: Number(repeat) };
    });
    const decisions = await nextJobs({ ...study, pending }, Math.max(1, count), o);
    const chosen = decisions.flatMap((d) => {
      if (d.action !== 'train') return [];
      const job = jobs.get(cell(d.job.model, d.job.n, d.job.repeat));
      return job && !failedKeys.has(job.key) && !open.has(job.key) ? [{ job, model: d.job.model, reason: d.reason }] : [];
    });
    if (!chosen.length) {
      // with jobs in flight this is a wait (asked again when one ends); with none, the stop
      if (!open.size) reason = decisions.find((d) => d.action !== 'train')?.reason.replace(/; waiting for \d+ job\(s\) in flight, which may change it$/, '') ?? reason;
      return [];
    }
    wave++;
    registerExperiment(db, exp, chosen.map((c) => c.job), file);
    saveChoices(db, exp.name, wave, chosen.map((c) => ({ key: c.job.key, model: c.model, n_train: c.job.n_train, reason: c.reason })));
    for (const c of chosen) {
      chosenKeys.add(c.job.key);
      say(`wave ${wave}: ${c.reason}`);
    }
    return chosen.map((c) => c.job);
  };
  for (const c of carried) {
    chosenKeys.add(c.key);
    say(`wave ${c.wave} (resumed): ${c.reason}`);
  }
  const first = carried.length ? carried.map((c) => byKey.get(c.key)!) : await choose(workers, []);
  const s = first.length ? await train(first, choose) : { done: 0, failed: 0, seconds: 0 };
  saveStop(db, exp.name, { reason, trained: s.done, seconds: s.seconds });
  say(`study stopped: ${reason}`);
  return { reason, trained: s.done, failed: s.failed, waves: wave - firstWave, seconds: s.seconds };
}
