import type { Answer, ModelAnswer } from '../surrogate/engine';
import { answer } from '../surrogate/engine';
import { bestModelAt } from '../surrogate/answers';
import type { FittedCurve } from '../surrogate/surrogate';
import { type Point, engineInput } from './points';
import { DEFAULTS, type StrategyOptions } from './study';
import { diceText, int } from '../surrogate/words';

/**
 * How wide a model's answer still is. The question is the Dice at 100% (its 95% interval's width,
 * hi95 − lo95) or, with a target, the n that reaches it (ln of the interval's hi/lo, so widths
 * add across models and halve alike at any scale). `excess` is the part above what is aimed at:
 * the precision asked or, where even the full grid could not reach it, a little above what the
 * full grid would give (`floor`); what the strategy tries to remove; 0 means this model is answered.
 */
export interface ModelInterval {
  model: string;
  question: 'dice' | 'target';
  status: 'forecast' | 'observed' | 'undetermined' | 'unreachable';
  /** the Dice at 100%, or the target n (null where the forecast does not reach it) */
  value: number | null;
  lo: number | null;
  hi: number | null;
  /** a target n's interval reaches below the smallest size trained (the engine's `openBelow`): lo is no lower bound */
  openBelow: boolean;
  spread: number;
  excess: number;
  /** the spread the precision asks for */
  tolerance: number;
  /** the spread with every grid size trained, as forecast (null until estimated), and the spread aimed at */
  floor: number | null;
  aim: number;
  /** the Dice at 100% is measured (trained or in flight): only another seed there is offered, and with as many as allowed it is answered whatever the width (choose.ts: atFull) */
  measured?: boolean;
  answer: ModelAnswer;
}

/** An undetermined target n counts as reaching up to the engine's search limit: 1000 × the full set. */
export const UNDETERMINED_REACH = 1000;

/** The spread the precision asks for: ln(hi/lo) for a target n, the full width for a Dice. */
export function tolerance(o: StrategyOptions): number {
  return o.targetDice !== undefined ? Math.log(o.precision ?? DEFAULTS.targetPrecision) : 2 * (o.precision ?? DEFAULTS.dicePrecision);
}

/**
 * The target n's interval as the strategy reads it: the engine's. Where the data already reach
 * the target, that is where the 95% band's edges cross it, and at least the two trained sizes
 * that bracket the crossing (training near the crossing, or repeating a size there, narrows it).
 * An interval open above counts as reaching UNDETERMINED_REACH × the full set. One open below
 * (the target allowed at the smallest size trained) is measured from that size: "n ≤ hi" is as
 * useful an answer as the smallest size anyone trained, and training smaller would only widen it.
 */
function targetInterval(m: ModelAnswer, trained: number[], nFull: number): Pick<ModelInterval, 'status' | 'value' | 'lo' | 'hi' | 'openBelow' | 'spread'> {
  const t = m.target!;
  if (t.status === 'unreachable') return { status: 'unreachable', value: null, lo: null, hi: null, openBelow: false, spread: 0 };
  const lo = t.lo ?? trained[0];
  const hi = t.hi ?? UNDETERMINED_REACH * nFull;
  return { status: t.status, value: t.n, lo, hi: t.hi, openBelow: t.openBelow, spread: Math.log(hi / lo) };
}

export function intervalOf(m: ModelAnswer, trained: number[], nFull: number, o: StrategyOptions): ModelInterval {
  const tol = tolerance(o);
  const part = o.targetDice !== undefined
    ? targetInterval(m, trained, nFull)
    : (() => {
        const f = m.at[0];
        return { status: 'forecast' as const, value: f.dice, lo: f.lo95, hi: f.hi95, openBelow: false, spread: f.hi95 - f.lo95 };
      })();
  return { model: m.model, question: o.targetDice !== undefined ? 'target' : 'dice', ...part, excess: Math.max(0, part.spread - tol), tolerance: tol, floor: null, aim: tol, answer: m };
}

/** Within this share above the full grid's spread, an answer is as precise as the grid allows. */
export const GRID_SLACK = 0.25;

/** The interval aimed at the precision asked, or at (1 + slack) × the full grid's spread where that is wider. */
export function withFloor(m: ModelInterval, floor: number, slack = GRID_SLACK): ModelInterval {
  const aim = Math.max(m.tolerance, (1 + slack) * floor);
  return { ...m, floor, aim, excess: Math.max(0, m.spread - aim) };
}

/** The engine's answer for one model's points (its own fit; the engine fits each curve alone). */
export async function modelAnswer(points: Point[], model: string, depth: number | null, nFull: number, o: StrategyOptions): Promise<ModelAnswer> {
  const a = await answer([engineInput(points, model, depth, nFull)], { method: o.method, targetDice: o.targetDice, seed: o.seed });
  if (!a.models.length) throw new Error(`strategy: the engine could not fit ${model}: ${a.skipped.map((s) => s.reason).join('; ')}`);
  return a.models[0];
}

