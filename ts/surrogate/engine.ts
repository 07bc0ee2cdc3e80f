import { type BestAt, type Forecast, type PlateauPoint, type TargetAnswer, bestModelAt, forecastAt, plateauPoint, targetSize } from './answers';
import type { TfBackend } from './backend';
import { ANALOGUES_ALONE, ONE_SIZE, type Reliability, SINGLE_RUNS, calibration } from './calibration';
import { type Curve, FLAT_RANGE, FLOOR_DICE, WEAKLY_PINNED, atFloor, isFlat, observedPart } from './curve';
import type { LstmOptions } from './lstm';
import { ANSWER_FRACTIONS, BUDGET_FRACTIONS, DEFAULT_METHOD, type FittedCurve, type Method, analogueGainText, fitSurrogate, fromAnaloguesAlone } from './surrogate';
import { diceText, f3, f4, int, pct } from './words';

/**
 * The answer engine: the one place that turns curves into what plateau tells a user — the Dice
 * to expect at 100/150/200% of the data, the n for a target Dice, the plateau point, the best
 * model per data budget, and how reliable the method was on real curves at this cut-off. The
 * forecast command, status, the dashboard and the report all call `answer` and print
 * `answerLines`, so one store gives one answer everywhere.
 */
export { ANSWER_FRACTIONS, BUDGET_FRACTIONS };

export interface AnswerOptions {
  method?: Method;
  targetDice?: number;
  observedUpTo?: number;
  plateauThreshold?: number;
  plateauStep?: number;
  seed?: number;
  lstm?: LstmOptions;
  /** each curve as it is fitted (for a progress bar) */
  onCurve?: (model: string) => void;
}

export interface ModelAnswer {
  model: string;
  fit: FittedCurve;
  /** e.g. "pow4 0.52, mmf4 0.31, wbl4 0.17; left out: exp3 (needs 5 points, 4 observed)" */
  composition: string;
  /** shapes the forecast may not capture (dips, a fall, a curve flat from the start, few points), and a grid of single runs' scatter */
  flags: string[];
  at: Forecast[];
  target: TargetAnswer | null;
  plateau: PlateauPoint;
}

export interface Answer {
  method: Method;
  backend: TfBackend | null;
  models: ModelAnswer[];
  /** the best model at 25/50/100/200% of the data (when several models) */
  best: BestAt[];
  /** how this method did on held-out real curves at the cut-off nearest this one */
  reliability: Reliability | null;
  skipped: { model: string; reason: string }[];
  targetDice: number | null;
}

/** Ill-behaved shapes, said beside the answer rather than hidden in it. */
export function curveFlags(obs: Curve): string[] {
  const flags: string[] = [];
  const y = obs.dice;
  // one size has no shape to call flat, falling or dipping
  if (y.length === 1) return ['1 point: no shape to fit, the forecast is what real curves at this level gained'];
  const range = Math.max(...y) - Math.min(...y);
  const drops = y.slice(1).map((v, i) => y[i] - v);
  const big = Math.max(0.02, 0.25 * range);
  if (y.length <= WEAKLY_PINNED) flags.push(`${y.length} points: the asymptote is weakly pinned`);
  if (atFloor(y)) flags.push(`no size shows learning yet (Dice < ${FLOOR_DICE} at every size): the points cannot say whether or when it rises`);
  else if (isFlat(y)) flags.push(`flat from the start (range < ${FLAT_RANGE})`);
  else if (y[y.length - 1] < Math.max(...y) - big) flags.push('falls at the end: more data made it worse');
  else if (drops.some((d) => d > big)) flags.push('dips: a drop of more than a quarter of its range');
  return flags;
}

/** A grid without repeats: the run's scatter its band carries, said so the width is not read as the fit's doubt alone. */
const runFlag = (fit: FittedCurve) =>
  fit.runSd > 0
    ? [`one run per size: the intervals include a run's scatter about the mean over runs (sd ${f3(fit.runSd)})${fit.anchor === null ? '' : `, and the forecast starts ${fit.anchor.toFixed(2)} of the way from the last run to the fit there, as much as the fit is better pinned than one run`}`]
    : [];

