import { EventEmitter } from 'node:events';
import { cpus } from 'node:os';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { curveKeyPair } from 'zeromq';
import type { Job } from '../experiment/job';
import { EXIT, UserError } from '../errors';
import { startResultDecoder } from '../results/decoder';
import type { Progress } from '../protocol/messages';
import type { Db } from '../store/db';
import { jobThreads, markFailed, markQueued, markRunning } from '../store/jobs';
import { maxFrameBytes } from '../protocol/limits';
import { type Row, storeResult } from '../store/results';
import { recordEvent, workerBusy, workerGone, workerProgress, workerReady } from '../store/workers';
import { startBroker } from './broker';
import { type KeyPair, startZap } from './curve';
import { z85Decode } from './z85';
import { type WorkerPool, startWorkers } from './workers';

export type RunEvent =
  | { kind: 'done'; job: Job; worker: string; metrics: Row; seconds: number }
  | { kind: 'failed'; job: Job; worker: string; error: string; final: boolean }
  | { kind: 'lost'; worker: string; reason: string }
  | { kind: 'handback'; job?: Job; worker: string; reason: string }
  | { kind: 'ready'; worker: string; device: string }
  | { kind: 'epoch'; worker: string; progress: Progress };

export interface RunOptions {
  db: Db;
  experiment: string;
  jobs: Job[];
  workers: number;
  python: string;
  /** torch threads for a job that has none stored yet (default: the cores shared out among the workers). */
  threads?: number;
  heartbeatMs?: number;
  /** A worker silent this long is lost (a local one is killed and replaced); workers wait as long for the broker. */
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
  /**
   * Further jobs for the same workers (an adaptive study): asked for when the queue is empty and a
   * worker is free or a job ended, with the jobs still queued or in flight; the run ends when it
   * answers none and nothing is unfinished. With it, `workers` workers start whatever `jobs` holds.
   */
  more?(idle: number, unfinished: Job[]): Promise<Job[]>;
  /** Every job that may come (with `more`: the whole grid), so the frame limit is set once for all of them; default `jobs`. */
  frameJobs?: Job[];
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
  // Every run speaks CURVE, even on loopback: local workers get a key pair of this run's own (in an
  // owner-only file), so another local process (on a shared host, any user's) cannot take a job or
  // store a result. With --authorized-keys the listed workers are admitted too, and the broker keeps one key pair.
  const keys = o.curve?.keys ?? curveKeyPair();
  const local = o.workers > 0 ? localWorkerKeys() : undefined;
  const zap = await startZap(new Set([...(o.curve?.authorized ?? []), ...(local ? [local.hex] : [])]));
  const count = o.more ? o.workers : Math.min(o.workers, o.jobs.length);
  const defaultThreads = o.threads ?? Math.max(1, Math.floor(cpus().length / Math.max(1, count)));
  const timeoutMs = o.timeoutMs ?? 15_000;
  let pool: WorkerPool | undefined;
  let stopping = false;
  const refusals = refusalLog(o);
  // Results are decoded and checked on a thread of their own, so a large one does not pause the heartbeats.
  const decoder = startResultDecoder();
  const broker = await startBroker({
    jobs: o.jobs,
    endpoint: o.endpoint,
    curveSecretKey: keys.secretKey,
    heartbeatMs: o.heartbeatMs,
    timeoutMs,
    maxAttempts: o.maxAttempts,
    maxMessageSize: maxFrameBytes(o.frameJobs ?? o.jobs),
    more: o.more,
    threadsFor: (job) => jobThreads(o.db, job.key, defaultThreads),
    handlers: {
      ready(worker, info) {
        workerReady(o.db, info, o.experiment);
        // every worker start is on record (ids are reused by later runs of the same process)
        recordEvent(o.db, { experiment: o.experiment, kind: 'ready', worker, message: `ready on ${info.device} (pid ${info.pid})` });
        emit({ kind: 'ready', worker, device: info.device });
      },
      started(job, worker) {
        markRunning(o.db, job.key, worker);
        workerBusy(o.db, worker, job.key, job.training.epochs);
      },
      progress(worker, p) {
        workerProgress(o.db, worker, p);
        emit({ kind: 'epoch', worker, progress: p });
      },
      async result(job, worker, header, payload) {
        const tables = await decoder.decode(job, header.tables, payload);
        // The training is counted (a 'result' event) in the same transaction as its rows: a kill between
        // the two cannot leave a result counted and not stored, or stored and not counted.
        o.db.transaction(() => {
          const stored = storeResult(o.db, job.key, { epochs: tables.epochs, metrics: tables.metrics, cases: tables.cases, classes: tables.classes }, { worker, seconds: header.seconds });
          recordEvent(o.db, { experiment: o.experiment, kind: 'result', job: job.key, worker, message: stored ? 'stored' : 'already stored: ignored' });
        })();
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
        // A local worker that fell silent (hung, stopped) is killed; the pool replaces it.
        if (pool?.pid(worker) !== undefined && /silent/.test(reason)) pool.kill(worker);
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
      protocolError(worker, error, suppressed) {
        const more = suppressed ? ` (after ${suppressed} more malformed message(s) not recorded one by one)` : '';
        recordEvent(o.db, { experiment: o.experiment, kind: 'protocol', worker, message: `${error}${more}` });
      },
      rejected(worker, job, reason) {
        recordEvent(o.db, { experiment: o.experiment, kind: 'rejected', job, worker, message: `a result for job ${job} was not stored: ${reason}` });
      },
      refused: refusals,
    },
  }).catch(async (e: unknown) => {
    await zap?.close(); // else its socket keeps the process alive
    await decoder.close();
    throw e;
  });
  pool = startWorkers({
    count,
    curve: local ? { serverKey: keys.publicKey, keyFile: local.file } : undefined,
    endpoint: broker.endpoint,
    python: o.python,
    heartbeatMs: o.heartbeatMs,
    timeoutS: timeoutMs / 1000,
    exited: (id, reason) => {
      // Every exit is recorded with what the worker said, also one that never got as far as READY.
      recordEvent(o.db, { experiment: o.experiment, kind: 'exit', worker: id, message: reason });
      broker.workerExited(id, reason);
    },
    wanted: () => !stopping && !broker.settled(),
  });
  const workers = pool;
  o.onStarted?.(pool, broker.endpoint);
  let stopped: Promise<void> | undefined;
  const stopAll = (why: string) => (stopped ??= stop(why));
  const stop = async (why: string) => {
    stopping = true;
    // A result being checked is stored (or refused) before the workers go: within the size limit that
    // takes under a second. Past DECODE_GRACE_MS the decoder is ended, which refuses what it holds
    // (the job is queued again), so a stop never waits on it for long.
    const grace = setTimeout(() => void decoder.close(), DECODE_GRACE_MS);
    await broker.close();
    clearTimeout(grace);
    await decoder.close();
    const inFlight = broker.inFlight();
    await workers.close();
    await zap.close();
    // Jobs that were training go back to the queue, so `status` is right at once.
    for (const { job, worker } of inFlight) {
      markQueued(o.db, job.key, why);
      workerGone(o.db, worker);
    }
    if (local) rmSync(dirname(local.file), { recursive: true, force: true });
  };
  // A signal stops the workers first, then ends the process (128 + the signal's number, as shells do).
  const signals = { SIGINT: 130, SIGTERM: 143, SIGHUP: 129 } as const;
  const onSignal = (s: NodeJS.Signals) => void stopAll(`run stopped by ${s}`).then(() => process.exit(signals[s as keyof typeof signals]));
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
    await Promise.race([broker.done, aborted, ...(o.curve || o.endpoint ? [] : [noWorkersLeft(workers, broker)])]);
  } finally {
    for (const s of Object.keys(signals)) process.off(s, onSignal);
    if (onAbort) o.signal?.removeEventListener('abort', onAbort);
    await stopAll('run stopped');
  }
  return { done, failed, seconds: (Date.now() - t0) / 1000 };
}