// The engine is deterministic for the parametric methods, and a study refits the same points
// often (each step changes one model; a wave re-asks with jobs in flight): remember recent fits.
const memo = new Map<string, Promise<ModelInterval>>();
const MEMO_SIZE = 4096;

export function assessModel(points: Point[], model: string, depth: number | null, nFull: number, o: StrategyOptions): Promise<ModelInterval> {
  const key = JSON.stringify([model, depth, nFull, points, o.method, o.targetDice, o.precision, o.seed]);
  const hit = memo.get(key);
  if (hit) return hit;
  const p = modelAnswer(points, model, depth, nFull, o).then((a) => intervalOf(a, points.map((q) => q.n), nFull, o));
  p.catch(() => memo.delete(key));
  if (memo.size >= MEMO_SIZE) memo.delete(memo.keys().next().value!);
  memo.set(key, p);
  return p;
}

/** The per-model answers as one engine Answer, so `answerLines` and `answerJson` print a study like a grid. */
export function combined(ms: ModelInterval[], o: StrategyOptions): Answer | null {
  if (!ms.length) return null;
  const first = ms[0].answer;
  const fits: FittedCurve[] = ms.map((m) => m.answer.fit);
  const nRef = Math.max(...fits.map((f) => f.nRef));
  return {
    method: first.fit.method, backend: null, models: ms.map((m) => m.answer),
    best: fits.length > 1 ? bestModelAt(fits, [0.25, 0.5, 1, 2].map((f) => f * nRef)) : [],
    reliability: null, skipped: [], targetDice: o.targetDice ?? null,
  };
}


/** The spread in words: "0.074" for a Dice, "×1.62" (hi/lo) for a target n, "undetermined". */
export function spreadText(m: Pick<ModelInterval, 'question' | 'status' | 'spread'> & { hi?: number | null; openBelow?: boolean }): string {
  if (m.question === 'dice') return m.spread.toFixed(3);
  if (m.status === 'undetermined') return 'undetermined';
  if (m.status === 'unreachable') return 'unreachable';
  // reached within the data, but the band's lower edge never reaches the target: hi/lo is not a number to print
  if (m.hi === null) return m.openBelow ? 'open' : 'open above';
  return `×${Math.exp(m.spread).toFixed(2)}`;
}

/**
 * How a job changes the spread, in words: "from 0.074 to 0.051", "from ×2.00 to ×1.41". Where the
 * words alike hide the change (open above, or undetermined, before and after: the lower end rose
 * or the upper end fell), each side says its range too: "from open above (n ≥ 176) to open above (n ≥ 190)".
 */
export function spreadChangeText(before: ModelInterval, after: ModelInterval): string {
  const [a, b] = [spreadText(before), spreadText(after)];
  if (a !== b || before.question !== 'target') return `from ${a} to ${b}`;
  const range = (m: ModelInterval) => (m.lo === null ? a : m.hi === null ? `${a} (n ≥ ${int(m.lo)})` : `${a} (n ${int(m.lo)}–${int(m.hi)})`);
  return `from ${range(before)} to ${range(after)}`;
}

/** One line per model: the answer, its interval, and whether it is within the precision asked. */
export function intervalLine(m: ModelInterval): string {
  const w = (v: number) => (m.question === 'dice' ? v.toFixed(3) : `×${Math.exp(v).toFixed(2)}`);
  const grid = m.aim > m.tolerance ? `; the full grid would give ${w(m.floor!)}` : '';
  const ok = m.measured && m.excess === 0 && m.spread > m.aim
    ? `measured at 100%, with as many seeds as allowed there; ${spreadText(m)} wide, asked ${w(m.tolerance)}${grid}`
    : m.excess === 0 ? (m.aim > m.tolerance ? `as precise as the grid allows${grid}` : 'within the precision asked') : `${spreadText(m)} wide, asked ${w(m.tolerance)}${grid}`;
  if (m.question === 'dice') return `${m.model}: Dice at 100% ${m.value!.toFixed(4)} [${m.lo!.toFixed(3)}, ${m.hi!.toFixed(3)}] (${ok})`;
  const t = m.answer.target!;
  if (m.status === 'unreachable') return `${m.model}: Dice ${diceText(t.dice)} ${t.reason}`;
  if (m.status === 'undetermined') return `${m.model}: n for Dice ${diceText(t.dice)} undetermined, ${m.openBelow ? `any n (allowed from the smallest size trained, ${int(m.lo!)})` : `n ≥ ${int(m.lo!)}`} (${ok})`;
  const range = m.hi === null ? `n ≥ ${int(m.lo!)}` : m.openBelow ? `≤ ${int(m.hi)}` : `${int(m.lo!)}, ${int(m.hi)}`;
  return `${m.model}: n for Dice ${diceText(t.dice)} ≈ ${int(m.value!)} [${m.openBelow && m.hi === null ? 'open' : range}] (${ok})`;
}
