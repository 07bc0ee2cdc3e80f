import { spawnSync } from 'node:child_process';
import { chmodSync, rmSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { execa } from 'execa';
import { curveKeyPair } from 'zeromq';
import { EXIT, UserError } from '../errors';
import { makeFolder } from '../folder';
import type { KeyPair } from './curve';
import { z85Decode } from './z85';

/**
 * Workers as a Slurm job array: plateau submits one `sbatch --array` whose tasks are workers that
 * connect back to the broker, and cancels it when the grid is done or the run is interrupted.
 * Slurm is the engine (queues, nodes, GPUs, time limits); plateau only submits and listens.
 */
export interface SlurmRequest {
  /** Array tasks, one worker each. */
  workers: number;
  partition?: string;
  gpusPerWorker?: number;
  /** Slurm's --time (e.g. 2:00:00); the workers hand their job back 90 s before it. */
  time?: string;
  /** Passed to sbatch as they are, e.g. --account=X or --cpus-per-task=8. */
  sbatchArgs: string[];
  /** Names the array in squeue. */
  name: string;
}

export interface WorkerLaunch {
  /** The endpoint the workers connect to (reachable from the compute nodes). */
  connect: string;
  serverKey: string;
  /** The workers' key pair file, on a file system the compute nodes share. */
  keyFile: string;
  /** Where the worker script and the tasks' logs go (shared too). */
  dir: string;
  python: string;
  /** The repository (shared), for the contract in schemas/. */
  root: string;
}

/** A run's own CURVE keys for its Slurm workers: the broker's pair and the workers' pair (owner-only file). */
export function slurmRunKeys(dir: string): { broker: KeyPair; workerFile: string; workerHex: string } {
  makeFolder(dir, 0o700);
  const worker = curveKeyPair();
  const workerFile = join(dir, 'worker-keys.json');
  writeFileSync(workerFile, JSON.stringify(worker), { mode: 0o600 });
  chmodSync(workerFile, 0o600);
  return { broker: curveKeyPair(), workerFile, workerHex: z85Decode(worker.publicKey).toString('hex') };
}

/** What compute nodes dial: a wildcard bind (0.0.0.0, *, ::) is this host's name. */
export function connectAddress(bound: string): string {
  return bound.replace(/^tcp:\/\/(0\.0\.0\.0|\*|\[::\]):/, `tcp://${hostname()}:`);
}

const shellQuote = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;

/**
 * The array task's script. `exec` makes the worker the batch shell itself, so Slurm's SIGTERM
 * (scancel, preemption) and the SIGUSR1 sent before the time limit reach it, and it hands its job back.
 */
export function workerScript(l: WorkerLaunch): string {
  return [
    '#!/bin/bash',
    '# A plateau worker as one task of a Slurm job array (written by plateau run --slurm).',
    `export PLATEAU_SCHEMAS=${shellQuote(join(l.root, 'schemas'))}`,
    'export PYTHONUNBUFFERED=1',
    `exec ${shellQuote(l.python)} -m plateau.worker --connect ${shellQuote(l.connect)} --server-key=${shellQuote(l.serverKey)} \\`,
    `  --key-file ${shellQuote(l.keyFile)} --id "slurm-\${SLURM_ARRAY_JOB_ID}_\${SLURM_ARRAY_TASK_ID}" \\`,
    '  --threads "${SLURM_CPUS_PER_TASK:-0}" --timeout 120',
    '',
  ].join('\n');
}

/** sbatch's arguments for the array (the script comes last). */
export function sbatchArgs(r: SlurmRequest, dir: string, script: string): string[] {
  return [
    '--parsable',
    `--array=0-${r.workers - 1}`,
    `--job-name=${r.name}`,
    `--output=${join(dir, 'worker-%A_%a.log')}`,
    ...(r.partition ? [`--partition=${r.partition}`] : []),
    ...(r.gpusPerWorker ? [`--gres=gpu:${r.gpusPerWorker}`] : []),
    // Near the limit, SIGUSR1 to the batch shell (the worker, via exec): it hands its job back.
    ...(r.time ? [`--time=${r.time}`, '--signal=B:USR1@90'] : []),
    ...r.sbatchArgs,
    script,
  ];
}

export interface SlurmArray {
  id: string;
  dir: string;
  /** Tasks still pending or running; undefined when squeue cannot say (e.g. slurmctld restarting). */
  live(): Promise<number | undefined>;
  /** scancel the whole array (idempotent). */
  cancel(): Promise<void>;
  /** The same, synchronously: for process exit after a signal. */
  cancelNow(): void;
}

async function slurmCommand(cmd: string, args: string[]) {
  try {
    return await execa(cmd, args, { reject: false, timeout: 60_000 });
  } catch {
    return undefined;
  }
}

/** sbatch's answer as plateau's: a missing sbatch is set-up (exit 3), a refusal bad input (its last line). */
function sbatchAnswered(out: Awaited<ReturnType<typeof slurmCommand>>): string {
  if (!out || out.exitCode === undefined) throw new UserError('--slurm: sbatch was not found; run plateau on a Slurm login node (or drop --slurm)', EXIT.setup);
  if (out.exitCode !== 0) throw new UserError(`--slurm: sbatch refused the worker array: ${String(out.stderr).trim().split('\n').pop()?.replace(/^sbatch: (error|fatal): /, '')}`);
  return String(out.stdout);
}

/**
 * Whether Slurm would take this array (`sbatch --test-only`: nothing is queued), asked before a run
 * writes its store, so an unreachable controller or an unknown partition is exit 2 with nothing
 * written, not a store of queued jobs and then the refusal.
 */
export async function checkSlurmRequest(r: SlurmRequest): Promise<void> {
  sbatchAnswered(await slurmCommand('sbatch', ['--test-only', ...sbatchArgs(r, tmpdir(), '--wrap=true')]));
}

/** Writes the worker script and submits the array; a missing sbatch is set-up (exit 3), a refused one bad input. */
export async function submitWorkers(r: SlurmRequest, l: WorkerLaunch): Promise<SlurmArray> {
  const dir = resolve(l.dir);
  try {
    makeFolder(dir);
  } catch (e) {
    throw new UserError(`${dir}: the folder for the workers' script and logs cannot be made (${(e as NodeJS.ErrnoException).code ?? String(e)}); pass another --log-dir`);
  }
  const script = join(dir, 'worker.sh');
  writeFileSync(script, workerScript(l), { mode: 0o700 });
  // --parsable prints "jobid" or "jobid;cluster"
  const id = sbatchAnswered(await slurmCommand('sbatch', sbatchArgs(r, dir, script))).trim().split(';')[0];
  let cancelled = false;
  return {
    id,
    dir,
    async live() {
      const q = await slurmCommand('squeue', ['-h', '-r', '-j', id, '-t', 'PENDING,RUNNING,CONFIGURING,COMPLETING,SUSPENDED', '-o', '%i']);
      if (q?.exitCode === 0) return String(q.stdout).split('\n').filter((s) => s.trim()).length;
      // An array that has left slurmctld's memory is an invalid id: nothing of it is live. Any other
      // failure (the controller busy or restarting) says nothing.
      return q && /invalid job id/i.test(String(q.stderr)) ? 0 : undefined;
    },
    async cancel() {
      if (cancelled) return;
      cancelled = true;
      await slurmCommand('scancel', [id]);
    },
    cancelNow() {
      if (cancelled) return;
      cancelled = true;
      spawnSync('scancel', [id], { timeout: 30_000 });
    },
  };
}

/** Removes a run's secret key file once its workers are gone; logs and the script stay for reading. */
export function forgetRunKeys(workerFile: string): void {
  rmSync(workerFile, { force: true });
}

/**
 * An AbortSignal that fires when every task of the array has ended while jobs remain (they could
 * not start, or all were cancelled): the run stops instead of waiting for workers that will not come.
 */
export function watchArray(array: SlurmArray, remaining: () => number, everyMs = 5000): { signal: AbortSignal; stop(): void } {
  const ctl = new AbortController();
  let busy = false;
  let empty = 0; // consecutive looks that found no task: two before giving up, so a task between states does not stop a run
  const timer = setInterval(() => {
    if (busy) return;
    busy = true;
    void array
      .live()
      .then((n) => {
        if (n === undefined) return;
        empty = n === 0 ? empty + 1 : 0;
        if (empty >= 2 && remaining() > 0 && !ctl.signal.aborted) {
          ctl.abort(new UserError(`every Slurm worker of array ${array.id} has ended with ${remaining()} job(s) left; see their logs in ${array.dir}`, EXIT.failedJobs));
        }
      })
      .finally(() => (busy = false));
  }, everyMs);
  timer.unref();
  return { signal: ctl.signal, stop: () => clearInterval(timer) };
}
