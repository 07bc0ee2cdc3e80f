import { existsSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type SlurmArray, sbatchArgs, watchArray, workerScript } from '../../../ts/dispatch/slurm';
import { slurmThreads } from '../../../ts/cli/slurm';
import { ROOT, tinySpec, tmp } from '../helpers';
import { type Cluster, clusterMissing, startCluster } from './slurmCluster';

/** The CLI as a user runs it (sources through tsx), with the cluster's SLURM_CONF. */
const plateau = (args: string[], env: Record<string, string>) =>
  execa(process.execPath, ['--import', join(ROOT, 'node_modules/tsx/dist/loader.mjs'), join(ROOT, 'ts/cli.ts'), ...args], {
    reject: false, cwd: ROOT, env: { NO_COLOR: '1', PLATEAU_ROOT: ROOT, ...env }, timeout: 150_000,
  });

describe('the Slurm worker array', () => {
  it('asks sbatch for an array of N tasks, the limits given, and SIGUSR1 before the time limit', () => {
    const args = sbatchArgs({ workers: 3, partition: 'gpu', gpusPerWorker: 2, time: '2:00:00', sbatchArgs: ['--account=lab'], name: 'plateau-x' }, '/shared/run', '/shared/run/worker.sh');
    expect(args).toEqual(['--parsable', '--array=0-2', '--job-name=plateau-x', '--output=/shared/run/worker-%A_%a.log', '--partition=gpu',
      '--gres=gpu:2', '--time=2:00:00', '--signal=B:USR1@90', '--account=lab', '/shared/run/worker.sh']);
    const script = workerScript({ connect: 'tcp://login1:5555', serverKey: "-k'ey", keyFile: '/shared/run/worker-keys.json', dir: '/shared/run', python: '/repo/.venv/bin/python', root: '/repo' });
    // exec: the worker is the batch shell, so Slurm's signals reach it; a quote in a key stays quoted
    expect(script).toMatch(/^exec '\/repo\/.venv\/bin\/python' -m plateau.worker --connect 'tcp:\/\/login1:5555' --server-key='-k'\\''ey'/m);
    expect(script).toContain('--id "slurm-${SLURM_ARRAY_JOB_ID}_${SLURM_ARRAY_TASK_ID}"');
  });

  it('gives each job the threads asked for, else the cpus per task given to sbatch, else 1', () => {
    expect(slurmThreads({ threads: 4, sbatchArg: ['--cpus-per-task=8'] })).toBe(4);
    expect(slurmThreads({ sbatchArg: ['--account=lab', '--cpus-per-task=8'] })).toBe(8);
    expect(slurmThreads({ sbatchArg: ['-c', '6'] })).toBe(6);
    expect(slurmThreads({ sbatchArg: ['--account=lab'] })).toBe(1);
  });

  it('stops a run only after two looks find no task, and never on a look squeue could not answer', async () => {
    const watch = (answers: (number | undefined)[]) => {
      let i = 0;
      const array = { id: '7', dir: '/logs', live: async () => (i < answers.length ? answers[i++] : 1) } as SlurmArray;
      return watchArray(array, () => 3, 5);
    };
    const wait = () => new Promise((r) => setTimeout(r, 120));
    const flaky = watch([0, undefined, 1, 0, undefined, 2]); // never two empty looks in a row among answered ones
    await wait();
    expect(flaky.signal.aborted).toBe(false);
    flaky.stop();
    const gone = watch([1, 0, undefined, 0]);
    await wait();
    expect(gone.signal.aborted).toBe(true);
    expect(String(gone.signal.reason.message)).toBe('every Slurm worker of array 7 has ended with 3 job(s) left; see their logs in /logs');
    gone.stop();
  });

  it('says which Slurm options need --slurm, and what a bad --time is', async () => {
    const file = join(tmp(), 'e.yaml');
    writeFileSync(file, JSON.stringify(tinySpec()));
    const stray = await plateau(['run', file, '--db', join(tmp(), 's.db'), '--partition', 'gpu'], {});
    expect(stray.exitCode).toBe(2);
    expect(stray.stderr).toMatch(/--partition, --gpus-per-worker, --time and --sbatch-arg go with --slurm/);
    const time = await plateau(['run', file, '--db', join(tmp(), 's.db'), '--slurm', '--time', '2h'], {});
    expect(time.exitCode).toBe(2);
    expect(time.stderr).toMatch(/--time must be a Slurm time limit .* \(got '2h'\)/);
  });
});

const missing = clusterMissing();

/** A job training and at most a quarter through its epochs: one cancelled now is cancelled mid-job. */
const EARLY = `SELECT j.key, j.worker FROM jobs j JOIN workers w ON w.job = j.key WHERE j.status = 'running' AND w.epoch <= w.epochs / 4`;

describe.skipIf(missing)(`a real one-node Slurm cluster${missing ? ` (skipped: ${missing})` : ''}`, () => {
  let cluster: Cluster;
  beforeAll(async () => {
    cluster = await startCluster();
  });
  afterAll(async () => {
    await cluster?.stop();
  });

  it('trains a grid through sbatch workers; a worker cancelled mid-job hands it back: nothing lost, nothing twice', async () => {
    const dir = tmp();
    const file = join(dir, 'slurmy.yaml');
    // 4 jobs of 200 epochs (a few seconds each): a task is cancelled while its job has trained at most a
    // quarter of them, so the job is still training when Slurm's SIGTERM lands (with 40 epochs, a job
    // seen 'running' could end first).
    writeFileSync(file, JSON.stringify(tinySpec({ name: 'slurmy', training: { epochs: 200, batch_size: 8, lr: 0.01 } })));
    const db = join(dir, 'store.db');
    const run = plateau(['run', file, '--db', db, '--slurm', '--workers', '2', '--bind', 'tcp://127.0.0.1:*', '--threads', '1', '--no-dashboard'], cluster.env);
    let ended = false;
    void run.finally(() => (ended = true));

    // Wait until a task of the array holds a job, then cancel that task as a user (or preemption) would.
    let cancelled: { key: string; worker: string } | undefined;
    const t0 = Date.now();
    while (!cancelled && Date.now() - t0 < 90_000 && !ended) {
      await new Promise((r) => setTimeout(r, 200));
      if (!existsSync(db)) continue;
      const s = new Database(db, { readonly: true, fileMustExist: true });
      try {
        const row = s.prepare(`${EARLY} AND j.worker LIKE 'slurm-%'`).get() as { key: string; worker: string } | undefined;
        if (row) cancelled = row;
      } catch {
        /* tables not made yet */
      } finally {
        s.close();
      }
    }
    expect(cancelled, 'no job ever ran on the array').toBeDefined();
    const task = cancelled!.worker.replace(/^slurm-/, '');
    await execa('scancel', [task], { env: cluster.env });

    const r = await run;
    const said = `${r.stdout}\n${r.stderr}\n${cluster.logs()}`;
    expect(r.exitCode, said).toBe(0);
    expect(r.stderr).toMatch(/slurm: submitted worker array \d+ \(2 task\(s\)\)/);
    expect(r.stdout).toMatch(new RegExp(`worker ${cancelled!.worker} left \\(SIGTERM on .*\\); .* \\[${cancelled!.key}\\] queued again`));
    expect(r.stdout).toMatch(/finished 'slurmy': 4 trained, 0 failed/);
    // then the answer the grid was trained for, after the finished line
    expect(r.stdout.slice(r.stdout.indexOf("finished 'slurmy'"))).toMatch(/\n\nAnswer for 'slurmy'\n\S+: ensemble \[/);

    const s = new Database(db, { readonly: true });
    try {
      const jobs = s.prepare(`SELECT key, status, worker FROM jobs ORDER BY key`).all() as { key: string; status: string; worker: string }[];
      expect(jobs.map((j) => j.status)).toEqual(['done', 'done', 'done', 'done']);
      // every job stored once, and the handed-back one finished by the other task
      const perJob = s.prepare(`SELECT job, COUNT(*) AS n FROM metrics GROUP BY job ORDER BY job`).all() as { job: string; n: number }[];
      expect(perJob.map((p) => p.n)).toEqual([1, 1, 1, 1]);
      expect(jobs.find((j) => j.key === cancelled!.key)!.worker).not.toBe(cancelled!.worker);
      const handbacks = s.prepare(`SELECT job, worker FROM events WHERE kind = 'handback'`).all();
      expect(handbacks).toEqual([{ job: cancelled!.key, worker: cancelled!.worker }]);
      expect(s.prepare(`SELECT COUNT(*) AS n FROM events WHERE kind IN ('retry', 'failed')`).get()).toEqual({ n: 0 });
    } finally {
      s.close();
    }
    // The array is cancelled at the end (no task waits or runs; one may still be completing), and the
    // run's secret key is gone; the logs stay.
    const arrayId = cancelled!.worker.replace(/^slurm-(\d+)_.*$/, '$1');
    const q = await execa('squeue', ['-h', '-r', '-j', arrayId, '-t', 'PENDING,RUNNING'], { env: cluster.env, reject: false });
    expect(String(q.stdout).trim()).toBe('');
    const runDir = join(dir, 'slurm', readdirSync(join(dir, 'slurm'))[0]);
    expect(existsSync(join(runDir, 'worker-keys.json'))).toBe(false);
    expect(readdirSync(runDir).filter((f) => f.endsWith('.log')).length).toBe(2);
  }, 150_000);

  it('plateau workers slurm adds an array of workers to a running broker, with the command the run printed', async () => {
    const dir = tmp();
    const file = join(dir, 'more.yaml');
    writeFileSync(file, JSON.stringify(tinySpec({ name: 'more', fractions: [0.25, 0.5, 0.75, 1], training: { epochs: 30, batch_size: 8, lr: 0.01 } })));
    const db = join(dir, 'store.db');
    const run = plateau(['run', file, '--db', db, '--slurm', '--workers', '1', '--bind', 'tcp://127.0.0.1:*', '--no-dashboard'], cluster.env);
    let said = '';
    run.stderr!.on('data', (b: Buffer) => (said += b.toString()));
    let ended = false;
    void run.finally(() => (ended = true));
    while (!/more workers: plateau workers slurm .* --workers N\n/.test(said) && !ended) await new Promise((r) => setTimeout(r, 100));
    // the printed command, as a user would paste it (shell quotes around the key), with N = 1
    const printed = /more workers: plateau (workers slurm .*) --workers N\n/.exec(said)![1];
    const args = [...printed.matchAll(/--server-key='([^']*)'|(\S+)/g)].map((m) => (m[1] !== undefined ? `--server-key=${m[1]}` : m[2]));
    const more = await plateau([...args, '--workers', '1', '--log-dir', join(dir, 'more-logs')], cluster.env);
    expect(more.exitCode, more.stderr).toBe(0);
    const extra = /submitted worker array (\d+)/.exec(more.stdout)![1];
    const r = await run;
    expect(r.exitCode, `${r.stdout}\n${r.stderr}`).toBe(0);
    const s = new Database(db, { readonly: true });
    try {
      const by = (s.prepare(`SELECT DISTINCT worker FROM jobs WHERE status = 'done'`).all() as { worker: string }[]).map((w) => w.worker.replace(/_\d+$/, ''));
      expect(by).toContain(`slurm-${extra}`); // the added array took jobs too
      expect(s.prepare(`SELECT COUNT(*) AS n FROM metrics`).get()).toEqual({ n: 8 });
    } finally {
      s.close();
    }
  }, 150_000);

  it("says in one line what sbatch refused (exit 2), before anything is written (sbatch --test-only)", async () => {
    const dir = tmp();
    const file = join(dir, 'nope.yaml');
    writeFileSync(file, JSON.stringify(tinySpec({ name: 'nope' })));
    const r = await plateau(['run', file, '--db', join(dir, 's.db'), '--slurm', '--partition', 'nope', '--bind', 'tcp://127.0.0.1:*', '--no-dashboard'], cluster.env);
    expect(r.exitCode, r.stderr).toBe(2);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr.trim()).toMatch(/^plateau: --slurm: sbatch refused the worker array: .*Invalid partition name specified$/);
    // no store of queued jobs left behind (there was one before the request was tried first), no job queued
    expect(existsSync(join(dir, 's.db'))).toBe(false);
    const q = await execa('squeue', ['-h', '-n', 'plateau-nope'], { env: { ...process.env, ...cluster.env }, reject: false });
    expect(String(q.stdout).trim()).toBe('');
  }, 60_000);

  it('runs an adaptive study with a worker array per wave', async () => {
    const dir = tmp();
    const file = join(dir, 'adaptive.yaml');
    writeFileSync(file, JSON.stringify(tinySpec({
      name: 'adaptive', dataset: { kind: 'synthetic-2d', count: 90, size: 32, objects: 3, radius_max: 6, noise: 0.3, seed: 1 },
      split: { train: 60, val: 15, test: 15 }, fractions: [0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 1],
      models: [{ family: 'resunet', depths: [2], channels: 4, res_units: 1 }],
    })));
    const db = join(dir, 'store.db');
    const r = await plateau(['run', file, '--db', db, '--adaptive', '--precision', '100', '--budget', '5000', '--slurm', '--workers', '2', '--bind', 'tcp://127.0.0.1:*', '--json'], cluster.env);
    expect(r.exitCode, r.stderr).toBe(0);
    const out = JSON.parse(r.stdout.trim().split('\n').at(-1)!);
    expect(out).toMatchObject({ strategy: 'adaptive', failed: 0 });
    expect(out.waves, JSON.stringify(out)).toBeGreaterThanOrEqual(2); // a small budget: a few waves, then it stops
    const arrays = [...r.stderr.matchAll(/submitted worker array (\d+)/g)].map((m) => m[1]);
    expect(arrays).toHaveLength(out.waves);
    const s = new Database(db, { readonly: true });
    try {
      const by = (s.prepare(`SELECT j.worker FROM jobs j JOIN metrics m ON m.job = j.key`).all() as { worker: string }[]).map((w) => w.worker);
      expect(by).toHaveLength(out.trained);
      expect(by.every((w) => arrays.some((a) => w.startsWith(`slurm-${a}_`)))).toBe(true);
    } finally {
      s.close();
    }
    const live = await execa('squeue', ['-h', '-r', '-t', 'PENDING,RUNNING'], { env: cluster.env, reject: false });
    expect(String(live.stdout).trim()).toBe('');
  }, 150_000);

  it('cancels the array and removes its key when the run is interrupted (Ctrl-C)', async () => {
    const dir = tmp();
    const file = join(dir, 'stop.yaml');
    writeFileSync(file, JSON.stringify(tinySpec({ name: 'stop', training: { epochs: 60, batch_size: 8, lr: 0.01 } })));
    const db = join(dir, 'store.db');
    const run = plateau(['run', file, '--db', db, '--slurm', '--workers', '2', '--bind', 'tcp://127.0.0.1:*', '--no-dashboard'], cluster.env);
    let said = '';
    run.stderr!.on('data', (b: Buffer) => (said += b.toString()));
    while (!/submitted worker array \d+/.test(said)) await new Promise((r) => setTimeout(r, 100));
    const arrayId = /submitted worker array (\d+)/.exec(said)![1];
    const live = async () => String((await execa('squeue', ['-h', '-r', '-j', arrayId, '-t', 'PENDING,RUNNING'], { env: cluster.env, reject: false })).stdout).trim();
    expect(await live()).not.toBe('');
    run.kill('SIGINT');
    const r = await run;
    expect(r.exitCode, r.stderr).toBe(130);
    expect(await live()).toBe('');
    const runDir = join(dir, 'slurm', readdirSync(join(dir, 'slurm'))[0]);
    expect(existsSync(join(runDir, 'worker-keys.json'))).toBe(false);
  }, 150_000);

  it('stops with exit 1, naming the logs, when the whole array is cancelled with jobs left; nothing stays running', async () => {
    const dir = tmp();
    const file = join(dir, 'gone.yaml');
    writeFileSync(file, JSON.stringify(tinySpec({ name: 'gone', training: { epochs: 200, batch_size: 8, lr: 0.01 } })));
    const db = join(dir, 'store.db');
    const run = plateau(['run', file, '--db', db, '--slurm', '--workers', '1', '--bind', 'tcp://127.0.0.1:*', '--no-dashboard'], cluster.env);
    let ended = false;
    void run.finally(() => (ended = true));
    let worker: string | undefined;
    while (!worker && !ended) {
      await new Promise((r) => setTimeout(r, 200));
      if (!existsSync(db)) continue;
      const s = new Database(db, { readonly: true, fileMustExist: true });
      try {
        worker = (s.prepare(EARLY).get() as { worker: string } | undefined)?.worker;
      } catch {
        /* tables not made yet */
      } finally {
        s.close();
      }
    }
    expect(worker, 'no job ever ran').toBeDefined();
    const arrayId = worker!.replace(/^slurm-(\d+)_.*$/, '$1');
    await execa('scancel', [arrayId], { env: cluster.env });
    const r = await run;
    expect(r.exitCode, `${r.stdout}\n${r.stderr}`).toBe(1);
    expect(r.stderr).toMatch(new RegExp(`every Slurm worker of array ${arrayId} has ended with [1-4] job\\(s\\) left; see their logs in ${dir}/slurm/gone-`));
    const s = new Database(db, { readonly: true });
    try {
      const statuses = (s.prepare(`SELECT status FROM jobs`).all() as { status: string }[]).map((j) => j.status);
      expect(statuses.filter((x) => x === 'queued').length).toBeGreaterThan(0);
      expect(statuses.every((x) => x === 'queued' || x === 'done')).toBe(true);
      expect(s.prepare(`SELECT job FROM events WHERE kind = 'handback'`).all()).toEqual([{ job: expect.stringMatching(/^[0-9a-f]{16}$/) }]);
    } finally {
      s.close();
    }
  }, 150_000);
});
