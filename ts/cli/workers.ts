import { join, resolve } from 'node:path';
import type { Command } from 'commander';
import { UserError } from '../errors';
import { folderProblem } from '../folder';
import { addSlurmOptions, slurmRequest } from './slurm';
import { endpoint, intIn } from './options';

/**
 * `plateau workers slurm`: more workers for a run that is already listening, as one Slurm job array.
 * They stop when the run says so (its grid is done) or when it has been silent for two minutes.
 */
export function registerWorkers(program: Command): void {
  const workers = program.command('workers').description('start workers for a running broker elsewhere');
  addSlurmOptions(
    workers
      .command('slurm')
      .description('submit an sbatch --array of workers that connect to a running broker')
      .requiredOption('--connect <endpoint>', 'the broker, as the run printed it, e.g. tcp://login1:5555', endpoint('--connect'))
      .requiredOption('--server-key <key>', "the broker's CURVE public key (printed by the run)")
      .requiredOption('--key-file <file>', 'a worker key pair the broker admits (the run prints its own; or one listed in --authorized-keys)')
      .option('--workers <n>', 'array tasks, one worker each', intIn('--workers', 1, 10_000), 1)
      .option('--log-dir <dir>', 'where the worker script and logs go (a folder the compute nodes share)'),
    false,
  ).action(async (o) => {
    (await import('../dispatch/keyFile')).checkWorkerKeys(o.serverKey, o.keyFile);
    if (o.logDir) {
      const problem = folderProblem(o.logDir);
      if (problem) throw new UserError(`--log-dir ${o.logDir}: ${problem}; pass another --log-dir`);
    }
    const { pythonPath } = await import('../bridge/python');
    const { checkSlurmRequest, submitWorkers } = await import('../dispatch/slurm');
    await checkSlurmRequest(slurmRequest(o, 'plateau-workers'));
    const root = process.env.PLATEAU_ROOT ?? process.cwd();
    const dir = resolve(o.logDir ?? join(root, '.plateau', 'slurm', `extra-${Date.now()}`));
    const a = await submitWorkers(slurmRequest(o, 'plateau-workers'), {
      connect: o.connect, serverKey: o.serverKey, keyFile: resolve(o.keyFile), dir, python: pythonPath(), root,
    });
    console.log(`submitted worker array ${a.id} (${o.workers} task(s)); logs in ${dir}; scancel ${a.id} stops them`);
  });
}
