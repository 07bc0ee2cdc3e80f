import type { Command } from 'commander';
import { UserError } from '../errors';
import { folderProblem } from '../folder';
import { FORMATS, type Format, PAPERS, type Paper } from '../report/layouts';
import { defaultDbPath } from '../store/db';
import { DEFAULT_METHOD, METHODS, type Method } from '../surrogate/methods';
import { intIn, oneOf, targetDice } from './options';
import { progress } from './progress';
import { chooseExperiment, keepFits, openExisting } from './status';

export function registerReport(program: Command): void {
  program
    .command('report')
    .description("the answer, then the papers' tables and figures from your own runs: tables as md/csv/tex, figures as SVG, or one HTML page with all")
    .option('--db <file>', 'SQLite store', defaultDbPath())
    .option('--experiment <name>', 'stored experiment (default: the only one)')
    .option('--paper <name>', `layout: ${PAPERS.join(' | ')}`, oneOf<Paper>('--paper', PAPERS), 'lee2025' as Paper)
    .option('--format <f>', `tables: ${FORMATS.join(' | ')} (repeatable; default all)`, (v: string, all: Format[]) => [...all, oneOf<Format>('--format', FORMATS)(v)], [] as Format[])
    .option('--out <dir>', 'output folder', 'report')
    .option('--surrogate <m>', `the method of the Answer and Fig 5/7 (the paper's Fig 5/7 is lstm-uni-full): ${METHODS.join(' | ')}`, oneOf<Method>('--surrogate', METHODS), DEFAULT_METHOD)
    .option('--target-dice <d>', 'the Answer also gives the n to reach this Dice', targetDice)
    .option('--seed <s>', 'seed for the LSTM surrogates', intIn('--seed', 0, 2 ** 31 - 1), 0)
    .action(async (o) => {
      const { buildReport, reportSteps, writeReport } = await import('../report/report'); // vega and the engine: only here
      // the output folder is checked before minutes of fitting, not found unwritable after them
      const outProblem = folderProblem(o.out);
      if (outProblem) throw new UserError(`--out ${o.out}: ${outProblem}; pass another --out`);
      keepFits();
      const db = openExisting(o.db);
      try {
        const experiment = chooseExperiment(db, o.db, o.experiment);
        const bar = await progress('report', reportSteps(o.paper));
        const r = await buildReport(db, experiment, o.paper, { surrogate: o.surrogate, targetDice: o.targetDice, seed: o.seed, onStep: (made) => bar.step(made) }).finally(() => bar.done());
        if (!r.tables.length && !r.figures.length) throw new UserError(`${o.db}, experiment '${experiment}': nothing to report: ${r.notes.join('; ')}`);
        const files = (() => {
          try {
            return writeReport(r, o.out, o.format.length ? o.format : FORMATS);
          } catch (e) {
            const err = e as NodeJS.ErrnoException;
            if (!err.code) throw e;
            throw new UserError(`--out ${o.out}: the report cannot be written there (${err.code}${err.path ? ` on ${err.path}` : ''}); pass another --out`);
          }
        })();
        for (const n of r.notes) console.error(`note: ${n}`);
        console.log(`${r.title}: ${r.tables.length} tables, ${r.figures.length} figures`);
        for (const f of files) console.log(`  ${f}`);
      } finally {
        db.close();
      }
    });
}
