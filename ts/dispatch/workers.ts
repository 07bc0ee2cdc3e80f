import { cpus, hostname } from 'node:os';
import { join } from 'node:path';
import { type ResultPromise, execa } from 'execa';

export interface WorkerPoolOptions {
  count: number;
  endpoint: string;
  python: string;
  /** torch threads per worker; by default the cores shared out evenly. */
  threads?: number;
  heartbeatMs?: number;
  /** Called when a worker process ends while the pool is open (a crash or a kill). */
  exited(id: string, reason: string): void;
  /** Whether a replacement is wanted after a crash. */
  wanted(): boolean;
  /** Most replacements over the pool's life, so a worker that cannot start does not loop. */
  maxRestarts?: number;
  /** When the broker speaks CURVE: its public key and the local workers' key-pair file. */
  curve?: { serverKey: string; keyFile: string };
}

export interface WorkerPool {
  ids(): string[];
  pids(): number[];
  close(): Promise<void>;
}

const tail = (s: string, n = 600) => (s.length > n ? `…${s.slice(-n)}` : s);

/** Starts local `python -m plateau.worker` processes with execa, and replaces ones that crash. */
export function startWorkers(opts: WorkerPoolOptions): WorkerPool {
  const threads = opts.threads ?? Math.max(1, Math.floor(cpus().length / opts.count));
  const procs = new Map<string, ResultPromise>();
  let next = 0;
  let restarts = 0;
  let closing = false;
  const prefix = `${hostname()}-${process.pid}`;

  const spawn = () => {
    const id = `${prefix}-w${++next}`;
    const proc = execa(
      opts.python,
      ['-m', 'plateau.worker', '--connect', opts.endpoint, '--id', id, '--threads', String(threads),
        '--heartbeat', String((opts.heartbeatMs ?? 1000) / 1000),
        ...(opts.curve ? ['--server-key', opts.curve.serverKey, '--key-file', opts.curve.keyFile] : [])],
      {
        reject: false,
        all: true,
        buffer: { all: true },
        stdin: 'ignore',
        env: { PYTHONUNBUFFERED: '1', PLATEAU_SCHEMAS: join(process.env.PLATEAU_ROOT ?? process.cwd(), 'schemas') },
        cleanup: true,
        maxBuffer: 4_000_000,
      },
    );
    procs.set(id, proc);
    void proc.then((r) => {
      procs.delete(id);
      if (closing) return;
      const reason = r.signal ? `killed by ${r.signal}` : `exited with code ${r.exitCode}`;
      opts.exited(id, `${reason}${r.all ? `: ${tail(String(r.all).trim())}` : ''}`);
      if (opts.wanted() && restarts < (opts.maxRestarts ?? opts.count * 3)) {
        restarts += 1;
        spawn();
      }
    });
  };

  for (let i = 0; i < opts.count; i++) spawn();
  return {
    ids: () => [...procs.keys()],
    pids: () => [...procs.values()].map((p) => p.pid!).filter(Boolean),
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
