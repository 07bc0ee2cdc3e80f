import type { Command } from 'commander';
import { UserError } from '../errors';
import { FORMATS, type Format, PAPERS, type Paper, buildReport, writeReport } from '../report/report';
import { defaultDbPath } from '../store/db';
import { METHODS, type Method } from '../surrogate/surrogate';
import { chooseExperiment, openExisting } from './status';

const oneOf = <T extends string>(name: string, all: readonly T[]) => (raw: string): T => {
  if (!(all as readonly string[]).includes(raw)) throw new UserError(`${name}: unknown '${raw}' (one of ${all.join(', ')})`);
  return raw as T;
};

export function registerReport(program: Command): void {
  program
    .command('report')
    .description("the papers' tables and figures from your own runs: tables as md/csv/tex, figures as SVG, or one HTML page with all")
    .option('--db <file>', 'SQLite store', defaultDbPath())
    .option('--experiment <name>', 'stored experiment (default: the only one)')
    .option('--paper <name>', `layout: ${PAPERS.join(' | ')}`, oneOf<Paper>('--paper', PAPERS), 'lee2025' as Paper)
    .option('--format <f>', `tables: ${FORMATS.join(' | ')} (repeatable; default all)`, (v: string, all: Format[]) => [...all, oneOf<Format>('--format', FORMATS)(v)], [] as Format[])
    .option('--out <dir>', 'output folder', 'report')
    .option('--surrogate <m>', 'Fig 5/7 surrogate', oneOf<Method>('--surrogate', METHODS), 'lstm-uni-full' as Method)
    .option('--seed <s>', 'seed for the LSTM surrogates', (v) => Number.parseInt(v, 10), 0)
    .action(async (o) => {
      const db = openExisting(o.db);
      try {
        const experiment = chooseExperiment(db, o.db, o.experiment);
        const r = await buildReport(db, experiment, o.paper, { surrogate: o.surrogate, seed: o.seed });
        if (!r.tables.length && !r.figures.length) throw new UserError(`${o.db}, experiment '${experiment}': nothing to report: ${r.notes.join('; ')}`);
        const files = writeReport(r, o.out, o.format.length ? o.format : FORMATS);
        for (const n of r.notes) console.error(`note: ${n}`);
        console.log(`${r.title}: ${r.tables.length} tables, ${r.figures.length} figures`);
        for (const f of files) console.log(`  ${f}`);
      } finally {
        db.close();
      }
    });
}
