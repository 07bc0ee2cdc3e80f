import { changedSettings } from '../experiment/changes';
import { trainCount } from '../experiment/fractions';
import type { Experiment } from '../experiment/schema';
import { UserError } from '../errors';
import { groupBy } from '../group';
import type { Job } from '../experiment/job';
import { modelDepth } from '../experiment/model';
import { type Db, now } from './db';
import { lockHolder, staleness } from './lock';

export type JobStatus = 'queued' | 'running' | 'done' | 'failed';

/**
 * Records an experiment and its grid, in one transaction. Stored jobs keep their status, so a
 * second run of the same file trains only what is not done; jobs left 'running' by a run that
 * died go back to the queue, and this grid's failed ones get another chance (other settings' jobs
 * stored under the name, with --merge, are left as they are).
 */
export function registerExperiment(db: Db, exp: Experiment, jobs: Job[], file?: string, o: { merge?: boolean } = {}): void {
  const stored = db.prepare(`SELECT spec FROM experiments WHERE name = ?`).get(exp.name) as { spec: string } | undefined;
  const changes = stored && !o.merge ? changedSettings(JSON.parse(stored.spec) as Experiment, exp) : [];
  if (changes.length) {
    throw new UserError(
      `experiment '${exp.name}' is stored with other settings (${changes.slice(0, 3).join('; ')}${changes.length > 3 ? `; ${changes.length - 3} more` : ''}): ` +
        `give this one a new name (e.g. --set name=${exp.name}-2), or pass --merge to store its runs beside the old ones`,
    );
  }
  const t = now();
  db.transaction(() => {
    db.prepare(
      `INSERT INTO experiments (name, file, spec, created_at, updated_at) VALUES (?, ?, ?, ?, ?)
       ON CONFLICT (name) DO UPDATE SET file = excluded.file, spec = excluded.spec, updated_at = excluded.updated_at`,
    ).run(exp.name, file ?? null, JSON.stringify(exp), t, t);
    const insert = db.prepare(
      `INSERT INTO jobs (key, experiment, position, spec, model, family, depth, fraction, count, n_train, fold, repeat, lr, weight_decay, seed)
       VALUES (@key, @experiment, @position, @spec, @model, @family, @depth, @fraction, @count, @n_train, @fold, @repeat, @lr, @weight_decay, @seed)
       ON CONFLICT (key) DO UPDATE SET position = excluded.position`,
    );
    jobs.forEach((job, position) =>
      insert.run({
        key: job.key,
        experiment: job.experiment,
        position,
        spec: JSON.stringify(job),
        model: job.model.name,
        family: job.model.family,
        depth: modelDepth(job.model),
        fraction: job.fraction,
        count: job.count,
        n_train: job.n_train,
        fold: job.fold,
        repeat: job.repeat,
        lr: job.training.lr,
        weight_decay: job.training.weight_decay,
        seed: job.seed,
      }),
    );
    // A job left 'running' was running under a run that is gone (this one holds the lock): queued again.
    db.prepare(`UPDATE jobs SET status = 'queued', worker = NULL WHERE experiment = ? AND status = 'running'`).run(exp.name);
    // A failed job gets another chance only when it is in this grid: under --merge (or a grid that
    // shrank) the jobs of other settings stay stored as they are, not trained again.
    db.prepare(
      `UPDATE jobs SET status = 'queued', worker = NULL WHERE experiment = ? AND status = 'failed' AND key IN (SELECT value FROM json_each(?))`,
    ).run(exp.name, JSON.stringify(jobs.map((j) => j.key)));
  })();
}

/**
 * Jobs of an experiment still to train, in grid order; with `keys`, only those of that grid (the
 * jobs of the settings run now: a merged experiment keeps its older settings' jobs beside them).
 */
export function pendingJobs(db: Db, experiment: string, keys?: readonly string[]): Job[] {
  const rows = db
    .prepare(`SELECT spec FROM jobs WHERE experiment = ? AND status != 'done' ${keys ? 'AND key IN (SELECT value FROM json_each(?))' : ''} ORDER BY position`)
    .all(experiment, ...(keys ? [JSON.stringify(keys)] : [])) as { spec: string }[];
  return rows.map((r) => JSON.parse(r.spec) as Job);
}

export function markRunning(db: Db, key: string, worker: string): void {
  db.prepare(
    `UPDATE jobs SET status = 'running', worker = ?, started_at = ?, attempts = attempts + 1 WHERE key = ? AND status != 'done'`,
  ).run(worker, now(), key);
}

/**
 * The torch threads job `key` runs with: the count stored when it first ran, else `fallback`, stored
 * now. Results can depend on the thread count, so a retried or resumed job must not change it.
 */
