import { existsSync } from 'node:fs';
import type { Command } from 'commander';
import { UserError } from '../errors';
import { type Db, defaultDbPath, openDb, storeProblem } from '../store/db';
import { experimentNames, jobCounts, plannedFullN } from '../store/jobs';
import { studyRecord } from '../store/study';
import { incidentLine, workerIncidents } from '../store/workers';
import { resultRows } from '../store/results';
import { answerKey, cacheFolder, readAnswer, saveAnswer } from '../report/answerCache';
import { keepFitsIn } from '../surrogate/fitMemo';
import type { answerJson as AnswerJsonOf } from '../surrogate/engine';
import { METHODS, type Method } from '../surrogate/methods';
import { fixed, meanKnown, subsetLabel, table } from './format';
import { oneOf, targetDice } from './options';
import { groupBy } from '../group';
import { mean } from '../surrogate/random';

/** A store that must exist, opened read-only; a store written by an older plateau is brought up to date first. */
export function openExisting(file: string) {
  const problem = storeProblem(file, false);
  if (problem) throw new UserError(`${file}: ${problem}`);
  if (!existsSync(file)) throw new UserError(`${file}: no store there yet; run 'plateau run <experiment.yaml>' first (or pass --db)`);
  try {
    openDb(file).close();
  } catch {
    /* a read-only file or directory: read it as it is */
  }
  return openDb(file, { readonly: true });
}

/**
 * The experiment a command works on: the one asked for, else the default — the only one stored, or
 * for a dashboard the latest run. A name the store lacks is an error that lists what it holds.
 */
export function chooseExperiment(db: Db, file: string, requested: string | undefined, fallback: 'only' | 'latest' = 'only'): string {
  const names = experimentNames(db);
  const name = requested ?? (fallback === 'latest' || names.length === 1 ? names[0] : undefined);
  if (!name) throw new UserError(`${file}: ${names.length ? `several experiments (${names.join(', ')}); choose one with --experiment` : 'no experiments stored'}`);
  if (!names.includes(name)) throw new UserError(`${file}: no experiment '${name}' (stored: ${names.join(', ') || 'none'})`);
  return name;
}

/** What status prints of an experiment's answer: the engine's JSON and lines, and the notes on models left out. */
interface Printed {
  json: ReturnType<typeof AnswerJsonOf> | null;
  lines: string[];
  notes: string[];
}

/**
 * Keep each family's fit and analogue match on disk (`.plateau/cache/fits`) for this command: after
 * a new result only the changed curve is fitted again, and the answer is the same, byte for byte
 * (fitMemo.test.ts). status, report and the dashboard all do.
 */
export const keepFits = () => keepFitsIn(cacheFolder('fits'));

/**
 * The engine's answer, computed (the engine, and tfjs behind the LSTMs, load only here: on a cache
 * miss). Each curve's fits are kept too, so after a new result only the curve it changed is fitted.
 */
async function printedAnswer(rows: ReturnType<typeof resultRows>, name: string, o: { method?: Method; targetDice?: number }, full: Map<string, number>): Promise<Printed> {
  const [{ experimentAnswer, experimentLines }, { answerJson }] = await Promise.all([import('../report/answer'), import('../surrogate/engine')]);
  keepFits();
  try {
    const a = await experimentAnswer(rows, name, o, full);
    return { json: a.answer && answerJson(a.answer), lines: a.answer ? experimentLines(a) : [], notes: a.notes };
  } catch (e) {
    if (!(e instanceof UserError)) throw e;
    return { json: null, lines: [], notes: [e.message] };
  }
}

/**
 * One experiment's answer as every command prints it: read back while its stored results, options
 * and the program are unchanged (answerCache.ts), else fitted and kept.
 */
export async function storedAnswer(db: Db, name: string, o: { method?: Method; targetDice?: number }): Promise<Printed> {
  const rows = resultRows(db, name);
  const full = plannedFullN(db, name);
  const key = answerKey({ name, rows, full: [...full], method: o.method ?? null, targetDice: o.targetDice ?? null });
  const kept = readAnswer<Printed>(key);
  if (kept) return kept;
  const printed = await printedAnswer(rows, name, o, full);
  saveAnswer(key, printed);
  return printed;
}

/** The answer block `status` and `run` print: its heading and the engine's lines, or why there is none yet. */
export function answerBlock(experiment: string, p: Printed): string[] {
  if (!p.json) return [`Answer for '${experiment}': not yet (${p.notes.join('; ')})`];
  return [`Answer for '${experiment}'`, ...p.lines];
}

