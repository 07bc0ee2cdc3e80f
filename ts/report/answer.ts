import type { ResultRow } from '../store/results';
import { type CurveSet, answerable, curvesFromRows } from '../surrogate/curve';
import { type Answer, type AnswerOptions, OPEN_ABOVE, answer, answerLines, familiesOf, fitText, rivalsText } from '../surrogate/engine';
import type { CellValue, ReportTable } from './table';
import { diceText, f3, int, pct } from '../surrogate/words';

/** What every view answers from: the curves of a store's results, and the models left out, with why. */
export type AnswerCurves = CurveSet;

/**
 * The curves of an experiment's finished runs. A grid still running may hold models with too few
 * points: those are left out with a note (the others are still answered), so the forecast
 * command, status, the dashboard and the report all answer from the same curves.
 */
export function answerCurves(rows: ResultRow[], where: string, full?: Map<string, number>): AnswerCurves {
  if (!rows.length) return { curves: [], notes: [`${where}: no finished runs to fit`] };
  // all models at once first: a grid that varies lr or weight decay names its curves by them
  const done = new Set(rows.map((r) => r.model));
  const all = answerable([() => curvesFromRows(rows, where, full)]);
  const set = all.curves.length ? all : answerable([...done].map((model) => () => curvesFromRows(rows.filter((r) => r.model === model), where, full)));
  // a model of the grid with no finished run (queued, or every job failed) is named, not silently absent
  const none = [...(full?.keys() ?? [])].filter((model) => !done.has(model));
  return { curves: set.curves, notes: [...set.notes, ...none.map((model) => `${where}: model '${model}' has no finished run yet`)] };
}

/** The engine's answer for a store's results (null when no model has enough points yet), with the curves it answered. */
export interface ExperimentAnswer extends AnswerCurves {
  answer: Answer | null;
}

/** How every view names an experiment in its notes. */
export const experimentWhere = (experiment: string) => `experiment '${experiment}'`;

/** One engine call on an experiment's finished runs: what the forecast command, status, the dashboard and the report show. */
export async function experimentAnswer(rows: ResultRow[], experiment: string, o: AnswerOptions = {}, full?: Map<string, number>): Promise<ExperimentAnswer> {
  const { curves, notes } = answerCurves(rows, experimentWhere(experiment), full);
  return { answer: curves.length ? await answer(curves, o) : null, curves, notes };
}

/** The answer's lines, then the notes on models left out: what every text view prints. */
export const experimentLines = (e: Pick<ExperimentAnswer, 'answer' | 'notes'>): string[] => [...(e.answer ? answerLines(e.answer) : []), ...e.notes.map((n) => `note: ${n}`)];


export const ANSWER_TABLE_HEADER = ['Model', 'Answer', 'n', 'Fraction', 'Dice', '95% interval', 'Status'];

/**
 * The report's opening table: the engine's answer, one block of rows per model (the Dice forecast
 * at 100/150/200% with 95% intervals, the n for the target Dice, the plateau point, the fit), then
 * the best model per data budget and the method's reliability on real curves. n and Dice are
 * numbers (CSV keeps full precision); fractions are of each model's largest observed n.
 */
export function answerTable(a: Answer, experiment: string, notes: string[] = []): ReportTable {
  const rows: CellValue[][] = [];
  for (const m of a.models) {
    for (const f of m.at) rows.push([m.model, `Dice at ${pct(f.fraction)}`, f.n, pct(f.fraction), f.dice, `[${f3(f.lo95)}, ${f3(f.hi95)}]`, f.n <= m.fit.observedMaxN ? 'observed' : 'forecast']);
    const t = m.target;
    if (t) {
      const placed = t.status === 'forecast' || t.status === 'observed';
      const open = placed && t.hi !== null && t.n !== null && t.fraction ? t.hi > OPEN_ABOVE * (t.n / t.fraction) : false;
      const top = t.hi === null ? null : open ? `> ${OPEN_ABOVE}× the data` : int(t.hi);
      const interval = t.status === 'unreachable' ? null
        : t.openBelow ? (placed && top !== null ? `≤ ${top}` : 'any n')
        : placed && t.lo !== null && top !== null ? `${int(t.lo)}–${top}` : t.lo !== null ? `≥ ${int(t.lo)}` : null;
      rows.push([m.model, `n for Dice ${diceText(t.dice)}`, t.n, t.fraction === null ? null : pct(t.fraction), t.dice, interval, t.reason ? `${t.status}: ${t.reason}` : t.status]);
    }
    const p = m.plateau;
    rows.push([
      m.model, `plateau (+${pct(p.step)} adds < ${p.threshold})`, p.n, p.fraction === null ? null : pct(p.fraction), p.n === null ? null : m.fit.mean(p.n),
      // the families' own points are a spread, not an interval: they go beside the status, as the answer lines say them
      null, p.reason ? `${p.status}: ${p.reason}` : `${p.status}${familiesOf(p)}`,
    ]);
    rows.push([m.model, 'fit', null, null, null, null, [fitText(a, m), ...m.flags].join('; ')]);
  }
  for (const b of a.best) rows.push([b.model, `best model at ${pct(b.fraction)}`, b.n, pct(b.fraction), b.dice, `[${f3(b.lo95)}, ${f3(b.hi95)}]`, rivalsText(b.rivals)]);
  const reliability = answerLines(a).find((l) => l.startsWith('reliability'));
  if (reliability) rows.push(['', 'reliability', null, a.reliability ? pct(a.reliability.cut) : null, null, null, reliability]);
  for (const s of a.skipped) rows.push([s.model, 'skipped', null, null, null, null, s.reason]);
  for (const n of notes) rows.push(['', 'note', null, null, null, null, n]);
  return {
    id: 'answer',
    title: 'Answer',
    caption:
      `What the runs of experiment ${experiment} say, from the ${a.method} surrogate: each model's Dice forecast at 100/150/200% of its largest n with 95% intervals, ` +
      `${a.targetDice === null ? '' : `the n for Dice ${a.targetDice}, `}the plateau point (another step of data adds less than the threshold), ` +
      `the best model per data budget, and how reliable the method was on held-out real learning curves.`,
    header: ANSWER_TABLE_HEADER,
    digits: [null, null, 0, null, 4, null, null],
    rows,
  };
}