function composition(fit: FittedCurve): string {
  const left = fit.left.map((l) => `${l.name} (${l.reason})`).join(', ');
  // too few points for any family (surrogate.ts: analoguesAlone)
  if (fromAnaloguesAlone(fit)) return `the analogues alone: ${analogueGainText(fit.points, fit.params.share ?? 1, fit.analogue?.neighbours ?? 0)}; left out: ${left}`;
  const parts = fit.members.length > 1 || fit.members[0]?.name !== fit.method ? fit.members.map((m) => `${m.name} ${m.weight.toFixed(2)}`).join(', ') : fit.method;
  const an = fit.analogue ? `; past the data with ${fit.analogue.neighbours} analogue real curves, weight ${fit.analogue.weight.toFixed(2)}` : '';
  return `${parts}${an}${left ? `; left out: ${left}` : ''}`;
}

/**
 * The reliability row for the cut-off nearest in log to what this fit observed of its data set.
 * Answers from 2 points each or one (the analogues alone) have rows of their own; with both, the
 * one size's. A grid of one run per size (any model whose band adds a run's scatter, band.ts:
 * singleRunSd) quotes the default's rows measured on single runs: its runs scatter about the Dice
 * to expect more than the corpus's means do, so the means' MAE would promise too much.
 */
function reliabilityAt(method: Method, fits: FittedCurve[]): Reliability | null {
  if (!fits.length) return null;
  const table = calibration().reliability;
  const points = fits.every(fromAnaloguesAlone) ? (fits.some((f) => f.points === 1) ? 1 : 2) : undefined;
  const single = method === DEFAULT_METHOD && fits.some((f) => f.runSd > 0) ? table[SINGLE_RUNS]?.filter((r) => r.points === points) : undefined;
  const rows = single?.length ? single : points ? table[points === 1 ? ONE_SIZE : ANALOGUES_ALONE] : table[method];
  if (!rows?.length) return null;
  const cut = Math.min(...fits.map((f) => f.observedMaxN / f.nRef));
  return rows.reduce((a, b) => (Math.abs(Math.log(b.cut / cut)) < Math.abs(Math.log(a.cut / cut)) ? b : a));
}

export async function answer(curves: Curve[], o: AnswerOptions = {}): Promise<Answer> {
  const method = o.method ?? DEFAULT_METHOD;
  const res = await fitSurrogate(curves, method, { observedUpTo: o.observedUpTo, seed: o.seed, lstm: o.lstm, onCurve: o.onCurve });
  const models = res.fits.map((fit): ModelAnswer => {
    const full = curves.find((c) => c.model === fit.model)!;
    return {
      model: fit.model, fit, composition: composition(fit),
      flags: [...curveFlags(observedPart(full, o.observedUpTo ?? 1)), ...runFlag(fit)],
      at: forecastAt(fit, ANSWER_FRACTIONS.map((f) => f * fit.nRef)),
      target: o.targetDice === undefined ? null : targetSize(fit, o.targetDice),
      plateau: plateauPoint(fit, o.plateauThreshold, o.plateauStep),
    };
  });
  const nRef = Math.max(0, ...res.fits.map((f) => f.nRef));
  return {
    method, backend: res.backend, models,
    best: res.fits.length > 1 ? bestModelAt(res.fits, BUDGET_FRACTIONS.map((f) => f * nRef)) : [],
    reliability: reliabilityAt(method, res.fits), skipped: res.skipped, targetDice: o.targetDice ?? null,
  };
}


/** Past this multiple of the full data set an interval's upper end is printed as open rather than as a number nobody can act on. */
export const OPEN_ABOVE = 100;

export function targetLine(t: TargetAnswer): string {
  if (t.status === 'forecast') {
    const nRef = t.n! / t.fraction!;
    const hi = t.hi! > OPEN_ABOVE * nRef ? `beyond ${OPEN_ABOVE}× the data (open-ended: the points do not bound it)` : int(t.hi!);
    return `Dice ${diceText(t.dice)} at n ≈ ${int(t.n!)} (${pct(t.fraction!)}), 95% interval ${t.openBelow ? `≤ ${hi}` : `${int(t.lo!)}–${hi}`}`;
  }
  // the mean curve at the target already at the smallest size observed: "≤", not "≈"
  if (t.status === 'observed') return `Dice ${diceText(t.dice)} at n ${t.openBelow && t.n! <= t.lo! ? '≤' : '≈'} ${int(t.n!)} (${pct(t.fraction!)}), ${t.reason}`;
  return `Dice ${diceText(t.dice)}: ${t.reason}`;
}

/** The models the 95% intervals do not rule out beside the best, as the answer lines and the report say them. */
export const rivalsText = (rivals: string[]) => (rivals.length ? `not ruled out: ${rivals.join(', ')}` : '');

