import { EventEmitter } from 'node:events';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { curveKeyPair } from 'zeromq';
import type { Job } from '../experiment/job';
import { EXIT, UserError } from '../errors';
import { decodeTable } from '../results/arrow';
import type { Db } from '../store/db';
import { markFailed, markQueued, markRunning } from '../store/jobs';
import { type Row, storeResult } from '../store/results';
import { recordEvent, workerBusy, workerGone, workerProgress, workerReady } from '../store/workers';
import { startBroker } from './broker';
import { type KeyPair, startZap } from './curve';
import { z85Decode } from './z85';
import { startWorkers } from './workers';

export type RunEvent =
  | { kind: 'done'; job: Job; worker: string; metrics: Row; seconds: number }
  | { kind: 'failed'; job: Job; worker: string; error: string; final: boolean }
  | { kind: 'lost'; worker: string; reason: string }
  | { kind: 'handback'; job?: Job; worker: string; reason: string }
  | { kind: 'ready'; worker: string; device: string };

export interface RunOptions {
  db: Db;
  experiment: string;
  jobs: Job[];
  workers: number;
  python: string;
  threads?: number;
  heartbeatMs?: number;
  timeoutMs?: number;
  maxAttempts?: number;
  events?: EventEmitter;
  /** Lets tests reach the live pool (e.g. to kill a worker mid-job). */
  onStarted?(pool: { pids(): number[] }, endpoint: string): void;
  /** Where the broker binds (default: loopback, a free port). */
  endpoint?: string;
  /** CURVE: the broker's key pair and the workers allowed in (their public keys, hex); see curve.ts. */
  curve?: { keys: KeyPair; authorized: Set<string> };
  /** Stops the run (workers stopped, the reason thrown) when aborted, e.g. when the store's run lock is lost. */
  signal?: AbortSignal;
}

export interface RunSummary {
  done: number;
  failed: number;
  seconds: number;
}

/**
 * Trains `jobs` on local workers and writes every result to the store as it arrives.
 * Flow: jobs → broker → workers → RESULT → store (one transaction per job).
 */
