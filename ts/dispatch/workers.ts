import { hostname } from 'node:os';
import { join } from 'node:path';
import { type ResultPromise, execa } from 'execa';

export interface WorkerPoolOptions {
  count: number;
  endpoint: string;
  python: string;
  heartbeatMs?: number;
  /** Seconds a worker waits for word from the broker before it exits (its --timeout). */
  timeoutS?: number;
  /** Called when a worker process ends while the pool is open (a crash, a kill, an error before READY). */
  exited(id: string, reason: string): void;
  /** Whether a replacement is wanted after a crash. */
  wanted(): boolean;
  /** Most replacements in any minute, so a worker that cannot start does not loop (default: count × 3). */
  maxRestartsPerMinute?: number;
  /** CURVE: the broker's public key and the local workers' key-pair file (every run has them; see run.ts). */
  curve?: { serverKey: string; keyFile: string };
}

export interface WorkerPool {
  ids(): string[];
  pids(): number[];
  /** The pid of worker `id` while its process runs. */
  pid(id: string): number | undefined;
  /** Kills worker `id` (SIGKILL: a hung worker may not read anything else); the pool replaces it. */
  kill(id: string): boolean;
  /** Why the pool stopped replacing workers, in one sentence, once it has. */
  gaveUp(): string | undefined;
  close(): Promise<void>;
}

const TAIL_BYTES = 2000;
/** The last lines of a worker's stderr, for the one sentence that says why it ended. */
const lastLines = (s: string, n = 3) => s.trim().split('\n').slice(-n).join(' | ');

/** Starts local `python -m plateau.worker` processes with execa, and replaces ones that crash. */
export function startWorkers(opts: WorkerPoolOptions): WorkerPool {
  const procs = new Map<string, ResultPromise>();
  const restarts: number[] = []; // times of recent replacements
  const perMinute = opts.maxRestartsPerMinute ?? opts.count * 3;
  let next = 0;
  let closing = false;
  let gaveUp: string | undefined;
  const prefix = `${hostname()}-${process.pid}`;

  // Each live worker holds a slot 0..count-1 (a replacement takes the one it frees): a worker trains
  // on GPU slot mod GPUs (plateau/worker.py), so count workers share the GPUs round robin, several
  // small jobs to one GPU when count exceeds them.
  const slots = new Map<string, number>();
  const freeSlot = () => {
    const used = new Set(slots.values());
    let s = 0;
    while (used.has(s)) s++;
    return s;
  };

  const spawn = () => {
    const id = `${prefix}-w${++next}`;
    const slot = freeSlot();
    slots.set(id, slot);
    const proc = execa(
      opts.python,
      ['-m', 'plateau.worker', `--connect=${opts.endpoint}`, `--id=${id}`,
        '--heartbeat', String((opts.heartbeatMs ?? 1000) / 1000),
        ...(opts.timeoutS ? ['--timeout', String(opts.timeoutS)] : []),
        // `=` because a Z85 key may begin with '-'
        ...(opts.curve ? [`--server-key=${opts.curve.serverKey}`, '--key-file', opts.curve.keyFile] : [])],
      {
        reject: false,
        buffer: false,
        stdin: 'ignore',
        stdout: 'ignore',
        stderr: 'pipe',
        env: { PYTHONUNBUFFERED: '1', PLATEAU_SCHEMAS: join(process.env.PLATEAU_ROOT ?? process.cwd(), 'schemas'), PLATEAU_WORKER_SLOT: String(slot) },
        cleanup: true,
      },
    );
    // Only a rolling tail of stderr is kept: a long-lived worker's warnings must not fill memory.
    let tail = '';
    proc.stderr?.on('data', (d: Buffer) => {
      tail = (tail + d.toString('utf8')).slice(-TAIL_BYTES);
    });
    procs.set(id, proc);
    void proc.then((r) => {
      procs.delete(id);
      slots.delete(id);
      if (closing) return;
      const how = r.signal ? `killed by ${r.signal}` : `exited with code ${r.exitCode}`;
      opts.exited(id, `${how}${tail.trim() ? `: ${lastLines(tail)}` : ''}`);
      if (!opts.wanted()) return;
      const t = Date.now();
      while (restarts.length && t - restarts[0] > 60_000) restarts.shift();
      if (restarts.length >= perMinute) {
        gaveUp ??= `${restarts.length + 1} worker processes ended within a minute, the last ${how}${tail.trim() ? ` saying: ${lastLines(tail, 1)}` : ' with nothing on stderr'}`;
        return;
      }
      restarts.push(t);
      spawn();
    });
  };

  for (let i = 0; i < opts.count; i++) spawn();
  return {
    ids: () => [...procs.keys()],
    pids: () => [...procs.values()].map((p) => p.pid!).filter(Boolean),
    pid: (id) => procs.get(id)?.pid,
    kill: (id) => procs.get(id)?.kill('SIGKILL') ?? false,
    gaveUp: () => gaveUp,
    async close() {
      closing = true;
      const all = [...procs.values()];
      // Workers stop on the broker's STOP; anything still alive after a grace period is killed.
      const timer = setTimeout(() => all.forEach((p) => p.kill('SIGKILL')), 5000);
      await Promise.all(all);
      clearTimeout(timer);
    },
  };
}