export function jobThreads(db: Db, key: string, fallback: number): number {
  db.prepare(`UPDATE jobs SET threads = ? WHERE key = ? AND threads IS NULL`).run(fallback, key);
  const row = db.prepare(`SELECT threads FROM jobs WHERE key = ?`).get(key) as { threads: number | null } | undefined;
  return row?.threads ?? fallback;
}

export function markQueued(db: Db, key: string, reason: string): void {
  db.prepare(`UPDATE jobs SET status = 'queued', worker = NULL, error = ? WHERE key = ? AND status != 'done'`).run(
    reason,
    key,
  );
}

export function markFailed(db: Db, key: string, error: string): void {
  db.prepare(
    `UPDATE jobs SET status = 'failed', finished_at = ?, error = ? WHERE key = ? AND status != 'done'`,
  ).run(now(), error, key);
}

export interface JobCounts {
  total: number;
  done: number;
  running: number;
  failed: number;
  queued: number;
}

export function jobCounts(db: Db, experiment?: string, keys?: readonly string[]): JobCounts {
  const where = [experiment ? 'experiment = ?' : '', keys ? 'key IN (SELECT value FROM json_each(?))' : ''].filter(Boolean);
  const rows = db
    .prepare(`SELECT status, COUNT(*) AS n FROM jobs ${where.length ? `WHERE ${where.join(' AND ')}` : ''} GROUP BY status`)
    .all(...(experiment ? [experiment] : []), ...(keys ? [JSON.stringify(keys)] : [])) as { status: JobStatus; n: number }[];
  const c: JobCounts = { total: 0, done: 0, running: 0, failed: 0, queued: 0 };
  for (const r of rows) {
    c[r.status] = r.n;
    c.total += r.n;
  }
  // A run killed outright (SIGKILL, a power cut) leaves its jobs 'running'; with no live run holding
  // the store, nothing is running: they are queued for the next run, and status says so at once.
  const holder = lockHolder(db);
  if (!holder || staleness(holder)) {
    c.queued += c.running;
    c.running = 0;
  }
  return c;
}

/** Whether every one of these job keys is stored as done: a rerun of a finished grid has nothing to train. */
export function allDone(db: Db, experiment: string, keys: readonly string[]): boolean {
  const done = new Set(db.prepare(`SELECT key FROM jobs WHERE experiment = ? AND status = 'done'`).pluck().all(experiment) as string[]);
  return keys.every((k) => done.has(k));
}

export function experimentNames(db: Db): string[] {
  return (db.prepare(`SELECT name FROM experiments ORDER BY updated_at DESC`).all() as { name: string }[]).map(
    (r) => r.name,
  );
}

/**
 * Each model's planned full training set (its 100%). On a grid of fractions, the training pool
 * that its jobs' sizes were cut from (trainCount(fraction, pool) = n_train for every job with a
 * known n_train): the 100% even where that job is not in the store, as in an adaptive study that
 * never chose it, or a cross-validated grid still running. On a grid of counts, the largest count.
 */
export function plannedFullN(db: Db, experiment: string): Map<string, number> {
  const rows = db.prepare('SELECT model, fold, fraction, n_train FROM jobs WHERE experiment = ? AND n_train IS NOT NULL').all(experiment) as PlannedRow[];
  return new Map([...groupBy(rows, (r) => r.model)].map(([model, rs]) => [model, fullOf(rs)]));
}

interface PlannedRow {
  model: string;
  fold: number | null;
  fraction: number | null;
  n_train: number;
}

/** One model's 100%: the largest of its folds' pools (cross-validation folds may differ by a case); the largest count on a grid of counts. */
function fullOf(rs: PlannedRow[]): number {
  const largest = Math.max(...rs.map((r) => r.n_train));
  if (rs.some((r) => r.fraction === null || r.fraction <= 0)) return largest;
  return Math.max(largest, ...[...groupBy(rs, (r) => r.fold).values()].map(poolOf));
}

/**
 * The pool a fold's sizes were cut from: of those every (fraction, n_train) agrees with, the nearest
 * to n / f of its largest fraction (one fraction, 50% of 180, agrees with 359 to 361: 360), else that.
 */
function poolOf(rs: PlannedRow[]): number {
  const top = rs.reduce((a, b) => (b.fraction! > a.fraction! ? b : a));
  const guess = top.n_train / top.fraction!;
  // n = round(f·pool) puts the pool within half an image of n / f, over f
  const lo = Math.floor((top.n_train - 0.5) / top.fraction!);
  const hi = Math.ceil((top.n_train + 0.5) / top.fraction!);
  const agree: number[] = [];
  for (let p = Math.max(1, lo); p <= hi; p++) if (rs.every((r) => trainCount(r.fraction!, p) === r.n_train)) agree.push(p);
  return agree.length ? agree.reduce((a, b) => (Math.abs(b - guess) < Math.abs(a - guess) ? b : a)) : Math.round(guess);
}
