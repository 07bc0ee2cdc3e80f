import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Command } from 'commander';
import { UserError } from '../errors';
import { defaultDbPath, openDb, storeProblem } from '../store/db';
import { numberIn } from './options';

const TABLE_NAMES = ['epochs', 'metrics', 'cases', 'classes'] as const;
/** Tables a record may leave out (no per-class scores from a loop that has one class). */
const OPTIONAL = new Set<string>(['classes']);

/**
 * `plateau record`: the way in for a user's own training loop (Python's `plateau.Study`). `--grid`
 * prints the experiment's jobs as the control plane would send them; `--job KEY --tables DIR`
 * stores that job's result tables (Arrow IPC streams written by plateau.tables, checked against
 * schemas/tables.json like a worker's RESULT), so every command sees the run.
 */
export function registerRecord(program: Command): void {
  program
    .command('record')
    .description("store a result from your own training loop (plateau.Study in Python), or print an experiment's jobs")
    .argument('<experiment>', 'experiment YAML (or JSON) file')
    .option('--db <file>', 'SQLite store', defaultDbPath())
    .option('--grid', 'print the experiment and its jobs as JSON; store nothing')
    .option('--job <key>', 'the job whose result this is')
    .option('--tables <dir>', 'folder with epochs.arrow, metrics.arrow, cases.arrow and optionally classes.arrow (Arrow IPC streams)')
    .option('--seconds <s>', 'wall time of the job (left out: not known, stored as null)', numberIn('--seconds', 0, 1e9))
    .option('--worker <name>', 'shown as the worker that trained it', 'own-loop')
    .option('--merge', 'store it even where the store holds this experiment name with other settings')
    .action(async (file: string, o) => {
      const [{ loadExperiment }, { expandGrid }] = await Promise.all([import('../experiment/load'), import('../experiment/grid')]);
      const exp = loadExperiment(file);
      const jobs = expandGrid(exp);
      if (o.grid) {
        // with the keys already stored, so a loop can skip them (read-only: a run may be writing)
        let done: string[] = [];
        if (existsSync(o.db)) {
          const db = openDb(o.db, { readonly: true });
          try {
            done = (db.prepare(`SELECT key FROM jobs WHERE experiment = ? AND status = 'done'`).all(exp.name) as { key: string }[]).map((r) => r.key);
          } finally {
            db.close();
          }
        }
        console.log(JSON.stringify({ experiment: exp, jobs, done }));
        return;
      }
      if (!o.job || !o.tables) throw new UserError('record: give --job KEY and --tables DIR (or --grid)');
      const job = jobs.find((j) => j.key === o.job);
      if (!job) throw new UserError(`${file}: job ${o.job} is not in the grid of '${exp.name}' (see plateau record ${file} --grid)`);
      const { decodeTable } = await import('../results/arrow');
      const tables = Object.fromEntries(
        TABLE_NAMES.map((name) => {
          const path = join(o.tables, `${name}.arrow`);
          let bytes: Buffer;
          if (OPTIONAL.has(name) && !existsSync(path)) return [name, []];
          try {
            bytes = readFileSync(path);
          } catch (e) {
            throw new UserError(`${path}: cannot read (${(e as NodeJS.ErrnoException).code ?? e})`);
          }
          try {
            return [name, decodeTable(name, bytes)];
          } catch (e) {
            throw new UserError(`${path}: ${(e as Error).message}`);
          }
        }),
      ) as Record<(typeof TABLE_NAMES)[number], ReturnType<typeof decodeTable>>;
      if (tables.metrics.length !== 1) throw new UserError(`${join(o.tables, 'metrics.arrow')}: one row expected, got ${tables.metrics.length}`);
      // the broker's value checks (a Dice outside [0, 1], NaN, an epoch count past the job's): a result
      // recorded by hand is held to what a worker's is, so no store takes a row its readers refuse
      const { resultProblem } = await import('../protocol/limits');
      const bad = resultProblem(job, tables);
      if (bad) throw new UserError(`job ${job.key}: ${bad} (tables in ${o.tables})`);
      const problem = storeProblem(o.db, true);
      if (problem) throw new UserError(`${o.db}: ${problem}`);
      const [{ acquireRunLock }, { registerExperiment }, { storeResult }] = await Promise.all([
        import('../store/lock'), import('../store/jobs'), import('../store/results'),
      ]);
      const db = openDb(o.db);
      try {
        // One writer per store: while a run trains on it, this stops (exit 2) naming that run.
        const lock = acquireRunLock(db, o.db, { experiment: exp.name, refreshMs: 60_000 });
        try {
          registerExperiment(db, exp, jobs, file, { merge: o.merge });
          const stored = storeResult(db, job.key, tables, { worker: o.worker, seconds: o.seconds ?? null });
          console.log(JSON.stringify({ experiment: exp.name, job: job.key, stored }));
        } finally {
          lock.release();
        }
      } finally {
        db.close();
      }
    });
}
