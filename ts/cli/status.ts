import { existsSync } from 'node:fs';
import type { Command } from 'commander';
import { UserError } from '../errors';
import { defaultDbPath, openDb } from '../store/db';
import { experimentNames, jobCounts } from '../store/jobs';
import { resultRows } from '../store/results';
import { fixed, percent, table } from './format';

export function openExisting(file: string) {
  if (!existsSync(file)) throw new UserError(`${file}: no store there yet; run 'plateau run <experiment.yaml>' first (or pass --db)`);
  return openDb(file, { readonly: true });
}

export function registerStatus(program: Command): void {
  program
    .command('status')
    .description('jobs done / running / failed / queued, and the test metrics by fraction and model')
    .option('--db <file>', 'SQLite store', defaultDbPath())
    .option('--experiment <name>', 'one experiment (default: all in the store)')
    .option('--json', 'machine-readable output')
    .action((o) => {
      const db = openExisting(o.db);
      try {
        if (o.experiment && !experimentNames(db).includes(o.experiment)) {
          throw new UserError(`${o.db}: no experiment '${o.experiment}' (stored: ${experimentNames(db).join(', ') || 'none'})`);
        }
        const jobs = jobCounts(db, o.experiment);
        const results = resultRows(db, o.experiment).map((r) => ({
          key: r.key, experiment: r.experiment, model: r.model, depth: r.depth, fraction: r.fraction, n_train: r.n_train,
          dice: r.dice, iou: r.iou, recall: r.recall, precision: r.precision, bce: r.bce, seconds: r.seconds,
          epochs_run: r.epochs_run, params: r.params,
        }));
        if (o.json) {
          console.log(JSON.stringify({ jobs, results }, null, 2));
          return;
        }
        console.log(`${jobs.total} jobs: ${jobs.done} done, ${jobs.running} running, ${jobs.failed} failed, ${jobs.queued} queued`);
        if (results.length) {
          console.log();
          console.log(
            table(
              ['experiment', 'model', 'fraction', 'n_train', 'dice', 'iou', 'recall', 'precision', 'bce', 'seconds'],
              results.map((r) => [r.experiment, r.model, percent(r.fraction), r.n_train, fixed(r.dice), fixed(r.iou), fixed(r.recall), fixed(r.precision), fixed(r.bce), fixed(r.seconds, 1)]),
            ),
          );
        }
        const failed = db.prepare(`SELECT key, model, fraction, error FROM jobs WHERE status = 'failed' ${o.experiment ? 'AND experiment = ?' : ''}`).all(...(o.experiment ? [o.experiment] : [])) as { key: string; model: string; fraction: number; error: string }[];
        for (const f of failed) console.log(`failed ${f.model} ${percent(f.fraction)} [${f.key}]: ${f.error?.split('\n')[0]}`);
      } finally {
        db.close();
      }
    });
}
