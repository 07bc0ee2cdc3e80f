import type { Db } from '../store/db';
import { plannedFullN } from '../store/jobs';
import type { ResultRow } from '../store/results';

/** Test metrics of an experiment's finished jobs, with the training time in hours (Fig 8). */
export interface ReportData {
  experiment: string;
  rows: ResultRow[];
  /** each job's fraction of the full training set (count subsets: n_train / the largest n_train) */
  ratio: (r: ResultRow) => number;
}

export function reportData(db: Db, experiment: string, rows: ResultRow[]): ReportData {
  // each model's 100% as every other view takes it; a row's own n_train where the jobs lack one
  const full = plannedFullN(db, experiment);
  for (const r of rows) full.set(r.model, Math.max(full.get(r.model) ?? 0, r.n_train));
  return { experiment, rows, ratio: (r) => r.fraction ?? r.n_train / (full.get(r.model) ?? r.n_train) };
}