export function registerStatus(program: Command): void {
  program
    .command('status')
    .description('jobs done / running / failed / queued, and the test metrics by fraction and model')
    .option('--db <file>', 'SQLite store', defaultDbPath())
    .option('--experiment <name>', 'one experiment (default: all in the store)')
    .option('--method <m>', "surrogate for the answer (default: the one every view uses; 'plateau forecast --help' lists them)")
    .option('--target-dice <d>', 'the answer also gives the n to reach this Dice', targetDice)
    .option('--json', 'machine-readable output')
    .action(async (o) => {
      const method = o.method === undefined ? undefined : oneOf<Method>('--method', METHODS)(o.method);
      const db = openExisting(o.db);
      try {
        if (o.experiment) chooseExperiment(db, o.db, o.experiment);
        const jobs = jobCounts(db, o.experiment);
        const results = resultRows(db, o.experiment);
        // the answer for each experiment shown, from its finished runs (one that cannot be fitted yet
        // says why); an unchanged store's answer is read back instead of fitted again (answerCache.ts)
        const answers: ({ experiment: string } & Printed)[] = [];
        for (const name of o.experiment ? [o.experiment] : experimentNames(db)) answers.push({ experiment: name, ...(await storedAnswer(db, name, { method, targetDice: o.targetDice })) });
        const failed = db.prepare(`SELECT key, experiment, model, fraction, count, error FROM jobs WHERE status = 'failed' ${o.experiment ? 'AND experiment = ?' : ''} ORDER BY experiment, model, n_train`)
          .all(...(o.experiment ? [o.experiment] : [])) as { key: string; experiment: string; model: string; fraction: number | null; count: number | null; error: string | null }[];
        if (o.json) {
          const experiments = answers.map((a) => ({ experiment: a.experiment, answer: a.json, notes: a.notes, study: studyRecord(db, a.experiment) }));
          // why each failed job failed, as the text says it (a QA pass found only their count here)
          const failures = failed.map((f) => ({ key: f.key, experiment: f.experiment, model: f.model, subset: subsetLabel(f), error: f.error }));
          console.log(JSON.stringify({ jobs, results, failed: failures, experiments, workers: workerIncidents(db, o.experiment) }, null, 2));
          return;
        }
        console.log(`${jobs.total} jobs: ${jobs.done} done, ${jobs.running} running, ${jobs.failed} failed, ${jobs.queued} queued`);
        // the answer first, as forecast and report give it; the tables it was fitted from follow
        for (const a of answers) {
          console.log();
          for (const l of answerBlock(a.experiment, a)) console.log(l);
        }
        // an adaptive study: what it chose and why, and why it stopped
        for (const a of answers) {
          const study = studyRecord(db, a.experiment);
          if (!study) continue;
          console.log();
          console.log(`Adaptive study '${a.experiment}': ${study.choices.length} job(s) chosen, ${study.spent.toFixed(1)} s of training spent${study.settings?.budget ? ` of a ${study.settings.budget} s budget` : ''}${study.stop ? `; stopped after ${study.stop.seconds.toFixed(1)} s wall (its last run): ${study.stop.reason}` : '; not stopped yet'}`);
          for (const c of study.choices) console.log(`  wave ${c.wave}: ${c.reason}`);
        }
        if (results.length) {
          console.log();
          // Columns that vary in this store only: a fixed-split run has no fold column, and so on.
          const varies = (f: (r: (typeof results)[number]) => unknown) => new Set(results.map(f)).size > 1;
          const extra: [string, (r: (typeof results)[number]) => string | number | null][] = [
            ['lr', (r) => r.lr], ['weight_decay', (r) => r.weight_decay], ['fold', (r) => r.fold], ['repeat', (r) => r.repeat],
          ];
          const shown = extra.filter(([, f]) => varies(f));
          console.log(
            table(
              ['experiment', 'model', 'subset', 'n_train', ...shown.map(([h]) => h), 'dice', 'iou', 'recall', 'precision', 'bce', 'epochs', 'seconds'],
              results.map((r) => [r.experiment, r.model, subsetLabel(r), r.n_train, ...shown.map(([, f]) => f(r)), fixed(r.dice), fixed(r.iou), fixed(r.recall), fixed(r.precision), fixed(r.bce), r.epochs_run, fixed(r.seconds, 1)]),
            ),
          );
        }
        if (results.length) {
          // The first paper's Table 1, from the runs: cost per model, and what training took.
          const byModel = groupBy(results, (r) => r.model);
          console.log();
          console.log(
            table(
              ['model', 'params', 'GFLOPs', 'images/s', 'runs', 'mean epochs', 'mean train s'],
              // a cost not measured (a recorded result without it) is '–', not 0, and not averaged in as 0
              [...byModel].map(([model, rs]) => {
                const params = meanKnown(rs.map((r) => r.params));
                const flops = meanKnown(rs.map((r) => r.flops));
                return [model, params === null ? null : Math.round(params), fixed(flops === null ? null : flops / 1e9, 3), fixed(meanKnown(rs.map((r) => r.throughput)), 1), rs.length, fixed(mean(rs.map((r) => r.epochs_run)), 1), fixed(meanKnown(rs.map((r) => r.seconds)), 1)];
              }),
            ),
          );
        }
        for (const f of failed) console.log(`failed ${f.model} ${subsetLabel(f)} [${f.key}]: ${f.error?.split('\n')[0]}`);
        // refused keys, silent workers, rejected results: what the broker met, not only what it stored
        for (const i of workerIncidents(db, o.experiment)) console.log(`workers: ${incidentLine(i)}`);
      } finally {
        db.close();
      }
    });
}
