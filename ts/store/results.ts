import { UserError } from '../errors';
import type { Db } from './db';
import { now } from './db';
import { type Column, TABLES } from '../protocol/tables';

export type Row = Record<string, number | string | null>;

const columnNames = (name: keyof typeof TABLES) => (TABLES[name] as readonly Column[]).map((c) => c.name);

/**
 * Stores a job's tables and marks it done, all in one transaction: a crash leaves either the
 * whole result or nothing. A result for a job already done is ignored (keys make writes idempotent).
 * Returns false when ignored.
 */
export function storeResult(
  db: Db,
  key: string,
  tables: { epochs: Row[]; metrics: Row[]; cases?: Row[]; classes?: Row[] },
  meta: { worker: string; seconds: number | null },
): boolean {
  return db.transaction(() => {
    const job = db.prepare(`SELECT status FROM jobs WHERE key = ?`).get(key) as { status: string } | undefined;
    if (!job) throw new Error(`result for unknown job ${key}`);
    if (job.status === 'done') return false;
    for (const name of ['epochs', 'metrics', 'cases', 'classes'] as const) {
      const cols = columnNames(name);
      const insert = db.prepare(
        `INSERT INTO ${name} (job, ${cols.join(', ')}) VALUES (@job, ${cols.map((c) => `@${c}`).join(', ')})`,
      );
      for (const row of tables[name] ?? []) insert.run({ job: key, ...Object.fromEntries(cols.map((c) => [c, row[c] ?? null])) });
    }
    db.prepare(
      `UPDATE jobs SET status = 'done', worker = ?, finished_at = ?, seconds = ?, error = NULL,
         n_train = COALESCE(?, n_train) WHERE key = ?`,
    ).run(meta.worker, now(), meta.seconds, (tables.metrics[0]?.n_train as number | undefined) ?? null, key);
    return true;
  })();
}

export interface ResultRow {
  key: string;
  experiment: string;
  model: string;
  family: string;
  depth: number | null;
  fraction: number | null;
  count: number | null;
  n_train: number;
  fold: number | null;
  repeat: number;
  seed: number;
  lr: number;
  weight_decay: number;
  dice: number;
  iou: number;
  recall: number;
  precision: number | null;
  bce: number;
  global_dice: number;
  /** wall time of the job; null where not measured (a result recorded without one) */
  seconds: number | null;
  epochs_run: number;
  best_epoch: number;
  /** costs: null where not measured, never 0 */
  params: number | null;
  flops: number | null;
  throughput: number | null;
}

/** Test metrics of every finished job, one row each, with the job's parameters as columns. */
export function resultRows(db: Db, experiment?: string): ResultRow[] {
  const rows = db
    .prepare(
      `SELECT j.key, j.experiment, j.model, j.family, j.depth, j.fraction, j.count, j.n_train, j.fold, j.repeat,
              j.seed, j.lr, j.weight_decay,
              m.dice, m.iou, m.recall, m.precision, m.bce, m.global_dice, j.seconds, m.epochs_run, m.best_epoch,
              m.params, m.flops, m.throughput
       FROM jobs j JOIN metrics m ON m.job = j.key
       WHERE j.status = 'done' ${experiment ? 'AND j.experiment = ?' : ''}
       ORDER BY j.experiment, j.n_train, j.depth, j.model, j.lr, j.weight_decay, j.fold, j.repeat`,
    )
    .all(...(experiment ? [experiment] : [])) as ResultRow[];
  // SQLite keeps any value in any column: a store edited outside plateau can hold text where every
  // reader does arithmetic, which would surface as an internal error half-way through a printout
  for (const r of rows) {
    for (const col of NUMERIC_RESULT_COLUMNS) {
      const v = r[col];
      if (v !== null && typeof v !== 'number') {
        throw new UserError(`${db.name}: job ${r.key}: column '${col}' holds ${JSON.stringify(v)}, not a number (the store was changed outside plateau)`);
      }
    }
  }
  return rows;
}

/** The result columns readers compute with (each a number, or null where not measured). */
const NUMERIC_RESULT_COLUMNS = ['depth', 'fraction', 'count', 'n_train', 'fold', 'repeat', 'seed', 'lr', 'weight_decay', 'dice', 'iou', 'recall', 'precision', 'bce', 'global_dice', 'seconds', 'epochs_run', 'best_epoch', 'params', 'flops', 'throughput'] as const;

export function caseRows(db: Db, key: string): Row[] {
  return db.prepare(`SELECT * FROM cases WHERE job = ? ORDER BY case_id`).all(key) as Row[];
}

/** Test scores per class (label channel) of a job. */
export function classRows(db: Db, key: string): Row[] {
  return db.prepare(`SELECT ${columnNames('classes').join(', ')} FROM classes WHERE job = ? ORDER BY rowid`).all(key) as Row[];
}

export function epochRows(db: Db, key: string): Row[] {
  return db.prepare(`SELECT * FROM epochs WHERE job = ? ORDER BY epoch`).all(key) as Row[];
}
