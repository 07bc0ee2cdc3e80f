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
  /**
   * Check and store the result; throwing (or rejecting) marks the job failed with that error. While
   * a returned promise is pending the broker goes on reading and heartbeating; the job counts as
   * neither lost nor finished until it settles.
   */
  result(job: Job, worker: string, header: Result, payload: Buffer[]): void | Promise<void>;
  /** `final` = no more attempts; otherwise the job went back to the queue. */
  failed?(job: Job, worker: string, error: string, final: boolean): void;
  lost?(worker: string, reason: string): void;
  /** A worker left (preempted, near its time limit); its job, if it held one, is queued again. */
  handedBack?(job: Job | undefined, worker: string, reason: string): void;
  /** A malformed message; rate-limited per worker (see ProtocolLimit), with `suppressed` counted since the last one. */
  protocolError?(worker: string, error: string, suppressed: number): void;
  /** A RESULT for a job this worker was not given (never, or no longer): ignored, and said here. */
  rejected?(worker: string, job: string, reason: string): void;
  /** A peer the socket would not admit (no CURVE, or a key the ZAP handler refused). */
  refused?(address: string, reason: string): void;
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
  /** Largest frame accepted (ZeroMQ drops the peer that sends a bigger one before anything is read); see protocol/limits.ts. */
  maxMessageSize?: number;
  /** Per job: torch threads to run it with (fixed per job, so its numbers do not depend on scheduling). */
  threadsFor?(job: Job): number | undefined;
  /**
   * Further jobs, asked for whenever the queue is empty and a worker is free (or the last job ended):
   * `idle` workers have nothing to do, `unfinished` are the jobs queued or in flight. The broker is
   * done once it answers none with nothing unfinished; none while jobs are in flight means "ask again
   * when one ends". Without it the broker is done when `jobs` are.
   */
  more?(idle: number, unfinished: Job[]): Promise<Job[]>;
}

/**
 * Bad messages (malformed, or a result for a job not held) from one worker: the first PER_MINUTE
 * each minute are recorded, the rest counted into the next record; past DROP_AFTER in a minute the
 * worker is dropped and ignored.
 */
export const ProtocolLimit = { PER_MINUTE: 5, DROP_AFTER: 100 } as const;

export interface Broker {
  endpoint: string;
  /** Resolves when every job is stored or failed (and `more` has none left). */
  done: Promise<void>;
  /** Jobs not yet finished (queued or in flight). */
  remaining(): number;
  /** Whether `done` has resolved: no job left and none to come. */
  settled(): boolean;
  /** A worker process ended: its job (if any) is retried or failed. */
  workerExited(worker: string, reason: string): void;
  /** Jobs given to workers and not yet answered (on shutdown they go back to the queue). */
  inFlight(): { job: Job; worker: string }[];
  /** Stops reading and sending, then waits for the results still being stored (see `result`). */
  close(): Promise<void>;
}

interface WorkerState {
  id: string;
  job?: Job;
  /** Its RESULT for `job` is being checked and stored: not lost with the worker, not taken twice. */
  delivering?: boolean;
  lastSeen: number;
}

