import { writeFileSync } from 'node:fs';
import { makeFolder } from '../folder';
import { join } from 'node:path';
import type { Db } from '../store/db';
import { plannedFullN } from '../store/jobs';
import { type ResultRow, resultRows } from '../store/results';
import { backtestable, paperBacktest } from '../surrogate/backtest';
import { LSTM_VARIANTS } from '../surrogate/methods';
import { DEFAULT_METHOD, type Method } from '../surrogate/surrogate';
import { answerTable, type ExperimentAnswer, experimentAnswer } from './answer';
import { reportData } from './data';
import type { ReportFigure } from './figure';
import { curveFigure, curveRows } from './lee2025/curves';
import { heatmapFigures } from './lee2025/heatmaps';
import { costTable } from './lee2025/table1Cost';
import { maeTable } from './lee2025/tableMae';
import { trainingTimeFigure } from './lee2025/trainingTime';
import { figure2 } from './lv/figure2';
import { lvTables } from './lv/tables';
import type { ReportTable } from './table';
import { csvTable } from './write/csv';
import { htmlReport } from './write/html';
import { latexTable } from './write/latex';
import { markdownTable } from './write/markdown';
import { FORMATS, type Format, PAPERS, type Paper } from './layouts';

export { FORMATS, type Format, PAPERS, type Paper };

export interface Report {
  title: string;
  tables: ReportTable[];
  figures: ReportFigure[];
  /** what could not be made, and why (too few runs, ...) */
  notes: string[];
}

export interface ReportOptions {
  /** the method of the Answer and of Fig 5/7 (default DEFAULT_METHOD, as every view; the paper shows lstm-uni-full) */
  surrogate?: Method;
  /** the Answer also gives the n for this Dice */
  targetDice?: number;
  seed?: number;
  /** LSTM epochs (tests shorten it) */
  lstmEpochs?: number;
  /** called as each part is made (reportSteps says how many calls), so the CLI can show progress */
  onStep?: (made: string) => void;
}

/** How many parts buildReport reports through onStep for a layout. */
export const reportSteps = (paper: Paper) => (paper === 'lv-families' ? 3 : 4 + LSTM_VARIANTS.length);

/** A part that cannot be made is left out with a note, so one short curve does not sink the report. */
async function attempt<T>(notes: string[], what: string, f: () => Promise<T> | T): Promise<T | null> {
  try {
    return await f();
  } catch (e) {
    notes.push(`${what}: ${(e as Error).message}`);
    return null;
  }
}

/**
 * The answer engine on the experiment's finished runs: the report's opening table. A model with too
 * few points is left out with a note; none left leaves the Answer out with one note.
 */
async function answerSection(rows: ResultRow[], experiment: string, full: Map<string, number>, notes: string[], o: ReportOptions): Promise<{ e: ExperimentAnswer; table: ReportTable | null }> {
  const method = o.surrogate ?? DEFAULT_METHOD;
  const lstm = { seed: o.seed ?? 0, ...(o.lstmEpochs ? { epochs: o.lstmEpochs } : {}) };
  const e = (await attempt(notes, 'Answer', () => experimentAnswer(rows, experiment, { method, targetDice: o.targetDice, seed: o.seed ?? 0, lstm }, full))) ?? { answer: null, curves: [], notes: [] };
  if (e.answer?.models.length) return { e, table: answerTable(e.answer, experiment, e.notes) };
  const why = [...(e.answer?.skipped.map((s) => `${s.model}: ${s.reason}`) ?? []), ...e.notes];
  if (why.length) notes.push(`Answer: no model could be answered (${why[0]}${why.length > 1 ? `; and ${why.length - 1} more` : ''})`);
  return { e, table: null };
}

export async function buildReport(db: Db, experiment: string, paper: Paper, o: ReportOptions = {}): Promise<Report> {
  const rows = resultRows(db, experiment);
  const notes: string[] = [];
  // the report opens with the answer, as every view does
  const { e, table: answer } = await answerSection(rows, experiment, plannedFullN(db, experiment), notes, o);
  const step = o.onStep ?? (() => {});
  step('the answer');
  if (paper === 'lv-families') {
    const tables = (await attempt(notes, 'Tables 1–2', () => lvTables(rows, experiment))) ?? [];
    step('Tables 1–2');
    const fig = await attempt(notes, 'Figure 2', () => figure2(rows, experiment));
    step('Figure 2');
    return { title: `LV families report: ${experiment}`, tables: [...(answer ? [answer] : []), ...tables], figures: fig ? [fig] : [], notes };
  }
  const d = reportData(db, experiment, rows);
  const tables: ReportTable[] = [...(answer ? [answer] : []), costTable(d)];
  const lstm = { seed: o.seed ?? 0, ...(o.lstmEpochs ? { epochs: o.lstmEpochs } : {}) };
  // the curves the answer came from (models with too few points are left out, with a note in the
  // Answer); the paper's protocol scores past its warm-up, so a 3-point model is left out of it too
  const curves = e.curves.length ? e.curves : null;
  const scorable = backtestable(e.curves);
  for (const n of scorable.notes) notes.push(`Tables 2–3: ${n}`);
  if (scorable.curves.length) {
    const bt = await attempt(notes, 'Tables 2–3', () => paperBacktest(scorable.curves, { seed: o.seed ?? 0, lstm, onFit: (f) => step(`Tables 2–3: ${f}`) }));
    if (bt) tables.push(maeTable(bt.rows, 'lee2025-table2-3', 'Tables 2–3. MAE of the surrogates by depth', experiment));
  }
  const figures: ReportFigure[] = [...(await heatmapFigures(d))];
  step('heat maps');
  if (curves && e.answer?.models.length) {
    const a = e.answer;
    const pts = await attempt(notes, 'Fig 5/7', () => curveRows(curves, a));
    if (pts) figures.push(await curveFigure('lee2025-fig5-7-curves', 'Fig 5/7. DSC curves with surrogate predictions', experiment, pts, a.method));
  }
  step('Fig 5/7');
  figures.push(await trainingTimeFigure(d));
  step('training times');
  return { title: `Lee 2025 report: ${experiment}`, tables, figures, notes };
}

/** Writes tables in the asked formats (html = one page with everything) and each figure as SVG; returns the files. */
export function writeReport(r: Report, dir: string, formats: readonly Format[]): string[] {
  makeFolder(dir);
  const files: string[] = [];
  const put = (name: string, text: string) => {
    writeFileSync(join(dir, name), text);
    files.push(join(dir, name));
  };
  for (const t of r.tables) {
    if (formats.includes('md')) put(`${t.id}.md`, markdownTable(t));
    if (formats.includes('csv')) put(`${t.id}.csv`, csvTable(t));
    if (formats.includes('tex')) put(`${t.id}.tex`, latexTable(t));
  }
  for (const f of r.figures) put(`${f.id}.svg`, f.svg);
  if (formats.includes('html')) put('report.html', htmlReport(r.title, r.tables, r.figures, r.notes));
  return files;
}
