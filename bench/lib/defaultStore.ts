import { join } from 'node:path';
import { expandGrid } from '../../ts/experiment/grid';
import { loadExperiment } from '../../ts/experiment/load';
import type { Job } from '../../ts/experiment/job';
import { type Db, openDb } from '../../ts/store/db';
import { registerExperiment } from '../../ts/store/jobs';
import { storeResult } from '../../ts/store/results';

/**
 * A store as the default experiment leaves it (experiments/synthetic-2d.yaml: 3 depths × 20
 * fractions, 60 jobs) without the 4 minutes of training: every job done, its test Dice from a
 * pow-like curve through what the real run measured (README: depth 3 0.141 → 0.899, depth 4
 * 0.375 → 0.921, depth 5 0.134 → 0.900) plus a little seeded noise. For the start-up benchmark
 * and the fit-cache tests, where the answer's cost, not the training, is what is measured.
 */
const ENDS: Record<number, [number, number]> = { 3: [0.141, 0.899], 4: [0.375, 0.921], 5: [0.134, 0.9] };
const ROOT = join(import.meta.dirname, '..', '..');

/** Dice of a depth at a fraction: a − b·f^(−c) through the measured ends, and a deterministic wobble. */
export function defaultDice(depth: number, fraction: number, salt = 0): number {
  const [lo, hi] = ENDS[depth] ?? ENDS[3];
  const c = 0.9;
  const b = (hi - lo) / (0.05 ** -c - 1);
  const wobble = 0.006 * Math.sin(97 * fraction + 13 * depth + salt);
  return Math.min(0.99, Math.max(0.01, hi + b - b * fraction ** -c + wobble));
}

function metrics(j: Job, dice: number) {
  const depth = j.model.family === 'resunet' ? j.model.depth : 3;
  return {
    dice, iou: dice / (2 - dice), recall: Math.min(1, dice + 0.03), precision: Math.max(0, dice - 0.02), bce: 0.2, global_dice: dice,
    n_train: j.n_train, n_test: 100, epochs_run: 8, best_epoch: 8, train_seconds: 4, params: 100_000 * depth, flops: 1e8 * depth, throughput: 50, device: 'cpu',
  };
}

/** Writes (or finishes) a job's result with the Dice given. */
export function storeDice(db: Db, j: Job, dice: number): void {
  storeResult(db, j.key, { epochs: [{ epoch: 1, train_loss: 0.5, val_loss: 0.5, val_dice: dice, seconds: 0.5 }], metrics: [metrics(j, dice)] }, { worker: 'bench-w1', seconds: 4 });
}

/** The 60-job store, every job done. */
export function defaultExperimentStore(file: string): { db: Db; jobs: Job[] } {
  const exp = loadExperiment(join(ROOT, 'experiments', 'synthetic-2d.yaml'));
  const jobs = expandGrid(exp);
  const db = openDb(file);
  registerExperiment(db, exp, jobs);
  for (const j of jobs) storeDice(db, j, defaultDice(j.model.family === 'resunet' ? j.model.depth : 3, j.fraction ?? 1));
  return { db, jobs };
}

/**
 * A new result for a job already stored: its rows are taken back and the job stored again with
 * another Dice, as a retrained job would be; one curve of the store changes, the others do not.
 */
export function restoreWith(db: Db, j: Job, dice: number): void {
  db.transaction(() => {
    for (const t of ['epochs', 'metrics', 'cases', 'classes']) db.prepare(`DELETE FROM ${t} WHERE job = ?`).run(j.key);
    db.prepare(`UPDATE jobs SET status = 'queued' WHERE key = ?`).run(j.key);
  })();
  storeDice(db, j, dice);
}
