import { join } from 'node:path';
import { Float64, Int32, Table, Utf8, tableToIPC, vectorFromArray } from 'apache-arrow';
import { describe, expect, it } from 'vitest';
import { Dealer, curveKeyPair } from 'zeromq';
import { startBroker } from '../../../ts/dispatch/broker';
import { runJobs } from '../../../ts/dispatch/run';
import { z85Decode } from '../../../ts/dispatch/z85';
import { expandGrid } from '../../../ts/experiment/grid';
import type { Job } from '../../../ts/experiment/job';
import { openDb, type Db } from '../../../ts/store/db';
import { registerExperiment } from '../../../ts/store/jobs';
import { PYTHON, tiny, tmp } from '../helpers';

/**
 * Results are decoded and checked on a thread of their own (ts/results/decoder.ts): what it answers
 * is stored as before, a frame that makes Arrow throw is refused without ending the run, a result
 * being checked is neither lost with its worker nor taken twice, and the thread ends with the run.
 */

const f64 = (...v: number[]) => vectorFromArray(v, new Float64());
const i32 = (...v: number[]) => vectorFromArray(v, new Int32());
const str = (...v: string[]) => vectorFromArray(v, new Utf8());
const ipc = (cols: Record<string, ReturnType<typeof f64> | ReturnType<typeof i32> | ReturnType<typeof str>>) => Buffer.from(tableToIPC(new Table(cols), 'stream'));

function result(job: Job, dice: number): Buffer[] {
  const ids = Array.from({ length: 8 }, (_, i) => `case-${i}`);
  return [
    ipc({ epoch: i32(1), train_loss: f64(0.6), val_loss: f64(0.5), val_dice: f64(0.3), seconds: f64(0.1) }),
    ipc({
      dice: f64(dice), iou: f64(0.3), recall: f64(0.5), precision: f64(0.5), bce: f64(0.4), global_dice: f64(0.4),
      n_train: i32(job.n_train!), n_val: i32(8), n_test: i32(8), epochs_run: i32(1), best_epoch: i32(1), train_seconds: f64(0.1),
      params: i32(1000), flops: f64(1e6), throughput: f64(100), device: str('cpu'),
    }),
    ipc({ case_id: str(...ids), patient: str(...ids), dice: f64(...ids.map((_, i) => i / 10)), iou: f64(...ids.map(() => 0.3)),
      recall: f64(...ids.map(() => 0.5)), precision: f64(...ids.map(() => 0.5)), foreground: f64(...ids.map(() => 10)) }),
  ];
}

const RESULT = (job: Job) => JSON.stringify({ job: job.key, tables: ['epochs', 'metrics', 'cases'], seconds: 0.1 });
const READY = (worker: string) => JSON.stringify({ worker, host: 'test', pid: 1, device: 'cpu', torch: '0', monai: '0', threads: 1 });
const events = (db: Db, kind: string) => db.prepare(`SELECT job, worker, message FROM events WHERE kind = ? ORDER BY id`).all(kind) as { job: string | null; worker: string | null; message: string }[];
/** Worker threads alive in this process (the diagnostic report lists each). */
const threads = () => (process.report.getReport() as unknown as { workers: unknown[] }).workers.length;

async function nextJob(d: Dealer): Promise<Job> {
  for (;;) {
    const [type, header] = await d.receive();
    if (type.toString() === 'JOB') return JSON.parse(header.toString()) as Job;
  }
}

