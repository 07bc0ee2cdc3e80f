/**
 * An admitted worker sends a 100 MB RESULT (issue 12 measured a 29 s heartbeat stall and 1.9 GB before
 * limits): how long the broker's heartbeats to another worker pause, and how much its memory grows.
 * The reference is the same run's longest heartbeat gap before the attack; the attacker is a pyzmq
 * process of its own.
 *
 *   bash scripts/node.sh --import tsx bench/oversize.ts [--mb 100]
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { execa } from 'execa';
import { Dealer, curveKeyPair } from 'zeromq';
import { runJobs } from '../ts/dispatch/run';
import { z85Decode } from '../ts/dispatch/z85';
import { expandGrid } from '../ts/experiment/grid';
import { Experiment } from '../ts/experiment/schema';
import { Float64, Table, Utf8, tableToIPC, vectorFromArray } from 'apache-arrow';
import { UNKNOWN_TEST_CASES, maxFrameBytes } from '../ts/protocol/limits';
import { decodeTable } from '../ts/results/arrow';
import { openDb } from '../ts/store/db';
import { registerExperiment } from '../ts/store/jobs';

const { values } = parseArgs({ options: { mb: { type: 'string', default: '100' }, python: { type: 'string', default: join(import.meta.dirname, '..', '.venv', 'bin', 'python') } } });
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
// What stays on the event loop: decoding a result within the limit, at the largest a grid of a
// file-based data set allows (UNKNOWN_TEST_CASES cases with 256-character ids).
const ids = Array.from({ length: UNKNOWN_TEST_CASES }, (_, i) => String(i).padStart(256, '0'));
const f64 = () => vectorFromArray(ids.map(() => 0.5), new Float64());
const frame = Buffer.from(tableToIPC(new Table({ case_id: vectorFromArray(ids, new Utf8()), patient: vectorFromArray(ids, new Utf8()), dice: f64(), iou: f64(), recall: f64(), precision: f64(), foreground: f64() }), 'stream'));
const d0 = performance.now();
decodeTable('cases', frame);
console.log(`decoding the largest allowed cases frame (${UNKNOWN_TEST_CASES} cases, ${(frame.length / 1e6).toFixed(1)} MB, limit ${(maxFrameBytes([{ ...jobs[0], split: { train: 0.7, val: 0.1, test: 0.2 }, dataset: { kind: 'image-folder' } } as never]) / 1e6).toFixed(1)} MB): ${(performance.now() - d0).toFixed(0)} ms on the event loop`);
honest.close();
attacker.kill();
await attacker;
stop.abort();
await run.catch(() => {});
db.close();
