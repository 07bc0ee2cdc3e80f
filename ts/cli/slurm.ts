import { dirname, join } from 'node:path';
import type { Command } from 'commander';
import type { KeyPair } from '../dispatch/curve';
import type { SlurmArray, SlurmRequest } from '../dispatch/slurm';
import { UserError } from '../errors';
import { intIn } from './options';

/**
 * The Slurm options shared by `plateau run --slurm` and `plateau workers slurm`, and the glue that
 * submits a run's worker array once its broker listens, and cancels it when the run ends.
 */
const collect = (v: string, all: string[]) => [...all, v];

/** Slurm's --time formats: minutes, MM:SS, HH:MM:SS, D-HH, D-HH:MM, D-HH:MM:SS. */
export function slurmTime(raw: string): string {
  if (!/^(\d+|\d+:\d{2}|\d+:\d{2}:\d{2}|\d+-\d+|\d+-\d+:\d{2}|\d+-\d+:\d{2}:\d{2})$/.test(raw)) {
    throw new UserError(`--time must be a Slurm time limit such as 90 (minutes), 2:00:00 or 1-12:00:00 (got '${raw}')`);
  }
  return raw;
}

function partitionName(raw: string): string {
  if (!/^[A-Za-z0-9_.,-]+$/.test(raw)) throw new UserError(`--partition must be a Slurm partition name (got '${raw}')`);
  return raw;
}

export function addSlurmOptions(cmd: Command, withFlag: boolean): Command {
  if (withFlag) cmd.option('--slurm', 'run the workers as one Slurm job array (sbatch --array); --workers is its size');
  return cmd
    .option('--partition <name>', 'Slurm partition for the workers', partitionName)
    .option('--gpus-per-worker <g>', 'GPUs each Slurm worker asks for (--gres=gpu:G)', intIn('--gpus-per-worker', 1, 64))
    .option('--time <limit>', 'Slurm time limit per worker; it hands its job back 90 s before', slurmTime)
    .option('--sbatch-arg <arg>', 'passed to sbatch as it is, e.g. --sbatch-arg=--account=lab (repeatable)', collect, []);
}

export interface SlurmCliOptions {
  workers: number;
  partition?: string;
  gpusPerWorker?: number;
  time?: string;
  sbatchArg: string[];
}

export const slurmRequest = (o: SlurmCliOptions, name: string): SlurmRequest => ({
  workers: o.workers,
  partition: o.partition,
  gpusPerWorker: o.gpusPerWorker,
  time: o.time,
  sbatchArgs: o.sbatchArg,
  name,
});

/**
 * torch threads per job on Slurm workers (fixed per job and sent with it): --threads, else the
 * --cpus-per-task given to sbatch, else 1. The control plane's own core count says nothing about
 * the compute nodes.
 */
export function slurmThreads(o: { threads?: number; sbatchArg: string[] }): number {
  if (o.threads) return o.threads;
  for (let i = 0; i < o.sbatchArg.length; i++) {
    const a = o.sbatchArg[i];
    const m = /^(?:--cpus-per-task=|-c=?)(\d+)$/.exec(a) ?? (a === '--cpus-per-task' || a === '-c' ? /^(\d+)$/.exec(o.sbatchArg[i + 1] ?? '') : null);
    if (m) return Number(m[1]);
  }
  return 1;
}

/** The Slurm options given without --slurm are a mistake worth naming. */
export function checkSlurmOptions(o: SlurmCliOptions & { slurm?: boolean }): void {
  const stray = (['partition', 'gpusPerWorker', 'time'] as const).filter((k) => o[k] !== undefined);
  if (!o.slurm && (stray.length || o.sbatchArg.length)) {
    throw new UserError(`--partition, --gpus-per-worker, --time and --sbatch-arg go with --slurm`);
  }
  if (o.slurm && o.workers < 1) throw new UserError('--slurm needs --workers 1 or more (the size of the worker array)');
}

/**
 * A run's Slurm workers: its own key pairs (the workers' in a file beside the store, which the compute
 * nodes must share), the array submitted once the broker listens, a watch that stops the run when every
 * task has ended with jobs left, and the array cancelled when the run ends (also on a signal).
 */
export async function slurmRun(o: SlurmCliOptions & { db: string; authorizedKeys?: string; threads?: number }, experiment: string, python: string, remaining: () => number) {
  // loaded here, not when the CLI starts (zeromq, execa)
  const { readAuthorizedKeys } = await import('../dispatch/curve');
  const { connectAddress, forgetRunKeys, slurmRunKeys, submitWorkers, watchArray } = await import('../dispatch/slurm');
  const extra = o.authorizedKeys ? readAuthorizedKeys(o.authorizedKeys) : new Set<string>();
  const stamp = new Date().toISOString().replace(/[-:]/g, '').replace(/\..*/, '');
  const dir = join(dirname(o.db), 'slurm', `${experiment}-${stamp}-${process.pid}`);
  const keys = slurmRunKeys(dir);
  const curve: { keys: KeyPair; authorized: Set<string> } = { keys: keys.broker, authorized: new Set([keys.workerHex, ...extra]) };
  const ctl = new AbortController();
  let array: SlurmArray | undefined;
  let watch: { stop(): void } | undefined;
  const onExit = () => {
    array?.cancelNow();
    forgetRunKeys(keys.workerFile);
  };
  process.on('exit', onExit);
  return {
    curve,
    dir,
    threads: slurmThreads(o),
    signal: ctl.signal,
    /** Called with the broker's endpoint: submits the array. */
    submit(bound: string, say: (line: string) => void) {
      const connect = connectAddress(bound);
      submitWorkers(slurmRequest(o, `plateau-${experiment}`), {
        connect, serverKey: keys.broker.publicKey, keyFile: keys.workerFile, dir, python, root: process.env.PLATEAU_ROOT ?? process.cwd(),
      }).then(
        (a) => {
          array = a;
          say(`slurm: submitted worker array ${a.id} (${o.workers} task(s)); logs in ${dir}`);
          say(`slurm: more workers: plateau workers slurm --connect ${connect} --server-key='${keys.broker.publicKey}' --key-file ${keys.workerFile} --workers N`);
          const w = watchArray(a, remaining);
          watch = w;
          w.signal.addEventListener('abort', () => ctl.abort(w.signal.reason), { once: true });
        },
        (e: unknown) => ctl.abort(e),
      );
    },
    /** Cancels the array (the grid is done or the run stopped) and removes the run's secret key. */
    async finish() {
      watch?.stop();
      process.off('exit', onExit);
      await array?.cancel();
      forgetRunKeys(keys.workerFile);
    },
  };
}

/**
 * runJobs's options for a run (or one adaptive wave) whose workers are a Slurm array of up to
 * `o.workers` tasks, and what to call once it returns (the array cancelled, its key deleted).
 */
export async function onSlurm(
  o: SlurmCliOptions & { db: string; authorizedKeys?: string; threads?: number; bind?: string },
  experiment: string, python: string, remaining: () => number, lock: AbortSignal, say: (line: string) => void,
) {
  const s = await slurmRun(o, experiment, python, remaining);
  return {
    options: {
      workers: 0,
      threads: s.threads,
      endpoint: o.bind ?? 'tcp://0.0.0.0:*',
      curve: s.curve,
      signal: AbortSignal.any([lock, s.signal]),
      onStarted: (_: unknown, endpoint: string) => s.submit(endpoint, say),
    },
    finish: s.finish,
  };
}