export async function runJobs(o: RunOptions): Promise<RunSummary> {
  const t0 = Date.now();
  const emit = (e: RunEvent) => o.events?.emit('event', e);
  let done = 0;
  let failed = 0;
  // With CURVE, local workers get a key pair of this run's own, admitted beside the listed ones.
  const local = o.curve && o.workers > 0 ? localWorkerKeys() : undefined;
  const zap = o.curve
    ? await startZap(new Set([...o.curve.authorized, ...(local ? [local.hex] : [])]), (hex) =>
        recordEvent(o.db, { experiment: o.experiment, kind: 'denied', message: `a worker with unknown key ${hex.slice(0, 16)}… was refused` }))
    : undefined;
  const broker = await startBroker({
    jobs: o.jobs,
    endpoint: o.endpoint,
    curveSecretKey: o.curve?.keys.secretKey,
    heartbeatMs: o.heartbeatMs,
    timeoutMs: o.timeoutMs,
    maxAttempts: o.maxAttempts,
    handlers: {
      ready(worker, info) {
        workerReady(o.db, info, o.experiment);
        emit({ kind: 'ready', worker, device: info.device });
      },
      started(job, worker) {
        markRunning(o.db, job.key, worker);
        workerBusy(o.db, worker, job.key, job.training.epochs);
      },
      progress(worker, p) {
        workerProgress(o.db, worker, p);
      },
      result(job, worker, header, payload) {
        if (payload.length !== header.tables.length) {
          throw new Error(`RESULT names ${header.tables.length} tables but carries ${payload.length} frames`);
        }
        const tables = Object.fromEntries(header.tables.map((name, i) => [name, decodeTable(name, payload[i])]));
        if (!tables.epochs || !tables.metrics || tables.metrics.length !== 1) {
          throw new Error('RESULT needs an epochs table and a one-row metrics table');
        }
        storeResult(o.db, job.key, { epochs: tables.epochs, metrics: tables.metrics, cases: tables.cases }, { worker, seconds: header.seconds });
        workerBusy(o.db, worker, null);
        done += 1;
        emit({ kind: 'done', job, worker, metrics: tables.metrics[0], seconds: header.seconds });
      },
      failed(job, worker, error, final) {
        if (final) {
          markFailed(o.db, job.key, error);
          failed += 1;
        } else markQueued(o.db, job.key, error);
        workerBusy(o.db, worker, null);
        recordEvent(o.db, { experiment: o.experiment, kind: final ? 'failed' : 'retry', job: job.key, worker, message: error });
        emit({ kind: 'failed', job, worker, error, final });
      },
      lost(worker, reason) {
        workerGone(o.db, worker);
        recordEvent(o.db, { experiment: o.experiment, kind: 'lost', worker, message: reason });
        emit({ kind: 'lost', worker, reason });
      },
      handedBack(job, worker, reason) {
        if (job) markQueued(o.db, job.key, `handed back by ${worker}: ${reason}`);
        workerGone(o.db, worker);
        recordEvent(o.db, { experiment: o.experiment, kind: 'handback', job: job?.key, worker, message: reason });
        emit({ kind: 'handback', job, worker, reason });
      },
      protocolError(worker, error) {
        recordEvent(o.db, { experiment: o.experiment, kind: 'protocol', worker, message: error });
      },
    },
  }).catch(async (e: unknown) => {
    await zap?.close(); // else its socket keeps the process alive
    throw e;
  });
  const pool = startWorkers({
    count: Math.min(o.workers, o.jobs.length),
    curve: local && o.curve ? { serverKey: o.curve.keys.publicKey, keyFile: local.file } : undefined,
    endpoint: broker.endpoint,
    python: o.python,
    threads: o.threads,
    heartbeatMs: o.heartbeatMs,
    exited: (id, reason) => broker.workerExited(id, reason),
    wanted: () => broker.remaining() > 0,
  });
  o.onStarted?.(pool, broker.endpoint);
  const stopAll = async () => {
    await broker.close();
    await pool.close();
    await zap?.close();
    if (local) rmSync(dirname(local.file), { recursive: true, force: true });
  };
  // A signal stops the workers first, then ends the process (128 + the signal's number, as shells do).
  const signals = { SIGINT: 130, SIGTERM: 143, SIGHUP: 129 } as const;
  const onSignal = (s: NodeJS.Signals) => void stopAll().then(() => process.exit(signals[s as keyof typeof signals]));
  for (const s of Object.keys(signals)) process.once(s, onSignal);
  let onAbort: (() => void) | undefined;
  const aborted = new Promise<never>((_, reject) => {
    onAbort = () => reject(o.signal?.reason ?? new Error('run aborted'));
    if (o.signal?.aborted) onAbort();
    else o.signal?.addEventListener('abort', onAbort, { once: true });
  });
  aborted.catch(() => {}); // raced below; unobserved when the run ends first
  try {
    // Every worker gone and none coming back: stop waiting rather than hang.
    // Remote workers may come at any time; with local ones only, stop when none is left.
    await Promise.race([broker.done, aborted, ...(o.curve || o.endpoint ? [] : [noWorkersLeft(pool, broker)])]);
  } finally {
    for (const s of Object.keys(signals)) process.off(s, onSignal);
    if (onAbort) o.signal?.removeEventListener('abort', onAbort);
    await stopAll();
  }
  return { done, failed, seconds: (Date.now() - t0) / 1000 };
}

function noWorkersLeft(pool: { ids(): string[] }, broker: { remaining(): number }): Promise<void> {
  return new Promise((resolve, reject) => {
    const timer = setInterval(() => {
      if (broker.remaining() === 0) {
        clearInterval(timer);
        resolve();
      } else if (pool.ids().length === 0) {
        clearInterval(timer);
        reject(new UserError('every worker process exited and none could be restarted; see the store events or run a worker by hand', EXIT.failedJobs));
      }
    }, 500);
    timer.unref();
  });
}

/** A key pair for this run's local workers, in an owner-only file they read at start. */
function localWorkerKeys(): { file: string; hex: string } {
  const keys = curveKeyPair();
  const file = join(mkdtempSync(join(tmpdir(), 'plateau-keys-')), 'local-workers.json');
  writeFileSync(file, JSON.stringify(keys), { mode: 0o600 });
  return { file, hex: z85Decode(keys.publicKey).toString('hex') };
}
