import { existsSync, writeFileSync } from 'node:fs';
import { EventEmitter } from 'node:events';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { describe, expect, it } from 'vitest';
import { runJobs, type RunEvent } from '../../../ts/dispatch/run';
import { expandGrid } from '../../../ts/experiment/grid';
import { openDb } from '../../../ts/store/db';
import { jobCounts, registerExperiment } from '../../../ts/store/jobs';
import { PYTHON, cli, tiny, tinySpec, tmp } from '../helpers';

describe('end to end: YAML → broker → Python worker → Arrow → SQLite', () => {
  it('trains a tiny grid through the real CLI, stores every row, and resumes without training again', async () => {
    const dir = tmp();
    const file = join(dir, 'tiny.yaml');
    const dbFile = join(dir, 'store.db');
    writeFileSync(file, stringify(tinySpec()));

    const first = await cli(['run', file, '--db', dbFile, '--workers', '2', '--json']);
    expect(first.stderr).not.toMatch(/Error/);
    expect(first.exitCode).toBe(0);
    expect(JSON.parse(first.stdout)).toMatchObject({ trained: 4, failed: 0, jobs: { total: 4, done: 4 } });

    const db = openDb(dbFile, { readonly: true });
    const jobs = db.prepare(`SELECT key, status, attempts, worker, depth, n_train FROM jobs ORDER BY position`).all() as Record<string, unknown>[];
    expect(jobs.map((j) => j.status)).toEqual(['done', 'done', 'done', 'done']);
    expect(jobs.map((j) => j.key)).toEqual(expandGrid(tiny()).map((j) => j.key));
    expect(jobs.every((j) => typeof j.worker === 'string' && j.attempts === 1)).toBe(true);
    const metrics = db.prepare(`SELECT m.* FROM metrics m`).all() as Record<string, number>[];
    expect(metrics).toHaveLength(4);
    for (const m of metrics) {
      for (const k of ['dice', 'iou', 'recall', 'bce']) expect(m[k]).toBeGreaterThanOrEqual(0);
      expect(m.dice).toBeLessThanOrEqual(1);
      expect(m.n_test).toBe(8);
      expect(m.params).toBeGreaterThan(0);
    }
    // Deeper networks have more parameters.
    const params = db.prepare(`SELECT j.depth, m.params FROM jobs j JOIN metrics m ON m.job = j.key GROUP BY j.depth ORDER BY j.depth`).all() as { depth: number; params: number }[];
    expect(params[1].params).toBeGreaterThan(params[0].params);
    expect(db.prepare(`SELECT COUNT(*) AS n FROM epochs`).get()).toEqual({ n: 4 });
    db.close();

    const status = await cli(['status', '--db', dbFile, '--json']);
    const s = JSON.parse(status.stdout);
    expect(s.jobs).toEqual({ total: 4, done: 4, running: 0, failed: 0, queued: 0 });
    expect(s.results).toHaveLength(4);
    expect(Object.keys(s.results[0])).toEqual(expect.arrayContaining(['key', 'model', 'depth', 'fraction', 'n_train', 'dice', 'iou', 'recall', 'precision', 'bce', 'seconds']));

    const t0 = Date.now();
    const second = await cli(['run', file, '--db', dbFile]);
    expect(second.exitCode).toBe(0);
    expect(second.stdout).toMatch(/all 4 jobs of 'tiny' are already stored/);
    expect(Date.now() - t0).toBeLessThan(10_000);
    // and says what the grid was trained for: the answer, as status prints it (2 sizes a depth: from the analogues alone)
    const block = (out: string) => out.slice(out.indexOf("Answer for 'tiny'")).split('\n\n')[0].trim().split('\n');
    const answered = block(second.stdout);
    expect(answered[0]).toBe("Answer for 'tiny'");
    expect(answered.filter((l) => /^resunet-d[23]: ensemble \[the analogues alone/.test(l))).toHaveLength(2);
    expect(answered).toEqual(block((await cli(['status', '--db', dbFile])).stdout));
    const again = openDb(dbFile, { readonly: true });
    expect(again.prepare(`SELECT COUNT(*) AS n FROM epochs`).get()).toEqual({ n: 4 });
    expect(again.prepare(`SELECT MAX(attempts) AS a FROM jobs`).get()).toEqual({ a: 1 });
    again.close();
  });

  it('retries the job of a worker killed mid-job and finishes the grid', async () => {
    const exp = tiny({ name: 'crash', training: { epochs: 6, batch_size: 4, lr: 0.01 }, fractions: [1] });
    const jobs = expandGrid(exp);
    const db = openDb(join(tmp(), 'crash.db'));
    registerExperiment(db, exp, jobs);
    const events = new EventEmitter();
    const seen: RunEvent[] = [];
    events.on('event', (e: RunEvent) => seen.push(e));
    let killed = false;
    const summary = await runJobs({
      db, experiment: exp.name, jobs, workers: 1, python: PYTHON, events, heartbeatMs: 200,
      onStarted(pool) {
        // Kill the only worker once it reports its first epoch of the first job.
        const timer = setInterval(() => {
          const busy = db.prepare(`SELECT pid FROM workers WHERE epoch >= 1 AND state = 'training'`).get() as { pid: number } | undefined;
          if (busy && !killed && pool.pids().includes(busy.pid)) {
            killed = true;
            process.kill(busy.pid, 'SIGKILL');
            clearInterval(timer);
          }
        }, 50);
      },
    });
    expect(killed).toBe(true);
    expect(seen.some((e) => e.kind === 'lost' && /SIGKILL/.test(e.reason))).toBe(true);
    expect(seen.some((e) => e.kind === 'failed' && !e.final)).toBe(true);
    expect(summary).toMatchObject({ done: 2, failed: 0 });
    expect(jobCounts(db, exp.name)).toMatchObject({ done: 2, failed: 0 });
    const attempts = db.prepare(`SELECT MAX(attempts) AS a FROM jobs`).get() as { a: number };
    expect(attempts.a).toBe(2);
    expect(db.prepare(`SELECT kind FROM events WHERE kind = 'lost'`).all()).toHaveLength(1);
    db.close();
  });

  it('marks a job the trainer rejects as failed, with the reason, and goes on', async () => {
    const exp = tiny({ name: 'reject' });
    // A job the schema forbids (depth 1): the worker must refuse it by the checked-in schema.
    const jobs = expandGrid(exp);
    const bad = { ...jobs[0], model: { ...jobs[0].model, depth: 1 } };
    const db = openDb(join(tmp(), 'reject.db'));
    registerExperiment(db, exp, [bad, jobs[1]]);
    const summary = await runJobs({ db, experiment: exp.name, jobs: [bad, jobs[1]], workers: 1, python: PYTHON });
    expect(summary).toMatchObject({ done: 1, failed: 1 });
    const row = db.prepare(`SELECT status, error FROM jobs WHERE key = ?`).get(bad.key) as { status: string; error: string };
    expect(row.status).toBe('failed');
    expect(row.error).toMatch(/model\.depth/);
    db.close();
    // status --json says why, not only how many (a QA pass found only the count there)
    const status = JSON.parse((await cli(['status', '--db', db.name, '--json'])).stdout);
    expect(status.jobs.failed).toBe(1);
    expect(status.failed).toEqual([expect.objectContaining({ key: bad.key, experiment: 'reject', error: row.error })]);
  });
});

describe('bad input at the CLI', () => {
  it('an invalid experiment: exit 2, the file and field named, no store written', async () => {
    const dir = tmp();
    const file = join(dir, 'bad.yaml');
    writeFileSync(file, stringify({ ...tinySpec(), training: { epochs: 'many' } }));
    const dbFile = join(dir, 'store.db');
    const r = await cli(['run', file, '--db', dbFile]);
    expect(r.exitCode).toBe(2);
    expect(r.stderr).toContain(`${file}: invalid experiment`);
    expect(r.stderr).toMatch(/training\.epochs/);
    expect(existsSync(dbFile)).toBe(false);
  });

  it('no Python: one sentence saying what to do, exit 3', async () => {
    const dir = tmp();
    const file = join(dir, 'ok.yaml');
    writeFileSync(file, stringify(tinySpec()));
    const r = await cli(['run', file, '--db', join(dir, 's.db')], { PLATEAU_PYTHON: '/nonexistent/python3' });
    expect(r.exitCode).toBe(3);
    expect(r.stderr).toMatch(/No Python found at '\/nonexistent\/python3': run 'npm run setup'/);
  });

  it('a Python without the packages: names what is missing', async () => {
    const dir = tmp();
    const file = join(dir, 'ok.yaml');
    writeFileSync(file, stringify(tinySpec()));
    const r = await cli(['run', file, '--db', join(dir, 's.db')], { PLATEAU_PYTHON: '/usr/bin/python3' });
    expect(r.exitCode).toBe(3);
    expect(r.stderr).toMatch(/lacks .*'plateau'.*run 'npm run setup'/);
  });

  it('status of a missing store says how to make one', async () => {
    const r = await cli(['status', '--db', '/nonexistent/x.db']);
    expect(r.exitCode).toBe(2);
    expect(r.stderr).toMatch(/no store there yet/);
  });
});
