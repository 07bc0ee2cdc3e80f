import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { describe, expect, it } from 'vitest';
import { openDb } from '../../../ts/store/db';
import { lockHolder, pidAlive } from '../../../ts/store/lock';
import { resultRows } from '../../../ts/store/results';
import { studyRecord } from '../../../ts/store/study';
import { cli, tinySpec, tmp } from '../helpers';

/**
 * An adaptive study (one dispatcher whose broker asks the strategy for each next job) stopped by
 * SIGINT / SIGTERM while it trains, then resumed with the same command (issues 12 and 14). Real CLI,
 * real Python workers over ZeroMQ, a real SQLite store; the grid is adaptive.test.ts's (1 model × 10
 * sizes) with 200 epochs a job (about 10 ms each here), and the signal is sent while a job has trained
 * at most a quarter of them: it is still training when the signal lands. (With 3 epochs a job took
 * 0.05 s, and a job seen 'running' could finish before the signal: one CI run in about ten failed so.)
 */
function experiment(dir: string) {
  const file = join(dir, 'adaptive.yaml');
  writeFileSync(file, stringify(tinySpec({
    name: 'adaptive',
    dataset: { kind: 'synthetic-2d', count: 90, size: 32, objects: 3, radius_max: 6, noise: 0.3, seed: 1 },
    split: { train: 60, val: 15, test: 15 },
    fractions: [0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 1],
    models: [{ family: 'resunet', depths: [2], channels: 4, res_units: 1 }],
    training: { epochs: 200, batch_size: 8, lr: 0.01 },
  })));
  return file;
}

type Store = ReturnType<typeof openDb>;
const read = <T>(dbFile: string, f: (db: Store) => T): T => {
  const db = openDb(dbFile, { readonly: true });
  try {
    return f(db);
  } finally {
    db.close();
  }
};
const count = (db: Store, sql: string) => (db.prepare(sql).get() as { n: number }).n;

/** Polls the store until `f` holds; fails if the run ends first (it was meant to be interrupted). */
async function until(dbFile: string, run: Promise<unknown>, f: (db: Store) => boolean, ms = 240_000) {
  let ended = false;
  void run.then(() => (ended = true));
  const t0 = Date.now();
  while (Date.now() - t0 < ms) {
    if (ended) throw new Error('the study ended before it could be interrupted');
    try {
      if (read(dbFile, f)) return;
    } catch {
      /* the store or its tables are being made */
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`timed out waiting on ${dbFile}`);
}

describe('plateau run --adaptive stopped by a signal', () => {
  it.each([['SIGINT', 130], ['SIGTERM', 143]] as const)('on %s exits %i leaving nothing running or locked and no worker; the same command resumes and finishes the study, no job trained twice', async (signal, code) => {
    const dir = tmp('plateau-adaptive-stop-');
    const file = experiment(dir);
    const db = join(dir, 'p.db');
    const args = ['run', file, '--adaptive', '--precision', '0.2', '--budget', '5000', '--workers', '2', '--db', db, '--json'];

    const run = cli(args);
    // one result stored and a job early in its training: the study is in the middle of its dispatcher
    await until(db, run, (s) =>
      count(s, `SELECT COUNT(*) AS n FROM metrics`) >= 1 &&
      count(s, `SELECT COUNT(*) AS n FROM workers w JOIN jobs j ON j.key = w.job WHERE j.status = 'running' AND w.epoch <= w.epochs / 4`) >= 1);
    const workerPids = read(db, (s) => (s.prepare(`SELECT DISTINCT pid FROM workers WHERE pid IS NOT NULL`).all() as { pid: number }[]).map((r) => r.pid));
    expect(workerPids.length).toBeGreaterThan(0);
    run.kill(signal);
    const stopped = await run;
    expect(stopped.exitCode, stopped.stderr).toBe(code);
    expect(stopped.stderr).not.toMatch(/^\s+at /m);

    const before = read(db, (s) => {
      // nothing left 'running', the lock released, the store intact
      expect(count(s, `SELECT COUNT(*) AS n FROM jobs WHERE status = 'running'`)).toBe(0);
      expect(lockHolder(s)).toBeUndefined();
      expect(s.pragma('integrity_check', { simple: true })).toBe('ok');
      return { choices: studyRecord(s, 'adaptive')!.choices, stored: resultRows(s, 'adaptive').length };
    });
    // no worker of the stopped run outlives it (pids as recorded when each said READY)
    expect(workerPids.filter(pidAlive)).toEqual([]);
    expect(before.stored).toBeGreaterThanOrEqual(1);
    expect(before.choices.length).toBeGreaterThan(before.stored);

    const again = await cli(args);
    expect(again.exitCode, again.stderr).toBe(0);
    const out = JSON.parse(again.stdout.trim().split('\n').at(-1)!);

    read(db, (s) => {
      const rec = studyRecord(s, 'adaptive')!;
      const results = resultRows(s, 'adaptive');
      // trainings counted from the events ('result' and 'rejected'), as the fault campaign counts them:
      // each stored job trained exactly once, across both runs
      const trainings = s.prepare(`SELECT job, COUNT(*) AS n FROM events WHERE kind IN ('result', 'rejected') GROUP BY job`).all() as { job: string; n: number }[];
      expect(trainings.filter((t) => t.n !== 1)).toEqual([]);
      expect(trainings.map((t) => t.job).sort()).toEqual(results.map((r) => r.key).sort());
      expect(new Set(results.map((r) => r.key)).size).toBe(results.length);
      // the choices made before the stop are kept as they were, and every job chosen is stored
      expect(rec.choices.slice(0, before.choices.length)).toEqual(before.choices);
      // (the jobs in flight at the stop were chosen then: trained as chosen, not chosen a second time)
      expect(rec.choices.map((c) => c.key).sort()).toEqual(results.map((r) => r.key).sort());
      // the batches go on numbering from where the stopped run left them
      const waves = rec.choices.map((c) => c.wave);
      expect(waves).toEqual([...waves].sort((a, b) => a - b));
      // the study finished: its stop recorded, nothing left queued or running, the lock released
      expect(out.reason.length).toBeGreaterThan(10);
      expect(rec.stop).toMatchObject({ reason: out.reason, trained: out.trained });
      expect(out.trained).toBe(results.length - before.stored);
      expect(count(s, `SELECT COUNT(*) AS n FROM jobs WHERE status IN ('queued', 'running')`)).toBe(0);
      expect(lockHolder(s)).toBeUndefined();
      expect(s.pragma('integrity_check', { simple: true })).toBe('ok');
    });
  }, 600_000);
});
