import { writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { execa, type ResultPromise } from 'execa';
import { stringify } from 'yaml';
import { openDb } from '../../ts/store/db';
import { jobCounts } from '../../ts/store/jobs';
import { pidAlive } from '../../ts/store/lock';
import { rng } from '../../ts/surrogate/random';

/**
 * A fault-injection campaign against the real CLI: `plateau run` on a small grid, again and again until
 * every job is stored, while a seeded plan SIGKILLs workers mid-job, SIGKILLs the control plane, and
 * stops it with SIGINT / SIGTERM / SIGHUP. Used by test/ts/dispatch/campaign.test.ts (short) and
 * bench/chaos.ts (long). Trainings are counted from the store's events — 'result' (written with the rows,
 * also for a result of a job already stored) and 'rejected' (a result for a job the worker no longer
 * held) — not from rows, so a job trained twice shows even though its rows would not.
 */

const ROOT = resolve(import.meta.dirname, '../..');
const SIGNAL_CODE = { SIGINT: 130, SIGTERM: 143, SIGHUP: 129 } as const;
type StopSignal = keyof typeof SIGNAL_CODE;

export interface CampaignOptions {
  dir: string;
  seed: number;
  /** Grid size (fractions of one small network). */
  jobs: number;
  epochs: number;
  workers: number;
  /** Worker SIGKILLs to deal out, at random moments while a job trains. */
  workerKills: number;
  /** Least time between two worker kills: the pool replaces at most workers × 3 a minute. */
  killGapMs?: number;
  /** Control-plane SIGKILLs, each followed by a restart. */
  planeKills: number;
  /** Clean stops, each followed by a restart. */
  signals: StopSignal[];
  /** --worker-timeout: how long orphaned workers may take to notice the silence. */
  workerTimeoutS: number;
  say?(line: string): void;
}

export interface CampaignReport {
  jobs: number;
  done: number;
  /** RESULTs that reached a broker: one per job when nothing was trained twice. */
  trainings: number;
  duplicated: number;
  lost: number;
  integrity: string;
  workerKills: number;
  planeKills: number;
  stops: number;
  /** Problems seen along the way (an orphan worker, a wrong exit code, status not right at once); empty when none. */
  problems: string[];
  runs: number;
  seconds: number;
}


const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export async function campaign(o: CampaignOptions): Promise<CampaignReport> {
  const t0 = Date.now();
  const random = rng(o.seed);
  const file = join(o.dir, 'chaos.yaml');
  const dbFile = join(o.dir, 'chaos.db');
  const fractions = Array.from({ length: o.jobs }, (_, i) => Number(((i + 1) / o.jobs).toFixed(4)));
  writeFileSync(file, stringify({
    name: 'chaos',
    dataset: { kind: 'synthetic-2d', count: 40, size: 32, objects: 3, radius_max: 6, noise: 0.3, seed: 1 },
    split: { train: 24, val: 8, test: 8 },
    fractions,
    models: [{ family: 'resunet', depths: [2], channels: 4, res_units: 1 }],
    training: { epochs: o.epochs, batch_size: 4, lr: 0.01 },
    seed: 3,
  }));
  const problems: string[] = [];
  let workerKills = 0;
  let planeKills = 0;
  let stops = 0;
  let runs = 0;
  let lastKill = 0;
  const say = o.say ?? (() => {});

  // Reads the store as `status` would: a fresh read-only connection each time.
  const read = <T>(f: (db: ReturnType<typeof openDb>) => T): T => {
    const db = openDb(dbFile, { readonly: true });
    try {
      return f(db);
    } finally {
      db.close();
    }
  };
  const liveWorkerPids = () =>
    read((db) => (db.prepare(`SELECT pid FROM workers WHERE state != 'gone' AND pid IS NOT NULL`).all() as { pid: number }[]).map((r) => r.pid)).filter(pidAlive);
  const results = () => {
    try {
      return read((db) => (db.prepare(`SELECT COUNT(*) AS n FROM events WHERE kind = 'result'`).get() as { n: number }).n);
    } catch {
      return 0; // no store yet
    }
  };

  for (;;) {
    runs += 1;
    // This run's disruption: a control-plane SIGKILL, a stop signal, or none (it must finish).
    const planned: 'kill' | StopSignal | 'none' = planeKills < o.planeKills && (stops >= o.signals.length || random() < 0.5) ? 'kill' : stops < o.signals.length ? o.signals[stops] : 'none';
    const run: ResultPromise = execa(join(ROOT, 'bin', 'plateau'),
      ['run', file, '--db', dbFile, '--workers', String(o.workers), '--worker-timeout', String(o.workerTimeoutS), '--no-dashboard'],
      { reject: false, cwd: ROOT, env: { NO_COLOR: '1' }, all: true });
    let ended = false;
    void run.then(() => (ended = true));
    const atStart = results();
    // Disrupt after 0-2 more results (or at once when the grid is nearly done).
    const after = Math.floor(random() * 3);
    let disrupted = false;
    while (!ended) {
      await sleep(100);
      let training: { pid: number }[] = [];
      try {
        training = read((db) => db.prepare(`SELECT w.pid FROM workers w JOIN jobs j ON j.key = w.job AND j.status = 'running' WHERE w.state = 'training' AND w.epoch >= 1`).all() as { pid: number }[]);
      } catch {
        continue; // the store is being made
      }
      // Worker kills: at a random moment while a job trains past its first epoch.
      if (workerKills < o.workerKills && training.length && Date.now() - lastKill >= (o.killGapMs ?? 0) && random() < 0.5) {
        const victim = training[Math.floor(random() * training.length)].pid;
        if (pidAlive(victim)) {
          process.kill(victim, 'SIGKILL');
          workerKills += 1;
          lastKill = Date.now();
          say(`run ${runs}: SIGKILL worker pid ${victim}`);
        }
      }
      if (disrupted || planned === 'none' || results() - atStart < after || !training.length) continue;
      disrupted = true;
      const pids = liveWorkerPids();
      if (planned === 'kill') {
        process.kill(run.pid!, 'SIGKILL');
        await run;
        planeKills += 1;
        say(`run ${runs}: SIGKILL control plane; ${pids.length} worker(s) must notice the silence`);
        // status is right at once: nothing 'running' once the lock holder is dead
        const c = read((db) => jobCounts(db, 'chaos'));
        if (c.running !== 0) problems.push(`run ${runs}: status showed ${c.running} running job(s) after the control plane was killed`);
        const deadline = Date.now() + (o.workerTimeoutS + 10) * 1000;
        while (pids.some(pidAlive) && Date.now() < deadline) await sleep(200);
        const orphans = pids.filter(pidAlive);
        if (orphans.length) {
          problems.push(`run ${runs}: worker(s) ${orphans.join(', ')} still alive ${o.workerTimeoutS + 10} s after the control plane died`);
          for (const p of orphans) process.kill(p, 'SIGKILL');
        }
      } else {
        process.kill(run.pid!, planned);
        const r = await run;
        stops += 1;
        say(`run ${runs}: ${planned}, exit ${r.exitCode}`);
        if (r.exitCode !== SIGNAL_CODE[planned]) problems.push(`run ${runs}: ${planned} ended with exit ${r.exitCode}, not ${SIGNAL_CODE[planned]}: ${String(r.all).slice(-300)}`);
        const running = read((db) => (db.prepare(`SELECT COUNT(*) AS n FROM jobs WHERE status = 'running'`).get() as { n: number }).n);
        if (running) problems.push(`run ${runs}: ${running} job(s) still marked running after ${planned}`);
        const orphans = pids.filter(pidAlive);
        if (orphans.length) {
          problems.push(`run ${runs}: worker(s) ${orphans.join(', ')} outlived the ${planned}ed control plane`);
          for (const p of orphans) process.kill(p, 'SIGKILL');
        }
      }
    }
    const r = await run;
    if (!disrupted) {
      const c = read((db) => jobCounts(db, 'chaos'));
      if (r.exitCode !== 0) problems.push(`run ${runs}: exit ${r.exitCode}: ${String(r.all).slice(-300)}`);
      if (c.done === c.total) break;
      if (runs > o.planeKills + o.signals.length + 5) {
        problems.push(`gave up after ${runs} runs with ${c.total - c.done} job(s) not done`);
        break;
      }
    }
  }

  return read((db) => {
    const perJob = db.prepare(`SELECT j.key, j.status, (SELECT COUNT(*) FROM events e WHERE e.kind IN ('result', 'rejected') AND e.job = j.key) AS n FROM jobs j`).all() as { key: string; status: string; n: number }[];
    const rows = (db.prepare(`SELECT COUNT(*) AS n FROM metrics`).get() as { n: number }).n;
    if (rows !== perJob.filter((j) => j.status === 'done').length) problems.push(`${rows} metrics rows for ${perJob.length} jobs`);
    return {
      jobs: perJob.length,
      done: perJob.filter((j) => j.status === 'done').length,
      trainings: perJob.reduce((s, j) => s + j.n, 0),
      duplicated: perJob.filter((j) => j.n > 1).length,
      lost: perJob.filter((j) => j.status !== 'done').length,
      integrity: (db.pragma('integrity_check', { simple: true }) as string),
      workerKills,
      planeKills,
      stops,
      problems,
      runs,
      seconds: (Date.now() - t0) / 1000,
    };
  });
}
