import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { expandGrid } from '../../../ts/experiment/grid';
import { modelDepth } from '../../../ts/experiment/model';
import { openDb } from '../../../ts/store/db';
import { jobCounts, markFailed, markRunning, pendingJobs, registerExperiment } from '../../../ts/store/jobs';
import { resultRows, storeResult } from '../../../ts/store/results';
import { tiny, tmp } from '../helpers';

const metrics = (dice: number) => ({
  dice, iou: dice / 2, recall: 0.9, precision: 0.8, bce: 0.3, n_test: 8, epochs_run: 1, train_seconds: 1, params: 100,
});
const epochs = [{ epoch: 1, train_loss: 0.5, val_loss: 0.4, val_dice: 0.6, seconds: 0.1 }];

function fresh() {
  const file = join(tmp(), 'store.db');
  const exp = tiny();
  const jobs = expandGrid(exp);
  const db = openDb(file);
  registerExperiment(db, exp, jobs);
  return { file, exp, jobs, db };
}

describe('store', () => {
  it('uses WAL on a real file', () => {
    const { db } = fresh();
    expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
  });

  it('stores a result in one transaction and reads it back with the job parameters', () => {
    const { db, jobs, exp } = fresh();
    markRunning(db, jobs[0].key, 'w1');
    expect(storeResult(db, jobs[0].key, { epochs, metrics: [metrics(0.7)] }, { worker: 'w1', seconds: 2 })).toBe(true);
    const rows = resultRows(db, exp.name);
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ key: jobs[0].key, dice: 0.7, iou: 0.35, depth: modelDepth(jobs[0].model), n_train: jobs[0].n_train, lr: 0.01 });
    expect(jobCounts(db, exp.name)).toEqual({ total: 4, done: 1, running: 0, failed: 0, queued: 3 });
  });

  it('ignores a second result for a stored job (idempotent keys)', () => {
    const { db, jobs } = fresh();
    storeResult(db, jobs[0].key, { epochs, metrics: [metrics(0.7)] }, { worker: 'w1', seconds: 2 });
    expect(storeResult(db, jobs[0].key, { epochs, metrics: [metrics(0.1)] }, { worker: 'w2', seconds: 2 })).toBe(false);
    expect(resultRows(db)[0].dice).toBe(0.7);
  });

  it('leaves no partial rows when a write fails mid-transaction', () => {
    const { db, jobs } = fresh();
    // Two epoch rows with the same epoch number violate the primary key after the first insert.
    expect(() => storeResult(db, jobs[1].key, { epochs: [...epochs, ...epochs], metrics: [metrics(0.5)] }, { worker: 'w', seconds: 1 })).toThrow();
    expect(db.prepare('SELECT COUNT(*) AS n FROM epochs').get()).toEqual({ n: 0 });
    expect(db.prepare('SELECT COUNT(*) AS n FROM metrics').get()).toEqual({ n: 0 });
    expect(jobCounts(db).done).toBe(0);
  });

  it('resumes: done jobs are not pending; running and failed ones go back to the queue', () => {
    const { db, jobs, exp, file } = fresh();
    storeResult(db, jobs[0].key, { epochs, metrics: [metrics(0.7)] }, { worker: 'w1', seconds: 2 });
    markRunning(db, jobs[1].key, 'w1');
    markFailed(db, jobs[2].key, 'boom');
    db.close();
    const again = openDb(file);
    registerExperiment(again, exp, expandGrid(exp));
    expect(pendingJobs(again, exp.name).map((j) => j.key)).toEqual(jobs.slice(1).map((j) => j.key));
    expect(jobCounts(again, exp.name)).toMatchObject({ done: 1, queued: 3, running: 0, failed: 0 });
  });

  it('opens read-only without writing', () => {
    const { file, db } = fresh();
    db.close();
    const ro = openDb(file, { readonly: true });
    expect(() => ro.exec(`DELETE FROM jobs`)).toThrow(/readonly/);
  });
});