export async function startBroker(opts: BrokerOptions): Promise<Broker> {
  const heartbeatMs = opts.heartbeatMs ?? 1000;
  const timeoutMs = opts.timeoutMs ?? 15_000;
  const maxAttempts = opts.maxAttempts ?? 3;
  const h = opts.handlers;
  const limits = { linger: 0, ...(opts.maxMessageSize ? { maxMessageSize: opts.maxMessageSize } : {}) };
  const router = new Router(
    opts.curveSecretKey ? { ...limits, curveServer: true, curveSecretKey: opts.curveSecretKey, zapDomain: ZAP_DOMAIN } : limits,
  );
  router.events.on('handshake:error:auth', (e) => h.refused?.(e.address, `its key was refused (ZAP ${e.error.status ?? 400})`));
  router.events.on('handshake:error:protocol', (e) => h.refused?.(e.address, `its handshake failed (${e.error.code ?? e.error.message}${opts.curveSecretKey ? '; it may lack CURVE keys' : ''})`));
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
  let closing = false;
  let settled = false;
  let resolveDone!: () => void;
  const done = new Promise<void>((r) => (resolveDone = r));
  // The source of further jobs: open until it answers none with nothing unfinished. One question at
  // a time; a reason to ask that comes meanwhile asks again once the answer is in.
  let sourceOpen = Boolean(opts.more);
  let asking: Promise<void> | undefined;
  let askAgain = false;
  let sourceError: unknown;

  // zeromq.js allows one send in flight per socket: chain them.
  let sending: Promise<void> = Promise.resolve();
  const sendFrames = (worker: string, frames: string[]) => {
    sending = sending.then(() => (closed ? undefined : router.send([worker, ...frames]))).catch(() => {});
    return sending;
  };
  const send = (worker: string, type: string, header: unknown) => sendFrames(worker, encode(type, header));

  // Malformed messages per sender in the current minute; `unsaid` = counted but not yet recorded.
  const noise = new Map<string, { since: number; count: number; unsaid: number }>();
  const dropped = new Set<string>();
  // Offences (malformed messages, results for jobs not held) share one budget per worker.
  const offence = (id: string, record: (suppressed: number) => void) => {
    const t = Date.now();
    let n = noise.get(id);
    if (!n || t - n.since > 60_000) {
      n = { since: t, count: 0, unsaid: n?.unsaid ?? 0 };
      noise.set(id, n);
    }
    n.count += 1;
    if (n.count > ProtocolLimit.DROP_AFTER) {
      dropped.add(id);
      h.protocolError?.(id, `dropped: more than ${ProtocolLimit.DROP_AFTER} bad messages in a minute; its messages are ignored from now on`, n.unsaid);
      n.unsaid = 0;
      lose(id, 'dropped for malformed messages');
      return;
    }
    if (n.count <= ProtocolLimit.PER_MINUTE) {
      record(n.unsaid);
      n.unsaid = 0;
    } else n.unsaid += 1;
  };
  const malformed = (id: string, error: string) => offence(id, (suppressed) => h.protocolError?.(id, error, suppressed));

  const settle = () => {
    if (settled) return;
    settled = true;
    for (const w of workers.keys()) void send(w, 'STOP', { reason: 'all jobs finished' });
    resolveDone();
  };

  const unfinishedJobs = () => [...queue, ...[...workers.values()].flatMap((w) => (w.job ? [w.job] : []))];

  const ask = () => {
    if (!sourceOpen || closing || closed) return;
    if (asking) {
      askAgain = true;
      return;
    }
    askAgain = false;
    const idle = [...workers.values()].filter((w) => !w.job).length;
    const asked = unfinishedJobs();
    asking = opts.more!(idle, asked).then(
      (jobs) => {
        asking = undefined;
        if (closing || closed) return;
        if (jobs.length) {
          queue.push(...jobs);
          unfinished += jobs.length;
          for (const w of workers.values()) dispatch(w);
        } else if (unfinished === 0 && !asked.length) {
          // "none" is final only when it was said with nothing unfinished: a job that ended meanwhile asks again (askAgain)
          sourceOpen = false;
          settle();
          return;
        }
        // Only news (a job ended, a worker came) is worth another question: an answer of fewer jobs
        // than idle workers stands until then.
        if (askAgain) ask();
      },
      (e: unknown) => {
        // The source failed (e.g. the strategy threw): the run stops with its error.
        asking = undefined;
        sourceOpen = false;
        sourceError = e;
        settle();
      },
    );
  };

  const finish = () => {
    unfinished -= 1;
    if (unfinished === 0 && !sourceOpen) settle();
    else if (!queue.length) ask();
  };

  const dispatch = (w: WorkerState) => {
    if (w.job || closed || closing) return;
    const job = queue.shift();
    if (!job) return;
    w.job = job;
    attempts.set(job.key, (attempts.get(job.key) ?? 0) + 1);
    h.started?.(job, w.id);
    const threads = opts.threadsFor?.(job);
    // The run settings travel as a frame after the job, so the job (and its key) stay what the grid made.
    void sendFrames(w.id, [...encode('JOB', job), ...(threads ? [JSON.stringify({ threads })] : [])]);
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
    // A job whose result already arrived is settled by that result, not by the worker's fate.
    if (!w.delivering) fail(w, `worker ${id} lost: ${reason}`, true);
    for (const other of workers.values()) dispatch(other);
  };

  // Results being checked and stored (the handler's promises), awaited by close().
  const deliveries = new Set<Promise<void>>();
  const deliver = (w: WorkerState, job: Job, header: Result, payload: Buffer[]) => {
    w.delivering = true;
    const delivery = (async () => h.result(job, w.id, header, payload))()
      .then(
        () => {
          w.job = undefined;
          finish();
        },
        // Not stored: the job goes back to the queue (its attempts still bound it).
        (e: unknown) => fail(w, `result rejected: ${(e as Error).message}`, true),
      )
      .finally(() => {
        w.delivering = false;
        deliveries.delete(delivery);
        if (workers.get(w.id) === w) dispatch(w);
        else for (const other of workers.values()) dispatch(other); // it left meanwhile: a requeued job needs another
      })
      .catch(() => {}); // a handler's own failure (the store) must not end the broker
    deliveries.add(delivery);
  };

  let lastTick = Date.now();
  const timer = setInterval(() => {
    const t = Date.now();
    // A tick that comes late means this process was busy (e.g. storing a big result), not that the
    // workers were silent: their messages wait unread meanwhile. Do not count that time against them.
    const late = t - lastTick - heartbeatMs;
    lastTick = t;
    if (late > heartbeatMs) for (const w of workers.values()) w.lastSeen += late;
    for (const w of [...workers.values()]) {
      if (t - w.lastSeen > timeoutMs) lose(w.id, `silent for ${Math.round((t - w.lastSeen) / 1000)} s`);
      else void send(w.id, 'HEARTBEAT', {});
    }
  }, heartbeatMs);

  const loop = (async () => {
    for await (const frames of router) {
      const sender = frames[0]?.toString() ?? '?';
      if (dropped.has(sender)) continue;
      let parsed;
      try {
        parsed = parseWorkerFrames(frames as Buffer[]);
      } catch (e) {
        malformed(sender, String((e as Error).message));
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
          if (settled) void send(identity, 'STOP', { reason: 'nothing to do' });
          else {
            dispatch(w);
            if (!w.job) ask(); // a free worker and an empty queue: the source may have a job for it
          }
          break;
        case 'PROGRESS':
          if (w.job?.key === message.header.job) h.progress?.(identity, message.header);
          break;
        case 'RESULT': {
          const job = w.job;
          if (!job || job.key !== message.header.job || w.delivering) {
            // Stale (the job went elsewhere after this worker fell silent), never given, or sent twice: not stored.
            const why = !job ? 'it holds no job' : job.key !== message.header.job ? `it was given ${job.key}` : 'its result for this job is still being checked';
            offence(identity, (suppressed) => h.rejected?.(identity, message.header.job, suppressed ? `${why} (after ${suppressed} bad message(s) not recorded one by one)` : why));
            break;
          }
          // The worker gets its next job once this one is settled (deliver), so a failed check can retry it anywhere.
          deliver(w, job, message.header, message.payload);
          break;
        }
        case 'FAILED':
          if (w.job?.key === message.header.job && !w.delivering) fail(w, (message.header as Failed).error, false);
          dispatch(w);
          break;
        case 'HANDBACK': {
          // The worker is leaving: forget it, and put its job first in the queue; the try does not count.
          const job = w.job?.key === message.header.job && !w.delivering ? w.job : undefined;
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

  const finished = done.then(() => {
    if (sourceError !== undefined) throw sourceError;
  });
  finished.catch(() => {}); // raced by the caller; unobserved when it stops first
  if (unfinished === 0) {
    if (sourceOpen) ask();
    else settle();
  }

  return {
    endpoint,
    done: finished,
    remaining: () => unfinished,
    settled: () => settled,
    workerExited: (id, reason) => lose(id, reason),
    inFlight: () => [...workers.values()].flatMap((w) => (w.job ? [{ job: w.job, worker: w.id }] : [])),
    async close() {
      if (closed) return;
      closing = true; // no job goes out from now on, so what is in flight stays what it is
      for (const w of workers.keys()) void send(w, 'STOP', { reason: 'broker closing' });
      await sending;
      closed = true;
      clearInterval(timer);
      router.close();
      await loop;
      await Promise.all([...deliveries]);
      // a question to the source under way is answered before the caller goes on (it may write to the store)
      await asking;
    },
  };
}
