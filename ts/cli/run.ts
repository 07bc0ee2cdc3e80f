import { EventEmitter } from 'node:events';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { Command } from 'commander';
import type { RunEvent } from '../dispatch/run';
import type { Job } from '../experiment/job';
import type { Experiment } from '../experiment/schema';
import type { DataSummary } from '../bridge/contract';
import { type Db, defaultDbPath, openDb, storeProblem } from '../store/db';
import { allDone } from '../store/jobs';
import type { RunLock } from '../store/lock';
import { UserError } from '../errors';
import { fixed, subsetLabel, table } from './format';
import { endpoint, intIn, numberIn, targetDice } from './options';
import { addSlurmOptions, checkSlurmOptions, onSlurm, slurmRequest } from './slurm';

/*
 * The dispatch, the strategy, Ink and the Python bridge load inside the action, not when the CLI
 * starts (issue 13): `plateau --help` and `plateau status` never pay for them.
 */

/** The parameters of a job as flat columns (what --dry-run --json and the stats see). */
export function jobParameters(j: Job, modelDepth: (m: Job['model']) => number | null) {
  return {
    key: j.key,
    experiment: j.experiment,
    dataset: j.dataset.kind,
    model: j.model.name,
    family: j.model.family,
    depth: modelDepth(j.model),
    fraction: j.fraction,
    count: j.count,
    n_train: j.n_train,
    fold: j.fold,
    repeat: j.repeat,
    seed: j.seed,
    loss: j.training.loss,
    lr: j.training.lr,
    weight_decay: j.training.weight_decay,
    epochs: j.training.epochs,
    patience: j.training.patience ?? null,
    batch_size: j.training.batch_size,
  };
}

const collect = (v: string, all: string[]) => [...all, v];

/** A UserError from `f` with the experiment file named first. */
function inFile<T>(file: string, f: () => T): T {
  try {
    return f();
  } catch (e) {
    throw e instanceof UserError ? new UserError(`${file}: ${e.message}`, e.code) : e;
  }
}

function plainLine(e: RunEvent, total: () => string, jobs: Job[] = []): string | undefined {
  const where = (j: Job) => `${j.model.name} ${subsetLabel(j)}${j.fold !== null ? ` fold ${j.fold}` : ''}`;
  switch (e.kind) {
    case 'epoch': {
      const p = e.progress;
      const job = jobs.find((j) => j.key === p.job);
      return `  epoch ${p.epoch}/${p.epochs} ${job ? where(job) : ''} train_loss=${fixed(p.train_loss, 4)} val_dice=${fixed(p.val_dice, 4)} ${p.seconds.toFixed(1)}s [${p.job}]`;
    }
    case 'done':
      return `done ${total()} ${where(e.job)} dice=${fixed(e.metrics.dice as number, 4)} iou=${fixed(e.metrics.iou as number, 4)} ${e.seconds.toFixed(1)}s [${e.job.key}]`;
    case 'failed':
      return `${e.final ? 'FAILED' : 'retry'} ${where(e.job)} [${e.job.key}]: ${e.error.split('\n')[0]}`;
    case 'lost':
      return `worker ${e.worker} lost: ${e.reason.split('\n')[0]}`;
    case 'ready':
      return `worker ${e.worker} ready on ${e.device}`;
    case 'handback':
      return `worker ${e.worker} left (${e.reason})${e.job ? `; ${where(e.job)} [${e.job.key}] queued again` : ''}`;
    default:
      return undefined;
  }
}

/**
 * Who may connect: local workers only (loopback, no keys), or — with --bind — workers anywhere,
 * which off loopback must hold a key listed in --authorized-keys (CURVE + ZAP, ts/dispatch/curve.ts).
 */
async function securityOf(o: { workers: number; bind?: string; authorizedKeys?: string; db: string }) {
  const { brokerKeys, isLoopback, readAuthorizedKeys } = await import('../dispatch/curve');
  if (o.workers === 0 && !o.bind) throw new UserError('--workers 0 trains nothing unless remote workers can connect: add --bind');
  if (o.bind && !isLoopback(o.bind) && !o.authorizedKeys) {
    throw new UserError(`--bind ${o.bind} is reachable from other machines: add --authorized-keys FILE with the public key of each worker allowed to take jobs (npx plateau worker --keygen FILE prints one)`);
  }
  if (o.workers === 0 && !o.authorizedKeys) {
    // every run speaks CURVE (loopback too): with no local workers and no listed keys, no one could join
    throw new UserError('--workers 0 trains nothing without --authorized-keys FILE: only workers whose public key is listed can join a run (npx plateau worker --keygen FILE prints one)');
  }
  if (!o.authorizedKeys) return undefined;
  const authorized = readAuthorizedKeys(o.authorizedKeys); // first: a bad file writes nothing
  // One broker key pair per project (.plateau/curve/, as the README says), whichever store a run uses:
  // workers keep trusting the same server key.
  return { keys: brokerKeys(join(dirname(defaultDbPath()), 'curve', 'broker.json')), authorized };
}

