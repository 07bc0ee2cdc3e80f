/**
 * Scale of the control plane (issue 11, item 5): N simulated workers on loopback (py/plateau/simulate.py:
 * the worker protocol with CURVE, each JOB answered at once with a valid RESULT — no torch, no data)
 * take a grid of near-instant jobs. Printed: results stored per second and the control plane's CPU
 * (this process: broker, ZAP, result checks, SQLite writes) over the window from the first result to
 * the last, whether anything was lost or stored twice, and two ratios: against the goal (200 results/s
 * with under one core) and against a reference measured in the same run — the same results written
 * straight into a store, no broker.
 *
 *   bash scripts/node.sh --import tsx bench/scale.ts [--workers 32] [--jobs 2000]
 */
import { EventEmitter } from 'node:events';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { execa, type ResultPromise } from 'execa';
import { curveKeyPair } from 'zeromq';
import { pythonPath } from '../ts/bridge/python';
import { runJobs } from '../ts/dispatch/run';
import { z85Decode } from '../ts/dispatch/z85';
import { Experiment } from '../ts/experiment/schema';
import { expandGrid } from '../ts/experiment/grid';
import { decodeTable } from '../ts/results/arrow';
import { openDb } from '../ts/store/db';
import { registerExperiment } from '../ts/store/jobs';
import { storeResult } from '../ts/store/results';

const { values: args } = parseArgs({ options: { workers: { type: 'string', default: '32' }, jobs: { type: 'string', default: '2000' } } });
const WORKERS = Number(args.workers);
const JOBS = Number(args.jobs);
const GOAL_RATE = 200;
const root = join(import.meta.dirname, '..');
const dir = mkdtempSync(join(tmpdir(), 'plateau-scale-'));

// A grid of JOBS jobs: fractions × 4 depths × repeats (tiny synthetic spec; the simulated worker ignores the data).
const repeats = Math.max(1, Math.ceil(JOBS / (4 * 100)));
const exp = Experiment.parse({
  name: 'scale',
  dataset: { kind: 'synthetic-2d', count: 1200, size: 32, seed: 1 },
  split: { train: 1000, val: 100, test: 100 },
  fractions: { from: 0.01, to: 1, step: 0.01 },
  models: [{ family: 'resunet', depths: [2, 3, 4, 5], channels: 4, res_units: 1 }],
  training: { epochs: 2, batch_size: 8 },
  repeats,
});
const jobs = expandGrid(exp).slice(0, JOBS);

const db = openDb(join(dir, 'scale.db'));
registerExperiment(db, exp, jobs);
const worker = curveKeyPair();
const keyFile = join(dir, 'worker.json');
writeFileSync(keyFile, JSON.stringify(worker), { mode: 0o600 });
const broker = curveKeyPair();

const procs: ResultPromise[] = [];
const events = new EventEmitter();
let first = 0;
let last = 0;
let cpuAtFirst = process.cpuUsage();
let stored = 0;
events.on('event', (e: { kind: string }) => {
  if (e.kind !== 'done') return;
  stored += 1;
  const t = performance.now();
  if (stored === 1) {
    first = t;
    cpuAtFirst = process.cpuUsage();
  }
  last = t;
});
const t0 = performance.now();
const summary = await runJobs({
  db, experiment: exp.name, jobs, workers: 0, python: pythonPath(), events, endpoint: 'tcp://127.0.0.1:*',
  curve: { keys: broker, authorized: new Set([z85Decode(worker.publicKey).toString('hex')]) },
  onStarted: (_, endpoint) => {
    for (let i = 0; i < WORKERS; i++) {
      procs.push(execa(pythonPath(), ['-m', 'plateau.simulate', '--connect', endpoint, `--server-key=${broker.publicKey}`, '--key-file', keyFile, '--id', `sim${i}`], {
        reject: false, cwd: root, env: { PLATEAU_SCHEMAS: join(root, 'schemas') },
      }));
    }
  },
});
const cpu = process.cpuUsage(cpuAtFirst);
const windowS = (last - first) / 1000;
await Promise.all(procs);
const rate = (stored - 1) / windowS; // results after the first, over the time they took
const cores = (cpu.user + cpu.system) / 1e6 / windowS;
const rows = db.prepare(`SELECT COUNT(*) AS n, COUNT(DISTINCT job) AS d FROM metrics`).get() as { n: number; d: number };
const notDone = (db.prepare(`SELECT COUNT(*) AS n FROM jobs WHERE status != 'done'`).get() as { n: number }).n;

// Reference, same run: the same results written straight into a fresh store (decode + storeResult), no broker.
const ref = openDb(join(dir, 'reference.db'));
registerExperiment(ref, exp, jobs);
const sample = await execa(pythonPath(), ['-c', `
import json, sys
from plateau.simulate import simulated_tables
from plateau.tables import build_table, to_ipc
job = json.loads(sys.stdin.read())
frames = [bytes(to_ipc(build_table(n, r))) for n, r in simulated_tables(job).items()]
sys.stdout.buffer.write(b"".join(len(f).to_bytes(4, "big") + f for f in frames))
`], { input: JSON.stringify(jobs[0]), cwd: root, encoding: 'buffer', env: { PLATEAU_SCHEMAS: join(root, 'schemas') } });
const buf = Buffer.from(sample.stdout as Uint8Array);
const frames: Buffer[] = [];
for (let o = 0; o < buf.length; ) {
  const n = buf.readUInt32BE(o);
  frames.push(buf.subarray(o + 4, o + 4 + n));
  o += 4 + n;
}
const r0 = performance.now();
const c0 = process.cpuUsage();
for (const job of jobs) {
  const [epochs, metrics, cases] = (['epochs', 'metrics', 'cases'] as const).map((name, i) => decodeTable(name, frames[i]));
  storeResult(ref, job.key, { epochs, metrics, cases }, { worker: 'reference', seconds: 0 });
}
const refS = (performance.now() - r0) / 1000;
const refCpu = process.cpuUsage(c0);
const refRate = jobs.length / refS;

console.log(`scale: ${jobs.length} jobs on ${WORKERS} simulated workers (loopback, CURVE); ${summary.done} stored, ${summary.failed} failed, ${((performance.now() - t0) / 1000).toFixed(1)} s in all`);
console.log(`  dispatched: ${rate.toFixed(0)} results/s over ${windowS.toFixed(2)} s, control plane CPU ${cores.toFixed(2)} cores`);
console.log(`  reference (same run, store alone, no broker): ${refRate.toFixed(0)} results/s, ${((refCpu.user + refCpu.system) / 1e6 / refS).toFixed(2)} cores`);
console.log(`  lost: ${notDone} job(s) not done; stored twice: ${rows.n - rows.d}; metrics rows ${rows.n} for ${jobs.length} jobs`);
console.log(`  ratios: results/s ÷ goal ${GOAL_RATE} = ${(rate / GOAL_RATE).toFixed(2)}; cores ÷ goal 1 = ${cores.toFixed(2)}; dispatched ÷ reference = ${(rate / refRate).toFixed(2)}`);
console.log(`  goal (≥ ${GOAL_RATE} results/s with < 1 core, nothing lost): ${rate >= GOAL_RATE && cores < 1 && notDone === 0 && rows.n === rows.d ? 'met' : 'NOT met'}`);
db.close();
ref.close();
