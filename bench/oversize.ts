/**
 * An admitted worker sends a 100 MB RESULT (issue 12 measured a 29 s heartbeat stall and 1.9 GB before
 * limits): how long the broker's heartbeats to another worker pause, and how much its memory grows.
 * The reference is the same run's longest heartbeat gap before the attack; the attacker is a pyzmq
 * process of its own. Then the largest result within the limit: the same gaps while the decoder
 * thread decodes it (refused at its check, then stored).
 *
 *   bash scripts/node.sh --import tsx bench/oversize.ts [--mb 100]
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { execa } from 'execa';
import { Dealer, curveKeyPair } from 'zeromq';
import { runJobs } from '../ts/dispatch/run';
import { z85Decode } from '../ts/dispatch/z85';
import { expandGrid } from '../ts/experiment/grid';
import { Experiment } from '../ts/experiment/schema';
import { Float64, Int32, Table, Utf8, tableToIPC, vectorFromArray } from 'apache-arrow';
import { UNKNOWN_TEST_CASES, maxFrameBytes } from '../ts/protocol/limits';
import { decodeTable } from '../ts/results/arrow';
import { openDb } from '../ts/store/db';
import { registerExperiment } from '../ts/store/jobs';

const { values } = parseArgs({ options: { mb: { type: 'string', default: '100' }, rounds: { type: 'string', default: '3' }, python: { type: 'string', default: join(import.meta.dirname, '..', '.venv', 'bin', 'python') } } });
const exp = Experiment.parse({
  name: 'oversize', dataset: { kind: 'synthetic-2d', count: 40, size: 32, objects: 3, radius_max: 6, noise: 0.3, seed: 1 },
  split: { train: 24, val: 8, test: 8 }, fractions: [0.5, 1], models: [{ family: 'resunet', depths: [2], channels: 4, res_units: 1 }],
  training: { epochs: 1, batch_size: 8, lr: 0.01 }, seed: 3,
});
const jobs = expandGrid(exp);
const db = openDb(join(mkdtempSync(join(tmpdir(), 'plateau-oversize-')), 'o.db'));
registerExperiment(db, exp, jobs);
const server = curveKeyPair();
const client = curveKeyPair();
const stop = new AbortController();
let started!: (ep: string) => void;
const endpoint = new Promise<string>((r) => (started = r));
const run = runJobs({
  db, experiment: exp.name, jobs, workers: 0, python: 'unused', endpoint: 'tcp://127.0.0.1:*', heartbeatMs: 200, signal: stop.signal,
  curve: { keys: server, authorized: new Set([z85Decode(client.publicKey).toString('hex')]) }, onStarted: (_, ep) => started(ep),
});
run.catch(() => {});
const ep = await endpoint;
const dealer = (id: string) => {
  const s = new Dealer({ routingId: id, linger: 0, curveServerKey: server.publicKey, curvePublicKey: client.publicKey, curveSecretKey: client.secretKey });
  s.connect(ep);
  return s;
};
const READY = (w: string) => JSON.stringify({ worker: w, host: 'bench', pid: 1, device: 'cpu', torch: '0', monai: '0', threads: 1 });

// An honest worker that only listens: the gaps between the broker's heartbeats to it.
const honest = dealer('honest');
await honest.send(['READY', READY('honest')]);
let last = 0;
let gapBefore = 0;
let gapDuring = 0;
let attacking = false;
void (async () => {
  for await (const [type] of honest) {
    const t = performance.now();
    if (type.toString() === 'HEARTBEAT') {
      if (last) {
        if (attacking) gapDuring = Math.max(gapDuring, t - last);
        else gapBefore = Math.max(gapBefore, t - last);
      }
      last = t;
      void honest.send(['HEARTBEAT', '{}']);
    }
  }
})();
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
await sleep(3000);
const rssBefore = process.memoryUsage().rss;
// The attacker is a process of its own (pyzmq), so its encryption of the frame is not counted here.
const attack = `
import json, sys, time, zmq
s = zmq.Context.instance().socket(zmq.DEALER)
s.curve_serverkey, s.curve_publickey, s.curve_secretkey = (a.encode() for a in sys.argv[2:5])
s.identity = b"attacker"
s.connect(sys.argv[1])
s.send_multipart([b"READY", json.dumps(dict(worker="attacker", host="bench", pid=1, device="cpu", torch="0", monai="0", threads=1)).encode()])
time.sleep(0.5)
s.send_multipart([b"RESULT", json.dumps(dict(job=sys.argv[5], tables=["epochs", "metrics", "cases"], seconds=1)).encode(), bytes(int(sys.argv[6]) * 1024 * 1024), b"", b""])
time.sleep(8)
`;
attacking = true;
const attacker = execa(values.python!, ['-c', attack, ep, server.publicKey, client.publicKey, client.secretKey, jobs[0].key, values.mb!], { reject: false });
await sleep(6000);
const rssAfter = process.memoryUsage().rss;
const results = (db.prepare(`SELECT COUNT(*) AS n FROM events WHERE kind IN ('result', 'retry', 'protocol')`).get() as { n: number }).n;
console.log(`limit (maxMessageSize from the grid): ${(maxFrameBytes(jobs) / 1024).toFixed(0)} KiB; a ${values.mb} MB frame sent by another process, 6 s watched`);
console.log(`broker heartbeats to another worker: longest gap ${gapBefore.toFixed(0)} ms before (reference), ${gapDuring.toFixed(0)} ms during and after the attack; ratio ${(gapDuring / gapBefore).toFixed(2)}`);
console.log(`control plane memory (RSS): ${(rssBefore / 1e6).toFixed(0)} MB before, ${(rssAfter / 1e6).toFixed(0)} MB after`);
const admitted = db.prepare(`SELECT COUNT(*) AS n FROM workers WHERE id = 'attacker'`).get() as { n: number };
console.log(`attacker admitted (said READY, was given a job): ${admitted.n ? 'yes' : 'no'}; events from the frame (result, retry, protocol): ${results}`);
honest.close();
attacker.kill();
await attacker;
stop.abort();
await run.catch(() => {});
db.close();

// A result within the limit, at the largest a grid of a file-based data set allows (UNKNOWN_TEST_CASES
// cases with 256-character ids), sent by an admitted pyzmq worker to a second run whose jobs allow it,
// while another worker listens for heartbeats, each round: one that fails its check at the last case
// (decoded and checked, then refused), then a valid one (decoded, checked and stored). Results are
// decoded on the decoder's thread; storing the rows (SQLite) is on the event loop.
const ids = Array.from({ length: UNKNOWN_TEST_CASES }, (_, i) => String(i).padStart(256, '0'));
const casesFrame = (lastDice: number) => {
  const f64 = (v: (i: number) => number) => vectorFromArray(ids.map((_, i) => v(i)), new Float64());
  return Buffer.from(tableToIPC(new Table({ case_id: vectorFromArray(ids, new Utf8()), patient: vectorFromArray(ids, new Utf8()), dice: f64((i) => (i === ids.length - 1 ? lastDice : 0.5)), iou: f64(() => 0.5), recall: f64(() => 0.5), precision: f64(() => 0.5), foreground: f64(() => 10) }), 'stream'));
};
const one = (cols: Record<string, [number | string, 'f' | 'i' | 's']>) => Buffer.from(tableToIPC(new Table(Object.fromEntries(Object.entries(cols).map(([k, [v, t]]) => [k, vectorFromArray([v], t === 'f' ? new Float64() : t === 'i' ? new Int32() : new Utf8())]))), 'stream'));
const epochsFrame = one({ epoch: [1, 'i'], train_loss: [0.6, 'f'], val_loss: [0.5, 'f'], val_dice: [0.3, 'f'], seconds: [0.1, 'f'] });
const metricsFrame = one({
  dice: [0.5, 'f'], iou: [0.5, 'f'], recall: [0.5, 'f'], precision: [0.5, 'f'], bce: [0.4, 'f'], global_dice: [0.5, 'f'], n_train: [24, 'i'], n_val: [8, 'i'],
  n_test: [UNKNOWN_TEST_CASES, 'i'], epochs_run: [1, 'i'], best_epoch: [1, 'i'], train_seconds: [0.1, 'f'], params: [1000, 'i'], flops: [1e6, 'f'], throughput: [100, 'f'], device: ['cpu', 's'],
});
const dir = mkdtempSync(join(tmpdir(), 'plateau-oversize-big-'));
const frames = { epochs: epochsFrame, metrics: metricsFrame, refused: casesFrame(2), valid: casesFrame(0.5) };
for (const [name, bytes] of Object.entries(frames)) writeFileSync(join(dir, name), bytes);
// A grid on a file-based data set (one job per round, and one for the listener): its limit and checks
// allow UNKNOWN_TEST_CASES cases.
const rounds = Number(values.rounds);
const exp2 = Experiment.parse({ ...exp, name: 'oversize-big', fractions: Array.from({ length: rounds + 1 }, (_, i) => (i + 1) / (rounds + 1)) });
const jobs2 = expandGrid(exp2);
const bigJobs = jobs2.map((j) => ({ ...j, dataset: { kind: 'image-folder' }, split: { train: 0.7, val: 0.1, test: 0.2 } }) as unknown as typeof j);
const db2 = openDb(join(dir, 'o.db'));
registerExperiment(db2, exp2, jobs2);
const stop2 = new AbortController();
let started2!: (ep: string) => void;
const endpoint2 = new Promise<string>((r) => (started2 = r));
const run2 = runJobs({
  db: db2, experiment: exp2.name, jobs: bigJobs, workers: 0, python: 'unused', endpoint: 'tcp://127.0.0.1:*', heartbeatMs: 200, maxAttempts: 2 * rounds + 1, signal: stop2.signal,
  curve: { keys: server, authorized: new Set([z85Decode(client.publicKey).toString('hex')]) }, onStarted: (_, e) => started2(e),
});
run2.catch(() => {});
const ep2 = await endpoint2;
const listener = new Dealer({ routingId: 'listener', linger: 0, curveServerKey: server.publicKey, curvePublicKey: client.publicKey, curveSecretKey: client.secretKey });
listener.connect(ep2);
await listener.send(['READY', READY('listener')]);
// The longest gap between heartbeats to the listener in the current window (a gap counts in the window its end falls in).
let windowGap = 0;
let lastBeat = 0;
void (async () => {
  for await (const [type] of listener) {
    if (type.toString() !== 'HEARTBEAT') continue;
    const t = performance.now();
    if (lastBeat) windowGap = Math.max(windowGap, t - lastBeat);
    lastBeat = t;
    void listener.send(['HEARTBEAT', '{}']);
  }
})();
// The sender sends a result each time it reads a line naming the cases frame (after its next JOB).
const sender = `
import json, os, sys, zmq
s = zmq.Context.instance().socket(zmq.DEALER)
s.curve_serverkey, s.curve_publickey, s.curve_secretkey = (a.encode() for a in sys.argv[2:5])
s.identity = b"big"
s.connect(sys.argv[1])
read = lambda n: open(os.path.join(sys.argv[5], n), "rb").read()
s.send_multipart([b"READY", json.dumps(dict(worker="big", host="bench", pid=1, device="cpu", torch="0", monai="0", threads=1)).encode()])
for line in sys.stdin:
    while True:
        t, h, *_ = s.recv_multipart()
        if t == b"JOB": break
        if t == b"HEARTBEAT": s.send_multipart([b"HEARTBEAT", b"{}"])
    s.send_multipart([b"RESULT", json.dumps(dict(job=json.loads(h)["key"], tables=["epochs", "metrics", "cases"], seconds=1)).encode(), read("epochs"), read("metrics"), read(line.strip())])
`;
const big = execa(values.python!, ['-c', sender, ep2, server.publicKey, client.publicKey, client.secretKey, dir], { reject: false, stdin: 'pipe' });
const count = (kind: string) => (db2.prepare(`SELECT COUNT(*) AS n FROM events WHERE kind = ?`).get(kind) as { n: number }).n;
await sleep(3000);
const reference = windowGap;
/** Sends one result and waits until it is refused or stored: [ms from the send, longest heartbeat gap meanwhile]. */
const send = async (what: 'refused' | 'valid') => {
  const kind = what === 'refused' ? 'retry' : 'result';
  const before = count(kind);
  await sleep(600);
  windowGap = 0;
  const t0 = performance.now();
  big.stdin!.write(`${what}\n`);
  while (count(kind) === before) await sleep(5);
  const ms = performance.now() - t0;
  await sleep(600); // the heartbeat that ends the longest pause falls in this window
  return [ms, windowGap] as const;
};
const refused: (readonly [number, number])[] = [];
const valid: (readonly [number, number])[] = [];
for (let r = 0; r < rounds; r++) {
  refused.push(await send('refused'));
  valid.push(await send('valid'));
}
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const stored = (db2.prepare(`SELECT COUNT(*) AS n FROM cases`).get() as { n: number }).n;
// For comparison, the same frame decoded on the event loop, as before the decoder thread.
const d0 = performance.now();
decodeTable('cases', frames.valid);
const inlineMs = performance.now() - d0;
const med = (xs: (readonly [number, number])[], k: 0 | 1) => median(xs.map((x) => x[k]));
console.log(`largest allowed result (${UNKNOWN_TEST_CASES} cases, ${(frames.valid.length / 1e6).toFixed(1)} MB, limit ${(maxFrameBytes(bigJobs) / 1e6).toFixed(1)} MB), medians of ${rounds}: refused at its check ${med(refused, 0).toFixed(0)} ms after the send, stored ${med(valid, 0).toFixed(0)} ms after (${stored} case rows in all); decoding it on the event loop instead: ${inlineMs.toFixed(0)} ms; load average ${loadavg()[0].toFixed(1)}`);
console.log(`broker heartbeats to another worker while it is decoded: longest gap ${reference.toFixed(0)} ms before (reference); medians ${med(refused, 1).toFixed(0)} ms while decoded and refused (ratio ${(med(refused, 1) / reference).toFixed(2)}), ${med(valid, 1).toFixed(0)} ms while decoded and stored (ratio ${(med(valid, 1) / reference).toFixed(2)})`);
listener.close();
big.stdin!.end();
big.kill();
await big;
stop2.abort();
await run2.catch(() => {});
db2.close();