export function remoteHint(endpoint: string, serverKey?: string): string {
  // `=` and quotes: a Z85 key may begin with '-' and holds characters a shell would read ($, &, <, …)
  const keys = serverKey ? ` --server-key='${serverKey}' --key-file WORKER_KEYS.json` : '';
  return `workers elsewhere: npx plateau worker --connect ${endpoint.replace('0.0.0.0', 'THIS_HOST')}${keys}`;
}

/** Whether the store already holds every job of the grid as done (read without writing; no store yet: no). */
function storedAlready(file: string, experiment: string, jobs: Job[]): boolean {
  if (!existsSync(file)) return false;
  const db = openDb(file, { readonly: true });
  try {
    return allDone(db, experiment, jobs.map((j) => j.key));
  } finally {
    db.close();
  }
}

/** The answer after a run, as `status` prints it: what the grid was trained for. */
async function printAnswer(db: Db, experiment: string, targetDice?: number): Promise<void> {
  const { answerBlock, storedAnswer } = await import('./status');
  console.log();
  for (const line of answerBlock(experiment, await storedAnswer(db, experiment, { targetDice }))) console.log(line);
}

/** A grid with every job stored: nothing is trained, and the run says so, then answers (both the fast path and the one after registering). */
async function sayAllStored(db: Db, experiment: string, total: number, dbFile: string, json: boolean): Promise<void> {
  const { jobCounts } = await import('../store/jobs');
  if (json) console.log(JSON.stringify({ experiment, trained: 0, failed: 0, jobs: jobCounts(db, experiment) }));
  else {
    console.log(`${total === 1 ? 'the 1 job' : `all ${total} jobs`} of '${experiment}' ${total === 1 ? 'is' : 'are'} already stored in ${dbFile}; nothing to train`);
    await printAnswer(db, experiment);
  }
}

