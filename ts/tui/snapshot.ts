import type { Db } from '../store/db';
import { type JobCounts, jobCounts, plannedFullN } from '../store/jobs';
import { epochRows, type ResultRow, resultRows, type Row } from '../store/results';
import { type StudyRecord, studyRecord } from '../store/study';
import { lastError, type WorkerRow, workerRows } from '../store/workers';

/** The test metrics a heat map can show, in the order the grid view cycles through them. */
export const METRICS = ['dice', 'iou', 'recall', 'precision'] as const;
export type Metric = (typeof METRICS)[number];
export const METRIC_LABEL: Record<Metric, string> = { dice: 'DSC', iou: 'IoU', recall: 'Recall', precision: 'Precision' };

export interface Cell {
  key: string;
  /** The heat map's row: the training fraction, or the image count for count subsets. */
  fraction: number;
  model: string;
  /** training images (known before training for fraction and count subsets) */
  n_train: number | null;
  status: string;
  dice: number | null;
  iou: number | null;
  recall: number | null;
  precision: number | null;
}

export interface Failure {
  key: string;
  model: string;
  fraction: number;
  error: string;
}

/** One job in detail (the job view): its epochs as they arrive, and its test metrics once done. */
export interface JobDetail {
  cell: Cell;
  attempts: number;
  worker: string | null;
  seconds: number | null;
  epochs: Row[];
  /** the worker's current epoch and planned epochs while it trains */
  live: { epoch: number | null; epochs: number | null } | null;
}

/** Everything a dashboard frame shows, read from the store in one go (views never train). */
export interface Snapshot {
  experiment: string;
  counts: JobCounts;
  fractions: number[];
  models: string[];
  cells: Cell[];
  workers: WorkerRow[];
  /** Mean seconds of a finished job, for the ETA. */
  meanSeconds: number | null;
  /** Finished jobs per hour, from the first finished job's start to the last finish (null until one is done). */
  jobsPerHour: number | null;
  failures: Failure[];
  lastError?: { at: string; job: string | null; message: string };
  /** Test metrics of every finished job (the curves and statistics views use them). */
  results: ResultRow[];
  job?: JobDetail;
  /** an adaptive study's choices, settings, spending and stop (null for a grid) */
  study: StudyRecord | null;
  /** each model's 100%: the pool its jobs' fractions were cut from (plannedFullN), as status and report take it */
  full: Map<string, number>;
}

/** Reads a frame; `job` (a job key) adds that job's epochs for the job view. */
export function readSnapshot(db: Db, experiment: string, job?: string): Snapshot {
  const cells = db
    .prepare(
      `SELECT j.key, COALESCE(j.fraction, j.count) AS fraction, j.model, COALESCE(m.n_train, j.n_train) AS n_train, j.status, m.dice, m.iou, m.recall, m.precision
       FROM jobs j LEFT JOIN metrics m ON m.job = j.key
       WHERE j.experiment = ? ORDER BY COALESCE(j.fraction, j.count), j.depth, j.model, j.position`,
    )
    .all(experiment) as Cell[];
  const timing = db
    .prepare(
      `SELECT AVG(seconds) AS s, MIN(julianday(finished_at) * 86400 - seconds) AS t0,
              MAX(julianday(finished_at) * 86400) AS t1, COUNT(*) AS n
       FROM jobs WHERE experiment = ? AND status = 'done'`,
    )
    .get(experiment) as { s: number | null; t0: number | null; t1: number | null; n: number | null };
  // From the first finished job's start to the last finish: a stopped run's rate stays what it was.
  const hours = timing.t0 !== null && timing.t1 !== null ? (timing.t1 - timing.t0) / 3600 : 0;
  const failures = db
    .prepare(
      `SELECT key, model, COALESCE(fraction, count) AS fraction, COALESCE(error, '') AS error FROM jobs
       WHERE experiment = ? AND status = 'failed' ORDER BY finished_at DESC`,
    )
    .all(experiment) as Failure[];
  const workers = workerRows(db, experiment);
  return {
    experiment,
    counts: jobCounts(db, experiment),
    fractions: [...new Set(cells.map((c) => c.fraction))],
    models: [...new Set(cells.map((c) => c.model))],
    cells,
    workers,
    meanSeconds: timing.s,
    jobsPerHour: timing.n && hours > 0 ? timing.n / hours : null,
    failures,
    lastError: lastError(db, experiment),
    results: resultRows(db, experiment),
    study: studyRecord(db, experiment),
    full: plannedFullN(db, experiment),
    job: job ? readJob(db, job, cells, workers) : undefined,
  };
}

function readJob(db: Db, key: string, cells: Cell[], workers: WorkerRow[]): JobDetail | undefined {
  const cell = cells.find((c) => c.key === key);
  if (!cell) return undefined;
  const j = db.prepare(`SELECT attempts, worker, seconds FROM jobs WHERE key = ?`).get(key) as { attempts: number; worker: string | null; seconds: number | null };
  const w = workers.find((x) => x.job === key);
  return { cell, attempts: j.attempts, worker: j.worker, seconds: j.seconds, epochs: epochRows(db, key), live: w ? { epoch: w.epoch, epochs: w.epochs } : null };
}

/** Seconds left: remaining jobs × mean job time, shared by the active workers. */
export function etaSeconds(s: Snapshot): number | null {
  if (s.meanSeconds === null) return null;
  const left = s.counts.queued + s.counts.running;
  const busy = Math.max(1, s.workers.filter((w) => w.state !== 'gone').length);
  return (left * s.meanSeconds) / busy;
}

export function formatDuration(seconds: number | null): string {
  if (seconds === null || !Number.isFinite(seconds)) return '–';
  const s = Math.round(seconds);
  return s >= 3600 ? `${Math.floor(s / 3600)}h${String(Math.floor((s % 3600) / 60)).padStart(2, '0')}m`
    : s >= 60 ? `${Math.floor(s / 60)}m${String(s % 60).padStart(2, '0')}s` : `${s}s`;
}

/** A grid row label: a fraction as a percentage, an image count as n=…. */
export const rowLabel = (f: number) => (f <= 1 ? `${+(f * 100).toFixed(1)}%` : `n=${f}`);

/** Each model's 100% (its planned full training set), as status, forecast and report take it. */
export const fullTrainingSizes = (s: Snapshot): Map<string, number> => s.full;
