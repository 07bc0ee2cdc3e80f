import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { execa } from 'execa';
import { describe, expect, it, vi } from 'vitest';
import { curveKeyPair } from 'zeromq';
import { remoteHint } from '../../../ts/cli/run';
import { runJobs } from '../../../ts/dispatch/run';
import { z85Decode } from '../../../ts/dispatch/z85';
import { expandGrid } from '../../../ts/experiment/grid';
import { TABLE_NAMES } from '../../../ts/protocol/tables';
import { openDb, type Db } from '../../../ts/store/db';
import { registerExperiment } from '../../../ts/store/jobs';
import { pidAlive } from '../../../ts/store/lock';
import { PYTHON, ROOT, cli, tiny, tmp } from '../helpers';

/** Real Python worker processes that are refused, die before READY, hang, or resume a job. */

const events = (db: Db, kind: string) =>
  db.prepare(`SELECT job, worker, message FROM events WHERE kind = ? ORDER BY id`).all(kind) as { job: string | null; worker: string | null; message: string }[];

const hex = (z85: string) => z85Decode(z85).toString('hex');

/** A broker key pair whose public key begins with '-' (about 1 in 85 do), as some users get. */
function dashKeys() {
  for (;;) {
    const k = curveKeyPair();
    if (k.publicKey.startsWith('-')) return k;
  }
}

/** A worker key pair file in the format `plateau worker --keygen` writes (made here: no Python start). */
function keygen(file: string): string {
  const k = curveKeyPair();
  writeFileSync(file, JSON.stringify(k), { mode: 0o600 });
  return k.publicKey;
}

describe('workers that are not admitted, and keys a shell cannot pass plainly', () => {
  it("unadmitted workers exit within their --timeout saying the broker refused their key; a '-' key works through the printed command", async () => {
    const dir = tmp();
    const exp = tiny({ name: 'keys', fractions: [1], models: [{ family: 'resunet', depths: [2], channels: 4, res_units: 1 }] });
    const jobs = expandGrid(exp);
    const db = openDb(join(dir, 'keys.db'));
    registerExperiment(db, exp, jobs);
    const server = dashKeys();
    const listed = join(dir, 'listed.json');
    const unlisted = join(dir, 'unlisted.json');
    const listedKey = keygen(listed);
    keygen(unlisted);
    const stderr = vi.spyOn(console, 'error').mockImplementation(() => {});
    let started!: (endpoint: string) => void;
    const endpoint = new Promise<string>((r) => (started = r));
    const stop = new AbortController();
    const run = runJobs({
      db, experiment: exp.name, jobs, workers: 0, python: PYTHON, endpoint: 'tcp://127.0.0.1:*', heartbeatMs: 200,
      curve: { keys: server, authorized: new Set([hex(listedKey)]) }, onStarted: (_, ep) => started(ep), signal: stop.signal,
    });
    try {
      const ep = await endpoint;
      const worker = (args: string[]) => execa(PYTHON, ['-m', 'plateau.worker', '--connect', ep, '--timeout', '20', '--heartbeat', '0.2', ...args], { cwd: ROOT, reject: false });
      const t0 = Date.now();
      // '--server-key -…' with a space: argparse alone would take the key for an option.
      const [refused, keyless] = await Promise.all([worker(['--server-key', server.publicKey, '--key-file', unlisted]), worker([])]);
      expect(Date.now() - t0).toBeLessThan(20_000 + 15_000); // the timeout, plus Python's start on a busy machine
      for (const r of [refused, keyless]) {
        expect(r.exitCode).toBe(3);
        expect(r.stderr).toContain("the broker refused this worker's key");
      }
      const said = stderr.mock.calls.flat().join('\n');
      // Two refusals within the quiet interval: the first is printed, the second counted for the next line.
      expect(said).toMatch(/plateau: refused a worker on tcp:\/\/127\.0\.0\.1:\d+: (its key was refused \(ZAP 400\)|its handshake failed)/);
      expect(events(db, 'denied').length).toBeGreaterThanOrEqual(1);

      // The command `plateau run --bind` prints, run by a shell as a user would paste it.
      const line = remoteHint(ep, server.publicKey).replace(/^workers elsewhere: npx plateau/, join(ROOT, 'bin', 'plateau')).replace('WORKER_KEYS.json', listed);
      expect(line).toContain(`--server-key='${server.publicKey}'`);
      const listedRun = execa('bash', ['-c', line], { cwd: ROOT, reject: false });
      // The worker ends on the broker's STOP; if it ended first, its stderr says why.
      const ended = listedRun.then((r) => (r.exitCode === 0 ? new Promise<never>(() => {}) : Promise.reject(new Error(`worker exited ${r.exitCode}: ${r.stderr}`))));
      expect(await Promise.race([run, ended])).toMatchObject({ done: 1, failed: 0 });
      expect((await listedRun).exitCode).toBe(0);

      // status shows what the broker met, beside what it stored: the refusals, counted and the latest said
      const st = await cli(['status', '--db', join(dir, 'keys.db'), '--json']);
      expect(st.exitCode, st.stderr).toBe(0);
      const denied = JSON.parse(st.stdout).workers.find((w: { kind: string }) => w.kind === 'denied');
      expect(denied.count).toBe(events(db, 'denied').length);
      const plain = await cli(['status', '--db', join(dir, 'keys.db')]);
      expect(plain.stdout).toMatch(/workers: \d+ worker\(s\) refused; latest \(.+\): refused a worker on tcp/);
    } finally {
      stderr.mockRestore();
      stop.abort(); // a run with remote workers only waits for them; a failed check must not leave it waiting
      await run.catch(() => {});
      db.close();
    }
  });
});

