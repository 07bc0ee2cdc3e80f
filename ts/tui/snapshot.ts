import type { Db } from '../store/db';
import { type JobCounts, jobCounts } from '../store/jobs';
import { lastError, type WorkerRow, workerRows } from '../store/workers';

export interface Cell {
  /** The heat map's row: the training fraction, or the image count for count subsets. */
  fraction: number;
  model: string;
  status: string;
  dice: number | null;
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
  lastError?: { at: string; job: string | null; message: string };
}

export function readSnapshot(db: Db, experiment: string): Snapshot {
  const cells = db
    .prepare(
      `SELECT COALESCE(j.fraction, j.count) AS fraction, j.model, j.status, m.dice FROM jobs j LEFT JOIN metrics m ON m.job = j.key
       WHERE j.experiment = ? ORDER BY COALESCE(j.fraction, j.count), j.depth, j.model`,
    )
    .all(experiment) as Cell[];
  const mean = db
    .prepare(`SELECT AVG(seconds) AS s FROM jobs WHERE experiment = ? AND status = 'done'`)
    .get(experiment) as { s: number | null };
  return {
    experiment,
    counts: jobCounts(db, experiment),
    fractions: [...new Set(cells.map((c) => c.fraction))],
    models: [...new Set(cells.map((c) => c.model))],
    cells,
    workers: workerRows(db, experiment),
    meanSeconds: mean.s,
    lastError: lastError(db, experiment),
  };
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
