import { datasetCount } from '../experiment/dataset';
import type { Job } from '../experiment/job';
import { isCrossValidation, partCount } from '../experiment/split';
import type { Row } from '../store/results';
import { type Column, TABLES, type TableName } from './tables';

/**
 * What a worker may send back for a job: the sizes its tables can have (so ZeroMQ drops an oversize
 * frame before the broker reads it) and the values they can hold (so a buggy or hostile worker cannot
 * store Dice 42, ±inf or two million cases).
 */

/** Test cases when the data set's size is not in the spec (file-based sets): generous, still bounded. */
export const UNKNOWN_TEST_CASES = 20_000;
// Bytes an Arrow row may take: strings (case and patient ids) up to 256 bytes each, numbers 8, plus
// validity bits and offsets; the stream's schema and framing come once per frame.
const CASE_ROW_BYTES = 2 * 256 + 5 * 8 + 16;
const EPOCH_ROW_BYTES = 5 * 8 + 8;
const FRAME_OVERHEAD = 64 * 1024;

/**
 * The test cases a job's result may list: the split's test part with some slack (a split drawn by
 * patient rounds to whole patients), else UNKNOWN_TEST_CASES. A bound against absurd tables, not a count.
 */
export function expectedTestCases(job: Job): number {
  const part = isCrossValidation(job.split) ? job.split.holdout : job.split.test;
  const total = datasetCount(job.dataset);
  const test = part >= 1 ? part : total !== undefined ? Math.max(1, partCount(part, total)) : undefined;
  return test === undefined ? UNKNOWN_TEST_CASES : test + Math.max(2, Math.ceil(test / 4));
}

/** ZeroMQ's maxMessageSize for a grid: the largest frame any of its jobs' results can need. */
export function maxFrameBytes(jobs: Job[]): number {
  let most = FRAME_OVERHEAD;
  for (const j of jobs) {
    most = Math.max(most, FRAME_OVERHEAD + expectedTestCases(j) * CASE_ROW_BYTES, FRAME_OVERHEAD + j.training.epochs * EPOCH_ROW_BYTES);
  }
  return most;
}

// Columns that are fractions of something (per-image means of DSC, IoU, recall, precision).
const FRACTIONS = new Set(['dice', 'iou', 'recall', 'precision', 'global_dice', 'val_dice']);
// Losses are what they are: a training that diverged reports NaN or infinity, and that is a result.
const LOSSES = new Set(['train_loss', 'val_loss', 'bce']);

/**
 * Why a value of column `col` cannot be right, or undefined. NaN (decoded as null) is allowed in
 * float columns: it means "undefined" (a case with no foreground, a loss that diverged), not a lie.
 */
function badValue(col: Column, v: Row[string]): string | undefined {
  if (v === null || v === undefined) return col.nullable || col.type === 'float64' ? undefined : 'is missing';
  if (col.type === 'utf8') return typeof v === 'string' && v.length <= 256 ? undefined : 'is a string over 256 characters';
  if (typeof v !== 'number') return `is ${typeof v}, not a number`;
  if (LOSSES.has(col.name)) return undefined;
  if (!Number.isFinite(v)) return `is ${v}, not a finite number`;
  if (FRACTIONS.has(col.name) && (v < 0 || v > 1)) return `is ${v}, outside [0, 1]`;
  if (v < 0) return `is ${v}, below 0`;
  return undefined;
}

/** Why a decoded result cannot be stored for `job`, or undefined when it can. */
export function resultProblem(job: Job, tables: Partial<Record<TableName, Row[]>>): string | undefined {
  const { epochs, metrics, cases = [] } = tables;
  if (!epochs || !metrics || metrics.length !== 1) return 'it needs an epochs table and a one-row metrics table';
  for (const name of ['epochs', 'metrics', 'cases', 'classes'] as const) {
    const rows = tables[name] ?? [];
    for (let i = 0; i < rows.length; i++) {
      for (const col of TABLES[name] as readonly Column[]) {
        const why = badValue(col, rows[i][col.name]);
        if (why) return `${name} row ${i + 1}: '${col.name}' ${why}`;
      }
    }
  }
  const m = metrics[0];
  // the one value every reader needs (a NaN arrives as null, which other float columns may be)
  if (typeof m.dice !== 'number') return "metrics row 1: 'dice' is missing or not a finite number";
  const asked = job.training.epochs;
  if (epochs.length > asked) return `it has ${epochs.length} epoch rows for a job of ${asked} epochs`;
  if ((m.epochs_run as number) > asked) return `epochs_run is ${m.epochs_run} for a job of ${asked} epochs`;
  const test = expectedTestCases(job);
  if ((m.n_test as number) > test) return `n_test is ${m.n_test}, more than the ${test} test cases the job allows`;
  if (cases.length > (m.n_test as number)) return `it lists ${cases.length} cases for ${m.n_test} test cases`;
  // n_train is not held to the job's: a split drawn by patient may give a few images more or fewer.
  return undefined;
}