export function plateauLine(p: PlateauPoint): string {
  if (p.status === 'observed' || p.status === 'forecast') {
    return `plateau at n ≈ ${int(p.n!)} (${pct(p.fraction!)})${p.status === 'observed' ? ', within the data' : familiesOf(p)}: beyond it another ${pct(p.step)} of data adds < ${p.threshold} Dice`;
  }
  return `plateau ${p.reason}`;
}

/**
 * Where the families with weight ≥ 5% level off on their own, beside the method's point: the
 * ensemble carries the curve past the data with terms they lack (the recent slope, the analogue
 * gain), so its point may lie outside their range. Said only where it adds something: one number
 * where they agree, nothing where that number is the point itself (a single-family method).
 */
export function familiesAlone(n: number, lo: number, hi: number): string {
  if (int(lo) !== int(hi)) return `, the families alone ${int(lo)}–${int(hi)}`;
  return int(lo) === int(n) ? '' : `, the families alone ${int(lo)}`;
}

/** A plateau point's families, as the answer lines and the report say them ('' where the point or their range is unknown). */
export const familiesOf = (p: PlateauPoint) => (p.lo !== null && p.hi !== null && p.n !== null ? familiesAlone(p.n, p.lo, p.hi) : '');

/** The method and what it is made of, as the answer lines and the report's Answer table say it. */
export function fitText(a: Answer, m: ModelAnswer): string {
  // a single method's composition is its own name: said once ("lstm-bi-full", not "lstm-bi-full [lstm-bi-full]")
  const how = m.composition === a.method ? a.method : `${a.method} [${m.composition}]`;
  return `${how}${m.fit.calibrated ? '' : ' (intervals not calibrated for this method)'}`;
}

/** The answer as text, the same lines in every view (forecast, status, dashboard, report). */
export function answerLines(a: Answer): string[] {
  const lines: string[] = [];
  for (const m of a.models) {
    lines.push(`${m.model}: ${fitText(a, m)}`);
    lines.push(`  Dice ${m.at.map((f) => `${f4(f.dice)} [${f3(f.lo95)}, ${f3(f.hi95)}] at ${pct(f.fraction)}`).join('; ')} (95% intervals)`);
    if (m.target) lines.push(`  ${targetLine(m.target)}`);
    lines.push(`  ${plateauLine(m.plateau)}`);
    for (const f of m.flags) lines.push(`  note: ${f}`);
  }
  if (a.best.length) lines.push(`best model: ${a.best.map((b) => `${b.model} at ${pct(b.fraction)} (${[f4(b.dice), rivalsText(b.rivals)].filter(Boolean).join('; ')})`).join(', ')}`);
  const r = a.reliability;
  if (r) {
    lines.push(
      `reliability of ${a.method} on ${r.curves} held-out real learning curves${r.singleRuns ? ' of one run per size' : ''} observed to ${pct(r.cut)}${r.points ? `, pilots of ${r.points} size${r.points === 1 ? '' : 's'} (its analogues alone)` : ''}: ` +
        `MAE ${f3(r.mae)} at the largest n${r.singleRuns ? ' against the mean over runs' : ''} (median ${f3(r.median)}), 95% intervals covered ${pct(r.coverage95)}` +
        // cross-fitted: each half of the corpus scored with the quantiles the other half gave (calibration.ts: halves)
        (r.coverageCurves ? ` (cross-fitted on ${r.coverageCurves} curves)` : '') +
        // single runs measured for the default alone: another method's rows are on means, which single runs miss by more
        (!r.singleRuns && a.models.some((m) => m.fit.runSd > 0) ? '; measured on means over seeds, not single runs' : ''),
    );
  } else if (a.models.length) lines.push(`reliability of ${a.method}: not measured on the corpus of real learning curves`);
  for (const s of a.skipped) lines.push(`skipped ${s.model}: ${s.reason}`);
  return lines;
}

/** The answer as JSON (forecast --json, status --json): plain numbers, no functions. */
export function answerJson(a: Answer) {
  return {
    method: a.method,
    backend: a.backend,
    target_dice: a.targetDice,
    models: a.models.map((m) => ({
      model: m.model, composition: m.composition, calibrated: m.fit.calibrated, flags: m.flags,
      detail: m.fit.detail, params: m.fit.params, aic: m.fit.aic, asymptote: m.fit.asymptote,
      points: m.fit.points, observed_max_n: m.fit.observedMaxN, n_ref: m.fit.nRef,
      forecasts: m.at, target: m.target, plateau: m.plateau,
    })),
    best: a.best,
    reliability: a.reliability,
    skipped: a.skipped,
  };
}
