import type { ResultRow } from '../store/results';
import type { GridSize, Job, Run } from './study';
import { mean } from '../surrogate/random';

/**
 * A world: curves known at every grid size, replayed as if they were being trained, so a strategy
 * is scored in seconds instead of GPU-hours. Each model has, per size, the Dice of each seed and,
 * when replaying stored runs, the seconds each took; otherwise a job costs k·n·epochs.
 */
export interface WorldModel {
  model: string;
  depth: number | null;
  /** per grid size (in the order of `sizes`), the Dice of each seed */
  dice: number[][];
  /** per grid size and seed, the measured seconds (null where not measured: the cost model's estimate) */
  seconds?: (number | null)[][];
}

export interface World {
  name: string;
  sizes: GridSize[];
  nFull: number;
  models: WorldModel[];
  /** epochs a job runs, and its seconds per image·epoch, where seconds were not measured */
  epochs?: number;
  secondsPerImageEpoch?: number;
}

/** The seconds of training a model at size i, seed r. */
export function jobSeconds(w: World, m: WorldModel, i: number, r: number): number {
  return m.seconds?.[i]?.[r] ?? (w.secondsPerImageEpoch ?? 0.01) * w.sizes[i].n * (w.epochs ?? 1);
}

/** The full grid's cost: every model at every size, one seed. */
export const gridSeconds = (w: World) => w.models.reduce((t, m) => t + w.sizes.reduce((s, _, i) => s + jobSeconds(w, m, i, 0), 0), 0);

/** The world's answer to a job: the stored Dice of that seed at that size, with its cost. */
export function reveal(w: World, job: Job): Run {
  const m = w.models.find((x) => x.model === job.model);
  const i = w.sizes.findIndex((s) => s.n === job.n);
  if (!m || i < 0) throw new Error(`simulate: ${job.model} at n = ${job.n} is not in the world '${w.name}'`);
  const seeds = m.dice[i];
  if (job.repeat >= seeds.length) throw new Error(`simulate: ${job.model} at n = ${job.n} has ${seeds.length} seed(s); seed ${job.repeat + 1} asked`);
  return { model: job.model, n: job.n, dice: seeds[job.repeat], seconds: jobSeconds(w, m, i, job.repeat), epochs: w.epochs ?? 1 };
}

/** The true curve of a model: the mean over its seeds at each size. */
export const truth = (m: WorldModel) => m.dice.map(mean);

/** The true n for a target Dice: where the true curve first reaches it, interpolated in ln n; null if it never does. */
export function trueTargetN(w: World, m: WorldModel, target: number): number | null {
  const y = truth(m);
  const i = y.findIndex((v) => v >= target);
  if (i < 0) return null;
  if (i === 0) return w.sizes[0].n;
  const [a, b] = [Math.log(w.sizes[i - 1].n), Math.log(w.sizes[i].n)];
  return Math.exp(a + ((target - y[i - 1]) / (y[i] - y[i - 1])) * (b - a));
}

/**
 * A world from a stored experiment's finished runs: its models, its sizes (n_train, with the
 * fraction each was asked as), per cell the Dice and seconds of each seed (repeat). 100% is the
 * size asked as fraction 1, else the largest size over its fraction. Cells missing for a model
 * make the store unusable as a world: a replay must be able to reveal every job.
 */
export function worldFromRows(rows: Pick<ResultRow, 'model' | 'depth' | 'fraction' | 'n_train' | 'repeat' | 'dice' | 'seconds' | 'epochs_run'>[], name: string): World {
  const ns = [...new Set(rows.map((r) => r.n_train))].sort((a, b) => a - b);
  const fractionAt = new Map(rows.filter((r) => r.fraction !== null).map((r) => [r.n_train, r.fraction as number]));
  const last = ns[ns.length - 1];
  const nFull = fractionAt.has(last) ? Math.round(last / fractionAt.get(last)!) : last;
  const sizes = ns.map((n) => ({ n, fraction: fractionAt.get(n) ?? n / nFull }));
  const names = [...new Set(rows.map((r) => r.model))];
  const models = names.map((model) => {
    const mine = rows.filter((r) => r.model === model).sort((a, b) => a.repeat - b.repeat);
    const cell = (n: number) => mine.filter((r) => r.n_train === n);
    const missing = ns.filter((n) => !cell(n).length);
    if (missing.length) throw new Error(`${name}: ${model} has no run at n = ${missing.join(', ')}`);
    return { model, depth: mine[0].depth, dice: ns.map((n) => cell(n).map((r) => r.dice)), seconds: ns.map((n) => cell(n).map((r) => r.seconds)) };
  });
  const epochs = mean(rows.map((r) => r.epochs_run));
  return { name, sizes, nFull, models, epochs };
}
