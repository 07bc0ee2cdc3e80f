import { UserError } from '../../../ts/errors';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { expandGrid } from '../../../ts/experiment/grid';
import { modelDepth } from '../../../ts/experiment/model';
import { openDb } from '../../../ts/store/db';
import { jobCounts, markFailed, markRunning, pendingJobs, plannedFullN, registerExperiment } from '../../../ts/store/jobs';
import { saveForecast } from '../../../ts/store/forecasts';
import { resultRows, storeResult } from '../../../ts/store/results';
import { forecastAt } from '../../../ts/surrogate/answers';
import { answer } from '../../../ts/surrogate/engine';
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
  it("knows each model's 100% from its jobs' fractions, also where the job at 100% was never stored (an adaptive study's store)", () => {
    // a pool of 101 (not a round number: n = round(f·101)); the study stored only the jobs up to 55%
    const exp = tiny({ split: { train: 101, val: 8, test: 8 }, dataset: { kind: 'synthetic-2d', count: 117, size: 32, objects: 3, radius_max: 6, noise: 0.3, seed: 1 }, fractions: { from: 0.05, to: 1, step: 0.05 } });
    const all = expandGrid(exp);
    const chosen = all.filter((j) => j.fraction! <= 0.55);
    const db = openDb(join(tmp(), 'study.db'));
    registerExperiment(db, exp, chosen);
    expect(Math.max(...chosen.map((j) => j.n_train!))).toBe(56);
    expect(plannedFullN(db, exp.name)).toEqual(new Map([['resunet-d2', 101], ['resunet-d3', 101]]));
    // cross-validation: n_train is known once a fold's result is stored, and folds' pools may differ by a case
    const cv = tiny({ name: 'cv', split: { holdout: 0.2, folds: 3 }, fractions: { from: 0.1, to: 1, step: 0.1 } });
    const cvJobs = expandGrid(cv).filter((j) => j.fraction! <= 0.5);
    registerExperiment(db, cv, cvJobs);
    const pools = [21, 21, 22];
    for (const j of cvJobs) storeResult(db, j.key, { epochs, metrics: [{ ...metrics(0.5), n_train: Math.round(j.fraction! * pools[j.fold!]) }] }, { worker: 'w', seconds: 1 });
    expect([...plannedFullN(db, 'cv').values()]).toEqual([22, 22]);
    // a grid of counts: its largest count
    const counts = tiny({ name: 'counts', fractions: { counts: [6, 12, 18] } });
    registerExperiment(db, counts, expandGrid(counts));
    expect([...plannedFullN(db, 'counts').values()]).toEqual([18, 18]);
  });

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

  it('refuses, naming the file, job and column, a stored value that is not a number (a store edited outside plateau)', () => {
    const { db, jobs } = fresh();
    storeResult(db, jobs[0].key, { epochs, metrics: [metrics(0.7)] }, { worker: 'w1', seconds: 2 });
    db.prepare(`UPDATE metrics SET dice = 'abc' WHERE job = ?`).run(jobs[0].key);
    const err = (() => {
      try {
        resultRows(db);
      } catch (e) {
        return e;
      }
    })();
    expect(err).toBeInstanceOf(UserError);
    expect((err as Error).message).toBe(`${db.name}: job ${jobs[0].key}: column 'dice' holds "abc", not a number (the store was changed outside plateau)`);
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

describe('forecast tables', () => {
  it("a store written before the answers' status columns gets them on its next save, and keeps its rows", async () => {
    const db = openDb(join(tmp(), 'old.db'));
    // forecast_answers as the first release created it, with one row
    db.exec(`CREATE TABLE forecast_answers (
      fit INTEGER PRIMARY KEY, target_dice REAL, target_n REAL, target_lo REAL, target_hi REAL, target_reachable INTEGER, target_reason TEXT,
      plateau_n REAL, plateau_fraction REAL, plateau_threshold REAL, plateau_step REAL);
      INSERT INTO forecast_answers (fit, target_dice) VALUES (999, 0.5);`);
    const n = [10, 20, 30, 40, 50, 60];
    const a = await answer([{ model: 'm', depth: null, n, dice: n.map((v) => 0.9 - 0.4 * Math.exp(-v / 20)) }], { method: 'pow3', targetDice: 0.8 });
    const m = a.models[0];
    const [id] = saveForecast(db, { experiment: null, source: 'x', observedUpTo: 1, backend: null }, [{ fit: m.fit, forecasts: forecastAt(m.fit, n), target: m.target, plateau: m.plateau }]);
    const row = db.prepare('SELECT * FROM forecast_answers WHERE fit = ?').get(id) as Record<string, unknown>;
    expect(row.target_status).toBe(m.target!.status);
    expect(row.target_n).toBe(m.target!.n);
    expect(row.target_open_below).toBe(Number(m.target!.openBelow));
    expect(row.plateau_status).toBe(m.plateau.status);
    expect(row.plateau_n).toBe(m.plateau.n);
    expect(row.plateau_lo).toBe(m.plateau.lo);
    expect(row.plateau_hi).toBe(m.plateau.hi);
    expect(row.plateau_levels_off).toBe(m.plateau.levelsOff);
    expect(db.prepare('SELECT target_dice, target_status FROM forecast_answers WHERE fit = 999').get()).toEqual({ target_dice: 0.5, target_status: null });
    db.close();
  });
});