/** The data check, saying before a first scan (Python, torch, every case read) what the wait is, and after it how long it took. */
async function checkDataSaying(exp: Experiment, file: string, check: (exp: Experiment, file: string, progress: boolean) => Promise<DataSummary>, say: (line: string) => void, progress: boolean) {
  const { checkedBefore, dataFingerprint } = await import('../bridge/checked');
  const fresh = !checkedBefore(dataFingerprint(exp.dataset));
  const t0 = performance.now();
  if (fresh) say("checking every case of the data set with the trainer's loaders (once: unchanged files are not scanned again)…");
  const s = await check(exp, file, progress);
  if (fresh) say(`data set checked: ${s.cases} cases, ${s.patients} patients in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
}

export function registerRun(program: Command): void {
  program
    .command('run')
    .description('train an experiment grid; resumes: stored jobs are not trained again')
    .argument('<experiment>', 'experiment YAML file, e.g. experiments/synthetic-2d.yaml')
    .option('--db <file>', 'SQLite store', defaultDbPath())
    .option('--workers <n>', 'local worker processes (0 with --bind: remote workers only)', intIn('--workers', 0, 256), 2)
    .option('--bind <endpoint>', 'where workers connect, e.g. tcp://0.0.0.0:5555 for workers on other machines (default: loopback, a free port)', endpoint('--bind'))
    .option('--authorized-keys <file>', 'CURVE public keys of the workers allowed in, one per line (required off loopback)')
    .option('--threads <n>', 'torch threads per job (default: cores / workers); a job keeps the count it first ran with', intIn('--threads', 1, 1024))
    .option('--worker-timeout <s>', 'seconds of silence after which a worker is lost (a local one killed and replaced) and workers give up on the broker', numberIn('--worker-timeout', 1, 86400), 15)
    .option('--set <field=value>', 'override a field of the file, e.g. training.epochs=5 (repeatable)', collect, [])
    .option('--merge', 'store runs under an experiment name the store holds with other settings (epochs, split, …) beside the old ones')
    .option('--adaptive', 'train only the grid jobs that narrow the answer most per second, and stop when it is answered')
    .option('--target-dice <d>', 'with --adaptive: the question is the n for this Dice (default: the Dice at 100%)', targetDice)
    .option('--precision <r>', 'with --adaptive: hi/lo of the target n\'s 95% interval (default 1.25), or the Dice\'s ± (default 0.01)', numberIn('--precision', 0, 100, true))
    .option('--budget <seconds>', 'with --adaptive: training seconds the study may spend', numberIn('--budget', 0, 1e9, true))
    .option('--dry-run', 'print the expanded grid without training')
    .option('--json', 'machine-readable output')
    .option('--no-dashboard', 'plain lines even on a terminal')
    .action(async (file: string, o) => {
      const [{ loadExperiment }, { expandGrid }, { modelDepth }] = await Promise.all([
        import('../experiment/load'), import('../experiment/grid'), import('../experiment/model'),
      ]);
      const exp = loadExperiment(file, o.set);
      const jobs = inFile(file, () => expandGrid(exp));
      if (o.dryRun) {
        const rows = jobs.map((j) => jobParameters(j, modelDepth));
        if (o.json) console.log(JSON.stringify({ count: jobs.length, jobs: rows }, null, 2));
        else {
          console.log(table(['key', 'model', 'subset', 'n_train', 'lr', 'weight_decay', 'fold', 'repeat', 'epochs'], jobs.map((j) => [j.key, j.model.name, subsetLabel(j), j.n_train, j.training.lr, j.training.weight_decay, j.fold, j.repeat, j.training.epochs])));
          console.log(`${jobs.length} jobs`);
        }
        return;
      }
      // Everything that can be wrong is found before anything is written: the store's path, the
      // options, Python (exit 3), then the whole data set (bad cases stop the run here).
      const problem = storeProblem(o.db, true);
      if (problem) throw new UserError(`${o.db}: ${problem}`);
      checkSlurmOptions(o);
      const study = (['targetDice', 'precision', 'budget'] as const).filter((k) => o[k] !== undefined);
      if (study.length && !o.adaptive) throw new UserError(`--target-dice, --precision and --budget go with --adaptive (a full grid trains every job; plateau forecast --target-dice answers a stored one)`);
      // --slurm makes its own keys (ts/cli/slurm.ts)
      const curve = o.slurm ? undefined : await securityOf(o);
      // Resume at once: a grid whose every job is stored needs no Python, no data scan, no workers.
      if (!o.adaptive && storedAlready(o.db, exp.name, jobs)) {
        const db = openDb(o.db, { readonly: true });
        try {
          await sayAllStored(db, exp.name, jobs.length, o.db, o.json);
        } finally {
          db.close();
        }
        return;
      }
      // Slurm would take the array (sbatch --test-only), asked before the store is touched
      if (o.slurm) await (await import('../dispatch/slurm')).checkSlurmRequest(slurmRequest(o, `plateau-${exp.name}`));
      const [{ checkPython, pythonPath }, { checkData, checkTargets, hasFiles }, { acquireRunLock, describeHolder }, { jobCounts, pendingJobs, registerExperiment }, { runJobs }] = await Promise.all([
        import('../bridge/python'), import('./data'), import('../store/lock'), import('../store/jobs'), import('../dispatch/run'),
      ]);
      const python = pythonPath();
      await checkPython(python);
      if (hasFiles(exp)) await checkDataSaying(exp, file, checkData, (line) => !o.json && console.log(line), !o.json);
      // every _target_ resolves, and each model's first job runs on one case (transforms, network,
      // pretrained weights, one forward pass): what would fail every job is exit 2 here, nothing stored
      await checkTargets(exp, file, jobs);
      const db = openDb(o.db);
      let lock: RunLock | undefined;
      try {
        // One writer per store: a second run on it stops here (exit 2), naming the first.
        lock = acquireRunLock(db, o.db, { experiment: exp.name });
        if (lock.tookOver) console.error(`plateau: note: took over the lock of ${describeHolder(lock.tookOver.row)}: ${lock.tookOver.why}`);
        if (o.adaptive) {
          // the strategy decides which of the grid's jobs exist and when the study stops; dispatch runs them
          const events = new EventEmitter();
          if (!o.json) {
            events.on('event', (e: RunEvent) => {
              const line = plainLine(e, () => `${jobCounts(db, exp.name).done}`);
              if (line) console.log(line);
            });
          }
          const say = (line: string) => !o.json && console.log(line);
          const { runAdaptive } = await import('../strategy/run');
          say(`adaptive study of '${exp.name}' over ${jobs.length} grid jobs on ${o.workers} worker(s); store: ${o.db}`);
          const r = await runAdaptive(db, exp, jobs, file, Math.max(1, o.workers), { targetDice: o.targetDice, precision: o.precision, budget: o.budget }, async (first, more) => {
            // one dispatcher for the whole study: the workers start once and get each job as it is chosen
            if (!o.slurm) return runJobs({ db, experiment: exp.name, jobs: first, more, frameJobs: jobs, workers: Math.max(1, o.workers), threads: o.threads, timeoutMs: o.workerTimeout * 1000, python, events, endpoint: o.bind, curve, signal: lock!.signal });
            // Slurm: a worker array per wave, as before (a wave is trained, then the strategy chooses again)
            const total = { done: 0, failed: 0, seconds: 0 };
            for (let wave = first; wave.length; wave = await more(Math.max(1, o.workers), [])) {
              const left = () => wave.length - (db.prepare(`SELECT COUNT(*) AS n FROM metrics WHERE job IN (SELECT value FROM json_each(?))`).get(JSON.stringify(wave.map((j) => j.key))) as { n: number }).n;
              const s = await onSlurm({ ...o, workers: Math.min(o.workers, wave.length) }, exp.name, python, left, lock!.signal, (line) => console.error(line));
              const w = await runJobs({ db, experiment: exp.name, jobs: wave, frameJobs: jobs, python, events, timeoutMs: o.workerTimeout * 1000, ...s.options }).finally(s.finish);
              total.done += w.done;
              total.failed += w.failed;
              total.seconds += w.seconds;
            }
            return total;
          },
          say);
          const c = jobCounts(db, exp.name);
          if (o.json) console.log(JSON.stringify({ experiment: exp.name, strategy: 'adaptive', trained: r.trained, failed: r.failed, waves: r.waves, seconds: r.seconds, reason: r.reason, jobs: c, grid: jobs.length }));
          else {
            console.log(`finished '${exp.name}': ${r.trained} trained in ${r.waves} wave(s), ${r.failed} failed, ${r.seconds.toFixed(1)} s; ${c.done} of the grid's ${jobs.length} jobs stored in ${o.db}`);
            await printAnswer(db, exp.name, o.targetDice);
          }
          if (r.failed > 0) process.exitCode = 1;
          return;
        }
        registerExperiment(db, exp, jobs, file, { merge: o.merge });
        // This grid's jobs only: under --merge the experiment also holds older settings' jobs, which
        // stay stored as they are (not trained again, not counted in this run's progress).
        const keys = jobs.map((j) => j.key);
        const pending = pendingJobs(db, exp.name, keys);
        const counts = () => jobCounts(db, exp.name, keys);
        if (pending.length === 0) {
          await sayAllStored(db, exp.name, jobs.length, o.db, o.json);
          return;
        }
        const events = new EventEmitter();
        const tty = Boolean(process.stdout.isTTY) && o.dashboard && !o.json;
        let ink: { unmount: () => void } | undefined;
        if (tty) {
          const [{ render }, { createElement }, { Dashboard }, { LIVE }] = await Promise.all([import('ink'), import('react'), import('../tui/Dashboard'), import('../tui/live')]);
          ink = render(createElement(Dashboard, { dbFile: o.db, experiment: exp.name, onQuit: () => process.kill(process.pid, 'SIGINT'), answerBelow: true }), LIVE);
        } else if (!o.json) {
          console.log(`training ${pending.length} of ${jobs.length} jobs of '${exp.name}' on ${Math.min(o.workers, pending.length)} worker(s); store: ${o.db}`);
          events.on('event', (e: RunEvent) => {
            const c = counts();
            const line = plainLine(e, () => `${c.done + c.failed}/${c.total}`, pending);
            if (line) console.log(line);
          });
        }
        // With --slurm the workers are an sbatch array that connects back; it is cancelled when the run ends.
        const slurm = o.slurm ? await onSlurm(o, exp.name, python, () => counts().queued + counts().running, lock.signal, (line) => console.error(line)) : undefined;
        const summary = await runJobs({
          db, experiment: exp.name, jobs: pending, workers: o.workers, threads: o.threads, timeoutMs: o.workerTimeout * 1000, python, events, endpoint: o.bind, curve, signal: lock.signal,
          onStarted: (_, endpoint) => {
            if (o.bind && curve) console.error(remoteHint(endpoint, curve.keys.publicKey));
            else if (o.bind) console.error(`listening on ${endpoint}; only this run's own workers are admitted (add --authorized-keys FILE to let workers started by hand join)`);
          },
          ...slurm?.options,
        }).finally(() => slurm?.finish());
        if (ink) {
          await new Promise((r) => setTimeout(r, 1100)); // one last frame with the final state
          ink.unmount();
        }
        const c = counts();
        if (o.json) console.log(JSON.stringify({ experiment: exp.name, trained: summary.done, failed: summary.failed, seconds: summary.seconds, jobs: c }));
        else {
          console.log(`finished '${exp.name}': ${summary.done} trained, ${summary.failed} failed in ${summary.seconds.toFixed(1)} s; ${c.done}/${c.total} stored in ${o.db}`);
          await printAnswer(db, exp.name);
        }
        if (summary.failed > 0) process.exitCode = 1;
      } finally {
        lock?.release();
        db.close();
      }
    });
  addSlurmOptions(program.commands.find((c) => c.name() === 'run')!, true);
}