const DECODE_GRACE_MS = 5_000;

function noWorkersLeft(pool: WorkerPool, broker: { remaining(): number; settled(): boolean }): Promise<void> {
  return new Promise((resolve, reject) => {
    const timer = setInterval(() => {
      if (broker.settled()) {
        clearInterval(timer);
        resolve();
      } else if (pool.ids().length === 0) {
        clearInterval(timer);
        const why = pool.gaveUp() ?? 'every worker process exited';
        reject(new UserError(`no worker left to train the remaining ${broker.remaining()} job(s): ${why}; the store's 'exit' events list every worker's end`, EXIT.failedJobs));
      }
    }, 500);
    timer.unref();
  });
}

/**
 * Prints each refused connection on stderr and records it, at most one line per REFUSAL_QUIET_MS (a
 * refused peer that keeps reconnecting would otherwise flood both), with the count in between.
 */
const REFUSAL_QUIET_MS = 5_000;
function refusalLog(o: RunOptions): (address: string, reason: string) => void {
  let last = 0;
  let unsaid = 0;
  return (address, reason) => {
    const t = Date.now();
    if (t - last < REFUSAL_QUIET_MS) {
      unsaid += 1;
      return;
    }
    const more = unsaid ? ` (and ${unsaid} more refusal(s) since the last line)` : '';
    const line = `refused a worker on ${address}: ${reason}${more}`;
    last = t;
    unsaid = 0;
    console.error(`plateau: ${line}`);
    recordEvent(o.db, { experiment: o.experiment, kind: 'denied', message: line });
  };
}

/** A key pair for this run's local workers, in an owner-only file they read at start. */
function localWorkerKeys(): { file: string; hex: string } {
  const keys = curveKeyPair();
  const file = join(mkdtempSync(join(tmpdir(), 'plateau-keys-')), 'local-workers.json');
  writeFileSync(file, JSON.stringify(keys), { mode: 0o600 });
  return { file, hex: z85Decode(keys.publicKey).toString('hex') };
}
