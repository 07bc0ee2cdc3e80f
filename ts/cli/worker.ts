import { existsSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { Command } from 'commander';
import { EXIT, UserError } from '../errors';
import { endpoint, intIn, numberIn } from './options';

/**
 * `plateau worker`: the Python worker (py/plateau/worker.py) started from the CLI with the project's
 * own environment (its .venv and schemas/), so a worker machine needs the checkout and `npm run setup`
 * and nothing typed by hand. Signals are passed on: Slurm's SIGTERM or SIGUSR1 makes it hand its job back.
 */
export function registerWorker(program: Command): void {
  program
    .command('worker')
    .description('train jobs for a plateau run on this machine: connects to its broker (see README, "More machines")')
    .option('--connect <endpoint>', 'the broker, e.g. tcp://HOST:5555 (printed by plateau run --bind)', endpoint('--connect'))
    .option('--server-key <key>', "the broker's CURVE public key (printed by plateau run --bind)")
    .option('--key-file <file>', "this worker's key pair (made with --keygen)")
    .option('--keygen <file>', 'write a new key pair to FILE, print its public key (for --authorized-keys), exit')
    .option('--data-root <dir>', "this machine's copy of the experiment's data set (replaces the data set's root folder)")
    .option('--id <name>', 'worker name shown by status (default: host-pid)')
    .option('--threads <n>', 'torch CPU threads (default: torch chooses)', intIn('--threads', 1, 1024))
    .option('--timeout <seconds>', "exit after this long without word from the broker", numberIn('--timeout', 0, 86_400, true))
    .option('-v, --verbose', 'a line per epoch too')
    .action(async (o) => {
      const args = ['-m', 'plateau.worker'];
      if (o.keygen) args.push('--keygen', o.keygen);
      else {
        if (!o.connect) throw new UserError('plateau worker needs --connect tcp://HOST:PORT (the run prints it), or --keygen FILE');
        if (Boolean(o.serverKey) !== Boolean(o.keyFile)) throw new UserError('--server-key and --key-file go together (CURVE needs both)');
        if (o.serverKey) (await import('../dispatch/keyFile')).checkWorkerKeys(o.serverKey, o.keyFile);
        if (o.dataRoot && !(existsSync(o.dataRoot) && statSync(o.dataRoot).isDirectory())) throw new UserError(`--data-root ${o.dataRoot}: not a folder`);
        args.push('--connect', o.connect);
        // joined with '=': a Z85 key may begin with '-'
        if (o.serverKey) args.push(`--server-key=${o.serverKey}`, '--key-file', o.keyFile);
        if (o.dataRoot) args.push('--data-root', o.dataRoot);
        if (o.id) args.push(`--id=${o.id}`);
        if (o.threads) args.push('--threads', String(o.threads));
        if (o.timeout) args.push('--timeout', String(o.timeout));
        if (o.verbose) args.push('--verbose');
      }
      const { checkPython, pythonPath } = await import('../bridge/python');
      const python = pythonPath();
      await checkPython(python);
      process.exitCode = await runPassingSignals(python, args);
    });
}

/** Runs the worker in the foreground; SIGINT, SIGTERM, SIGHUP and SIGUSR1 go to it, and its exit code is ours. */
async function runPassingSignals(python: string, args: string[]): Promise<number> {
  const { execa } = await import('execa');
  const root = process.env.PLATEAU_ROOT ?? process.cwd();
  const child = execa(python, args, {
    stdio: 'inherit',
    reject: false,
    env: { PYTHONUNBUFFERED: '1', PLATEAU_SCHEMAS: process.env.PLATEAU_SCHEMAS ?? join(root, 'schemas') },
  });
  const pass = (s: NodeJS.Signals) => child.kill(s);
  const signals: NodeJS.Signals[] = ['SIGINT', 'SIGTERM', 'SIGHUP', 'SIGUSR1'];
  for (const s of signals) process.on(s, pass);
  try {
    const r = await child;
    if (r.exitCode !== undefined) return r.exitCode;
    // killed by a signal it did not handle: the shell's convention
    return r.signal ? 128 + (({ SIGINT: 2, SIGHUP: 1, SIGKILL: 9, SIGTERM: 15, SIGUSR1: 10 }) as Record<string, number>)[r.signal]! : EXIT.internal;
  } finally {
    for (const s of signals) process.off(s, pass);
  }
}
