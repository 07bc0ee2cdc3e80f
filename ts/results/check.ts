import type { Job } from '../experiment/job';
import { resultProblem } from '../protocol/limits';
import type { TableName } from '../protocol/tables';
import type { Row } from '../store/results';
import { decodeTable } from './arrow';

/** A result that passed its checks: epochs and one metrics row always, cases and classes when sent. */
export type ResultTables = { epochs: Row[]; metrics: Row[] } & Partial<Record<TableName, Row[]>>;

/**
 * A RESULT's frames → its tables, or an Error saying why they cannot be stored for `job`: the frame
 * count, each table's layout (decodeTable) and its values (resultProblem). Runs in the decoder thread.
 */
export function checkResult(job: Job, names: string[], frames: Uint8Array[]): ResultTables {
  if (frames.length !== names.length) throw new Error(`RESULT names ${names.length} tables but carries ${frames.length} frames`);
  const tables: Partial<Record<TableName, Row[]>> = Object.fromEntries(names.map((name, i) => [name, decodeTable(name, frames[i])]));
  const problem = resultProblem(job, tables);
  if (problem) throw new Error(problem);
  return tables as ResultTables; // resultProblem requires epochs and metrics
}
