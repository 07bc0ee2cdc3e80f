import { Router } from 'zeromq';
import { UserError } from '../errors';
import type { Job } from '../experiment/job';
import type { Failed, Progress, Ready, Result } from '../protocol/messages';
import { ZAP_DOMAIN } from './curve';
import { encode, parseWorkerFrames } from './frames';

export interface BrokerHandlers {
  ready?(worker: string, info: Ready): void;
  started?(job: Job, worker: string): void;
  progress?(worker: string, p: Progress): void;
  /** Store the result; throwing marks the job failed with that error. */
  result(job: Job, worker: string, header: Result, payload: Buffer[]): void;
  /** `final` = no more attempts; otherwise the job went back to the queue. */
  failed?(job: Job, worker: string, error: string, final: boolean): void;
  lost?(worker: string, reason: string): void;
  /** A worker left (preempted, near its time limit); its job, if it held one, is queued again. */
  handedBack?(job: Job | undefined, worker: string, reason: string): void;
  protocolError?(worker: string, error: string): void;
}

export interface BrokerOptions {
  jobs: Job[];
  handlers: BrokerHandlers;
  /** Where to bind; loopback with a free port by default. */
  endpoint?: string;
  /** CURVE server secret key: workers must encrypt and be admitted by the ZAP handler (curve.ts). */
  curveSecretKey?: string;
  heartbeatMs?: number;
  /** A worker silent this long is lost, and its job goes back to the queue. */
  timeoutMs?: number;
  /** Tries per job when workers crash or fall silent; a trainer's own FAILED is final. */
  maxAttempts?: number;
}

export interface Broker {
  endpoint: string;
  /** Resolves when every job is stored or failed. */
  done: Promise<void>;
  /** Jobs not yet finished (queued or in flight). */
  remaining(): number;
  /** A worker process ended: its job (if any) is retried or failed. */
  workerExited(worker: string, reason: string): void;
  close(): Promise<void>;
}

interface WorkerState {
  id: string;
  job?: Job;
  lastSeen: number;
}

export async function startBroker(opts: BrokerOptions): Promise<Broker> {
  const heartbeatMs = opts.heartbeatMs ?? 1000;
  const timeoutMs = opts.timeoutMs ?? 15_000;
  const maxAttempts = opts.maxAttempts ?? 3;
  const h = opts.handlers;
  const router = new Router(
    opts.curveSecretKey ? { linger: 0, curveServer: true, curveSecretKey: opts.curveSecretKey, zapDomain: ZAP_DOMAIN } : { linger: 0 },
  );
  try {
    await router.bind(opts.endpoint ?? 'tcp://127.0.0.1:*');
  } catch (e) {
    router.close();
    // e.g. a port in use, or a host name that is not this machine's
    throw new UserError(`--bind ${opts.endpoint ?? 'tcp://127.0.0.1:*'}: cannot listen there (${(e as Error).message})`);
  }
  const endpoint = router.lastEndpoint!;

  const queue = [...opts.jobs];
  const attempts = new Map<string, number>();
  const workers = new Map<string, WorkerState>();
  let unfinished = queue.length;
  let closed = false;
  let resolveDone!: () => void;
  const done = new Promise<void>((r) => (resolveDone = r));

  // zeromq.js allows one send in flight per socket: chain them.
  let sending: Promise<void> = Promise.resolve();
  const send = (worker: string, type: string, header: unknown) => {
    sending = sending.then(() => (closed ? undefined : router.send([worker, ...encode(type, header)]))).catch(() => {});
    return sending;
  };

  const finish = () => {
    unfinished -= 1;
    if (unfinished === 0) {
      for (const w of workers.keys()) void send(w, 'STOP', { reason: 'all jobs finished' });
      resolveDone();
    }
  };

  const dispatch = (w: WorkerState) => {
    if (w.job || closed) return;
    const job = queue.shift();
    if (!job) return;
    w.job = job;
    attempts.set(job.key, (attempts.get(job.key) ?? 0) + 1);
    h.started?.(job, w.id);
    void send(w.id, 'JOB', job);
  };

  const fail = (w: WorkerState, error: string, retry: boolean) => {
    const job = w.job;
    if (!job) return;
    w.job = undefined;
    const final = !retry || (attempts.get(job.key) ?? 0) >= maxAttempts;
    h.failed?.(job, w.id, error, final);
    if (final) finish();
    else queue.unshift(job);
  };

  const lose = (id: string, reason: string) => {
    const w = workers.get(id);
    if (!w) return;
    workers.delete(id);
    h.lost?.(id, reason);
    fail(w, `worker ${id} lost: ${reason}`, true);
    for (const other of workers.values()) dispatch(other);
  };

  const timer = setInterval(() => {
    const t = Date.now();
    for (const w of [...workers.values()]) {
      if (t - w.lastSeen > timeoutMs) lose(w.id, `silent for ${Math.round((t - w.lastSeen) / 1000)} s`);
      else void send(w.id, 'HEARTBEAT', {});
    }
  }, heartbeatMs);

  const loop = (async () => {
    for await (const frames of router) {
      let parsed;
      try {
        parsed = parseWorkerFrames(frames as Buffer[]);
      } catch (e) {
        h.protocolError?.(frames[0]?.toString() ?? '?', String((e as Error).message));
        continue;
      }
      const { identity, message } = parsed;
      let w = workers.get(identity);
      if (!w) {
        if (message.type !== 'READY') continue; // a lost worker talking again must re-register
        w = { id: identity, lastSeen: Date.now() };
        workers.set(identity, w);
      }
      w.lastSeen = Date.now();
      switch (message.type) {
        case 'READY':
          h.ready?.(identity, message.header);
          if (unfinished === 0) void send(identity, 'STOP', { reason: 'nothing to do' });
          else dispatch(w);
          break;
        case 'PROGRESS':
          if (w.job?.key === message.header.job) h.progress?.(identity, message.header);
          break;
        case 'RESULT': {
          const job = w.job;
          if (!job || job.key !== message.header.job) break; // stale: that job went elsewhere
          try {
            h.result(job, identity, message.header, message.payload);
            w.job = undefined;
            finish();
          } catch (e) {
            fail(w, `result rejected: ${(e as Error).message}`, false);
          }
          dispatch(w);
          break;
        }
        case 'FAILED':
          if (w.job?.key === message.header.job) fail(w, (message.header as Failed).error, false);
          dispatch(w);
          break;
        case 'HANDBACK': {
          // The worker is leaving: forget it, and put its job first in the queue; the try does not count.
          const job = w.job?.key === message.header.job ? w.job : undefined;
          workers.delete(identity);
          if (job) {
            attempts.set(job.key, (attempts.get(job.key) ?? 1) - 1);
            queue.unshift(job);
          }
          h.handedBack?.(job, identity, message.header.reason);
          for (const other of workers.values()) dispatch(other);
          break;
        }
        case 'HEARTBEAT':
          break;
      }
    }
  })().catch(() => {});

  if (unfinished === 0) resolveDone();

  return {
    endpoint,
    done,
    remaining: () => unfinished,
    workerExited: (id, reason) => lose(id, reason),
    async close() {
      if (closed) return;
      for (const w of workers.keys()) void send(w, 'STOP', { reason: 'broker closing' });
      await sending;
      closed = true;
      clearInterval(timer);
      router.close();
      await loop;
    },
  };
}
