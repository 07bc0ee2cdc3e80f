import { join } from 'node:path';
import { Float64, Int32, Table, Utf8, tableToIPC, vectorFromArray } from 'apache-arrow';
import { describe, expect, it, vi } from 'vitest';
import { Dealer, curveKeyPair } from 'zeromq';
import { ProtocolLimit } from '../../../ts/dispatch/broker';
import { runJobs } from '../../../ts/dispatch/run';
import { z85Decode } from '../../../ts/dispatch/z85';
import { expandGrid } from '../../../ts/experiment/grid';
import type { Job } from '../../../ts/experiment/job';
import { maxFrameBytes } from '../../../ts/protocol/limits';
import { openDb, type Db } from '../../../ts/store/db';
import { registerExperiment } from '../../../ts/store/jobs';
import { PYTHON, tiny, tmp } from '../helpers';

/**
 * Clients that are admitted but lie (out-of-range values, results for jobs they were not given, floods
 * of malformed messages, frames past the size limit) and clients that are not admitted at all, against
 * the real broker of `runJobs` over real CURVE sockets. The clients are zeromq Dealers driven by the test.
 */

const f64 = (...v: number[]) => vectorFromArray(v, new Float64());
const i32 = (...v: number[]) => vectorFromArray(v, new Int32());
const str = (...v: string[]) => vectorFromArray(v, new Utf8());
const ipc = (cols: Record<string, ReturnType<typeof f64> | ReturnType<typeof i32> | ReturnType<typeof str>>) => Buffer.from(tableToIPC(new Table(cols), 'stream'));

/** A result a real trainer could send for `job` (8 test cases), with `over` replacing metrics values. */
function result(job: Job, o: { dice?: number; cases?: number; diverged?: boolean } = {}): Buffer[] {
  const n = o.cases ?? 8;
  const ids = Array.from({ length: n }, (_, i) => `case-${i}`);
  return [
    // a training that diverged reports NaN and infinite losses: that is a result, not a lie
    ipc({ epoch: i32(1), train_loss: f64(o.diverged ? Number.NaN : 0.6), val_loss: f64(o.diverged ? Number.POSITIVE_INFINITY : 0.5), val_dice: f64(o.diverged ? Number.NaN : 0.3), seconds: f64(0.1) }),
    ipc({
      dice: f64(o.dice ?? 0.4), iou: f64(0.3), recall: f64(0.5), precision: f64(0.5), bce: f64(0.4), global_dice: f64(0.4),
      n_train: i32(job.n_train!), n_val: i32(8), n_test: i32(8), epochs_run: i32(1), best_epoch: i32(1), train_seconds: f64(0.1),
      params: i32(1000), flops: f64(1e6), throughput: f64(100), device: str('cpu'),
    }),
    ipc({ case_id: str(...ids), patient: str(...ids), dice: f64(...ids.map(() => 0.4)), iou: f64(...ids.map(() => 0.3)),
      recall: f64(...ids.map(() => 0.5)), precision: f64(...ids.map(() => 0.5)), foreground: f64(...ids.map(() => 10)) }),
  ];
}

const sendResult = (s: Dealer, job: Job, tables: Buffer[]) =>
  s.send(['RESULT', JSON.stringify({ job: job.key, tables: ['epochs', 'metrics', 'cases'], seconds: 0.1 }), ...tables]);

const events = (db: Db, kind: string, worker?: string) =>
  db.prepare(`SELECT job, worker, message FROM events WHERE kind = ? ${worker ? 'AND worker = ?' : ''} ORDER BY id`).all(kind, ...(worker ? [worker] : [])) as { job: string | null; worker: string | null; message: string }[];