describe('workers that die early or hang', () => {
  it('a worker that dies before READY: every exit recorded, and the run says why in one sentence', async () => {
    const exp = tiny({ name: 'early' });
    const jobs = expandGrid(exp);
    const db = openDb(join(tmp(), 'early.db'));
    registerExperiment(db, exp, jobs);
    // A Python without plateau installed: the worker dies at import, before it can say READY.
    const err = await runJobs({ db, experiment: exp.name, jobs, workers: 1, python: '/usr/bin/python3' }).catch((e: Error) => e);
    expect(err).toBeInstanceOf(Error);
    expect((err as Error).message).toMatch(/no worker left to train the remaining 4 job\(s\): 4 worker processes ended within a minute, the last exited with code 1 saying: .*No module named 'plateau'/);
    const exits = events(db, 'exit');
    expect(exits).toHaveLength(4); // the first and three replacements (count × 3 a minute)
    expect(exits.every((e) => /exited with code 1: .*No module named 'plateau'/.test(e.message))).toBe(true);
    db.close();
  });

  it('a stopped (SIGSTOP) local worker is killed and replaced within the silence timeout', async () => {
    const exp = tiny({ name: 'hung', fractions: [1], models: [{ family: 'resunet', depths: [2], channels: 4, res_units: 1 }], training: { epochs: 4, batch_size: 4, lr: 0.01 } });
    const jobs = expandGrid(exp);
    const db = openDb(join(tmp(), 'hung.db'));
    registerExperiment(db, exp, jobs);
    let stopped: number | undefined;
    let stoppedAt = 0;
    const summary = await runJobs({
      db, experiment: exp.name, jobs, workers: 1, python: PYTHON, heartbeatMs: 200, timeoutMs: 3000,
      onStarted(pool) {
        const timer = setInterval(() => {
          const busy = db.prepare(`SELECT pid FROM workers WHERE state = 'training'`).get() as { pid: number } | undefined;
          if (busy && pool.pids().includes(busy.pid)) {
            stopped = busy.pid;
            stoppedAt = Date.now();
            process.kill(busy.pid, 'SIGSTOP');
            clearInterval(timer);
          }
        }, 50);
      },
    });
    expect(stopped).toBeDefined();
    expect(summary).toMatchObject({ done: 1, failed: 0 });
    const lost = events(db, 'lost');
    expect(lost).toHaveLength(1);
    expect(lost[0].message).toMatch(/silent for [3-9] s/);
    expect(events(db, 'exit')[0].message).toMatch(/killed by SIGKILL/);
    expect(pidAlive(stopped!)).toBe(false);
    expect(Date.now() - stoppedAt).toBeGreaterThan(3000);
    db.close();
  });
});

describe('a job keeps its thread count', () => {
  it('a resumed job runs with the threads stored when it first ran, and stores the same metrics', async () => {
    const exp = tiny({ name: 'threads', fractions: [1], models: [{ family: 'resunet', depths: [2], channels: 4, res_units: 1 }], training: { epochs: 2, batch_size: 4, lr: 0.01 } });
    const jobs = expandGrid(exp);
    const db = openDb(join(tmp(), 'threads.db'));
    registerExperiment(db, exp, jobs);
    const metrics = () => db.prepare(`SELECT dice, iou, bce FROM metrics`).get() as Record<string, number>;
    const trainLoss = () => (db.prepare(`SELECT train_loss FROM epochs ORDER BY epoch`).all() as { train_loss: number }[]).map((r) => r.train_loss);
    expect(await runJobs({ db, experiment: exp.name, jobs, workers: 1, python: PYTHON, threads: 2 })).toMatchObject({ done: 1 });
    const first = { m: metrics(), loss: trainLoss() };
    expect(db.prepare(`SELECT threads FROM jobs`).get()).toEqual({ threads: 2 });
    // The store loses the result (as if the run had died before it arrived); the next run is asked for 1 thread.
    db.exec(`${TABLE_NAMES.map((t) => `DELETE FROM ${t};`).join(' ')} UPDATE jobs SET status = 'queued'`);
    expect(await runJobs({ db, experiment: exp.name, jobs, workers: 1, python: PYTHON, threads: 1 })).toMatchObject({ done: 1 });
    expect(db.prepare(`SELECT threads FROM jobs`).get()).toEqual({ threads: 2 });
    expect(metrics()).toEqual(first.m);
    expect(trainLoss()).toEqual(first.loss);
    db.close();
  });
});