async function until(what: string, ok: () => boolean, ms = 15_000): Promise<void> {
  const t0 = Date.now();
  while (!ok()) {
    if (Date.now() - t0 > ms) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe('results decoded off the event loop', () => {
  it('stores what the thread decodes, refuses a frame that makes Arrow throw, takes a result once, and ends the thread', async () => {
    const exp = tiny({ name: 'decoding', fractions: [1] });
    const jobs = expandGrid(exp);
    const db = openDb(join(tmp(), 'decoding.db'));
    registerExperiment(db, exp, jobs);
    const server = curveKeyPair();
    const keys = curveKeyPair();
    let started!: (endpoint: string) => void;
    const endpoint = new Promise<string>((r) => (started = r));
    const before = threads();
    const run = runJobs({
      db, experiment: exp.name, jobs, workers: 0, python: PYTHON, endpoint: 'tcp://127.0.0.1:*', heartbeatMs: 200, timeoutMs: 30_000, maxAttempts: 5,
      curve: { keys: server, authorized: new Set([z85Decode(keys.publicKey).toString('hex')]) },
      onStarted: (_, ep) => started(ep),
    });
    const w = new Dealer({ routingId: 'w', linger: 0, curveServerKey: server.publicKey, curvePublicKey: keys.publicKey, curveSecretKey: keys.secretKey });
    try {
      w.connect(await endpoint);
      await w.send(['READY', READY('w')]);
      const first = await nextJob(w);

      // A truncated Arrow stream: Arrow itself throws in the thread; the result is refused with its
      // message, the job is queued again and given back, and the run goes on.
      const [epochs, ...rest] = result(first, 0.4);
      await w.send(['RESULT', RESULT(first), epochs.subarray(0, 20), ...rest]);
      await until('the refusal', () => events(db, 'retry').length === 1);
      expect(events(db, 'retry')[0]).toMatchObject({ job: first.key, message: expect.stringMatching(/^result rejected: Expected to read \d+ metadata bytes/) });
      expect((await nextJob(w)).key).toBe(first.key);

      // The same result twice in a row: the second comes while the first is checked (or after it was
      // stored): it is recorded as rejected and the training is counted once.
      await w.send(['RESULT', RESULT(first), ...result(first, 0.4)]);
      await w.send(['RESULT', RESULT(first), ...result(first, 0.9)]);
      const second = await nextJob(w);
      await until('the duplicate rejected', () => events(db, 'rejected').length === 1);
      expect(events(db, 'rejected')[0]).toMatchObject({ job: first.key, message: expect.stringMatching(/was not stored: (its result for this job is still being checked|it was given|it holds no job)/) });

      await w.send(['RESULT', RESULT(second), ...result(second, 0.5)]);
      expect(await run).toMatchObject({ done: 2, failed: 0 });
      expect(events(db, 'result').map((e) => e.job).sort()).toEqual([first.key, second.key].sort());
      // Stored as decoded: the metrics row and every case row, in order, with their values.
      const metrics = db.prepare(`SELECT job, dice, n_test, device FROM metrics ORDER BY dice`).all();
      expect(metrics).toEqual([{ job: first.key, dice: 0.4, n_test: 8, device: 'cpu' }, { job: second.key, dice: 0.5, n_test: 8, device: 'cpu' }]);
      const cases = db.prepare(`SELECT case_id, dice FROM cases WHERE job = ? ORDER BY rowid`).all(first.key);
      expect(cases).toEqual(Array.from({ length: 8 }, (_, i) => ({ case_id: `case-${i}`, dice: i / 10 })));
      // The decoder's thread ended with the run.
      expect(threads()).toBe(before);
    } finally {
      w.close();
      await run.catch(() => {});
      db.close();
    }
  });
});

describe('the broker while a result is being stored', () => {
  /** The broker with a result handler the test settles by hand; workers are real DEALER sockets. */
  async function brokerWithHeldResults(jobs: Job[]) {
    const log: string[] = [];
    const held: { job: string; settle(ok: boolean): void }[] = [];
    const broker = await startBroker({
      jobs,
      maxAttempts: 3,
      handlers: {
        result: (job, worker) =>
          new Promise<void>((resolve, reject) => {
            held.push({ job: job.key, settle: (ok) => (ok ? (log.push(`stored ${job.key} from ${worker}`), resolve()) : reject(new Error('bad table'))) });
          }),
        failed: (job, worker, error, final) => void log.push(`${final ? 'failed' : 'retry'} ${job.key} from ${worker}: ${error}`),
      },
    });
    const worker = async (id: string) => {
      const d = new Dealer({ routingId: id, linger: 0 });
      d.connect(broker.endpoint);
      await d.send(['READY', READY(id)]);
      return d;
    };
    /** `d` takes `job` and sends its result, which the broker then holds until the test settles it. */
    const sendHeld = async (d: Dealer, job: Job) => {
      const n = held.length;
      expect((await nextJob(d)).key).toBe(job.key);
      await d.send(['RESULT', RESULT(job)]);
      await until('the result held', () => held.length === n + 1);
    };
    return { broker, log, held, worker, sendHeld };
  }

  /** One job, the broker holding its results, and worker 'a' connected. */
  async function oneJobHeld() {
    const [job] = expandGrid(tiny({ name: 'held', fractions: [1] }));
    const b = await brokerWithHeldResults([job]);
    return { ...b, job, a: await b.worker('a') };
  }

  it('a worker lost while its result is stored: the job is done once, not queued again', async () => {
    const { broker, log, held, sendHeld, job, a } = await oneJobHeld();
    try {
      await sendHeld(a, job);
      broker.workerExited('a', 'killed by SIGKILL');
      expect(broker.inFlight()).toEqual([]);
      expect(broker.remaining()).toBe(1); // neither lost nor finished yet
      held[0].settle(true);
      await broker.done;
      expect(log).toEqual([`stored ${job.key} from a`]);
      expect(broker.remaining()).toBe(0);
    } finally {
      a.close();
      await broker.close();
    }
  });

  it('a worker lost while its result is refused: the job goes to another worker', async () => {
    const { broker, log, held, worker, sendHeld, job, a } = await oneJobHeld();
    let b: Dealer | undefined;
    try {
      await sendHeld(a, job);
      // 'b' comes only now: two READYs sent together may arrive in either order, and 'a' must hold the job.
      b = await worker('b');
      broker.workerExited('a', 'killed by SIGKILL');
      held[0].settle(false);
      await sendHeld(b, job);
      held[1].settle(true);
      await broker.done;
      expect(log).toEqual([`retry ${job.key} from a: result rejected: bad table`, `stored ${job.key} from b`]);
    } finally {
      a.close();
      b?.close();
      await broker.close();
    }
  });

  it('close() waits for a result being stored', async () => {
    const { broker, log, held, sendHeld, job, a } = await oneJobHeld();
    try {
      await sendHeld(a, job);
      let closed = false;
      const closing = broker.close().then(() => (closed = true));
      await new Promise((r) => setTimeout(r, 100));
      expect(closed).toBe(false);
      held[0].settle(true);
      await closing;
      expect(log).toEqual([`stored ${job.key} from a`]);
      expect(broker.inFlight()).toEqual([]);
    } finally {
      a.close();
    }
  });
});