async function until(what: string, ok: () => boolean, ms = 15_000): Promise<void> {
  const t0 = Date.now();
  while (!ok()) {
    if (Date.now() - t0 > ms) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

const READY = (worker: string) => JSON.stringify({ worker, host: 'rogue', pid: 1, device: 'cpu', torch: '0', monai: '0', threads: 1 });

describe('hostile workers are contained', () => {
  it('an admitted client that lies, floods and oversends stores nothing wrong; a keyless client is refused', async () => {
    const exp = tiny({ name: 'rogue', fractions: [1] });
    const jobs = expandGrid(exp);
    const db = openDb(join(tmp(), 'rogue.db'));
    registerExperiment(db, exp, jobs);
    const server = curveKeyPair();
    const rogueKeys = curveKeyPair();
    const stderr = vi.spyOn(console, 'error').mockImplementation(() => {});
    let started!: (endpoint: string) => void;
    const endpoint = new Promise<string>((r) => (started = r));
    const run = runJobs({
      db, experiment: exp.name, jobs, workers: 0, python: PYTHON, endpoint: 'tcp://127.0.0.1:*', heartbeatMs: 200, timeoutMs: 30_000, maxAttempts: 10,
      curve: { keys: server, authorized: new Set([z85Decode(rogueKeys.publicKey).toString('hex')]) },
      onStarted: (_, ep) => started(ep),
    });
    const ep = await endpoint;
    const admitted = (id: string) => {
      const s = new Dealer({ routingId: id, linger: 0, curveServerKey: server.publicKey, curvePublicKey: rogueKeys.publicKey, curveSecretKey: rogueKeys.secretKey });
      s.connect(ep);
      return s;
    };
    const sockets: Dealer[] = [];
    try {
      // A keyless local process: the default broker speaks CURVE, so it is refused and gets nothing.
      const keyless = new Dealer({ routingId: 'keyless', linger: 0, receiveTimeout: 1500 });
      sockets.push(keyless);
      keyless.connect(ep);
      await keyless.send(['READY', READY('keyless')]);
      await until('the refusal', () => events(db, 'denied').length > 0);
      await expect(keyless.receive()).rejects.toThrow();
      expect(stderr.mock.calls.flat().join('\n')).toMatch(/refused a worker on tcp:\/\/127\.0\.0\.1:\d+: its handshake failed/);

      const rogue = admitted('rogue');
      sockets.push(rogue);
      await rogue.send(['READY', READY('rogue')]);
      const next = async () => {
        for (;;) {
          const [type, header, run] = await rogue.receive();
          if (type.toString() === 'JOB') return { job: JSON.parse(header.toString()) as Job, threads: JSON.parse(run.toString()).threads as number };
        }
      };
      const first = await next();
      expect(first.threads).toBeGreaterThan(0); // the run settings travel with the job
      const mine = jobs.find((j) => j.key === first.job.key)!;
      const other = jobs.find((j) => j.key !== mine.key)!;

      // A result for a job it was not given: recorded, not stored.
      await sendResult(rogue, other, result(other));
      await until('the rejection', () => events(db, 'rejected', 'rogue').length === 1);
      expect(events(db, 'rejected', 'rogue')[0]).toMatchObject({ job: other.key, message: expect.stringMatching(/was not stored: it was given/) });

      // Out-of-range values and too many cases: each rejected with its reason; the job comes back.
      const lies: [Buffer[], RegExp][] = [
        [result(mine, { dice: 42 }), /'dice' is 42, outside \[0, 1\]/],
        [result(mine, { dice: Number.POSITIVE_INFINITY }), /'dice' is Infinity, not a finite number/],
        [result(mine, { dice: -0.5 }), /'dice' is -0\.5, outside \[0, 1\]/],
        [result(mine, { cases: 9 }), /lists 9 cases for 8 test cases/],
      ];
      for (const [tables, why] of lies) {
        const before = events(db, 'retry').length;
        await sendResult(rogue, mine, tables);
        await until('a rejected result', () => events(db, 'retry').length === before + 1);
        expect(events(db, 'retry').at(-1)!.message).toMatch(why);
        expect((await next()).job.key).toBe(mine.key); // requeued, and given again
      }

      // A frame past maxMessageSize: ZeroMQ drops the connection before the broker reads a byte.
      const limit = maxFrameBytes(jobs);
      const seen = () => ['result', 'retry', 'rejected', 'protocol'].map((k) => events(db, k).length);
      const arrived = seen();
      await sendResult(rogue, mine, [Buffer.alloc(limit + 1024), Buffer.alloc(8), Buffer.alloc(8)]);
      await new Promise((r) => setTimeout(r, 500));
      expect(seen()).toEqual(arrived); // nothing of it reached the broker: no result, no rejection, no protocol error

      // A flood of malformed messages from another admitted client: a bounded number of event rows.
      const flooder = admitted('flooder');
      sockets.push(flooder);
      for (let i = 0; i < 1000; i++) await flooder.send(['NONSENSE', '{}']);
      await until('the flood to be dropped', () => events(db, 'protocol', 'flooder').some((e) => /dropped/.test(e.message)));
      await new Promise((r) => setTimeout(r, 300));
      const rows = events(db, 'protocol', 'flooder');
      expect(rows.length).toBeLessThanOrEqual(ProtocolLimit.PER_MINUTE + 1);
      expect(rows.at(-1)!.message).toMatch(/after \d+ more malformed message\(s\) not recorded/);

      // The rogue still holds its job: honest results finish the run (one of a training that diverged).
      await sendResult(rogue, mine, result(mine, { diverged: true }));
      const last = await next();
      await sendResult(rogue, last.job, result(last.job));
      expect(await run).toMatchObject({ done: 2, failed: 0 });
      const stored = db.prepare(`SELECT j.key, m.dice, (SELECT COUNT(*) FROM cases c WHERE c.job = j.key) AS cases FROM jobs j JOIN metrics m ON m.job = j.key`).all() as { dice: number; cases: number }[];
      expect(stored).toHaveLength(2);
      expect(stored.every((r) => r.dice === 0.4 && r.cases === 8)).toBe(true);
      expect(db.prepare(`SELECT train_loss, val_loss, val_dice FROM epochs WHERE job = ?`).get(mine.key)).toEqual({ train_loss: null, val_loss: Number.POSITIVE_INFINITY, val_dice: null });
    } finally {
      for (const s of sockets) s.close();
      stderr.mockRestore();
      await run.catch(() => {});
      db.close();
    }
  });
});
