import type { ModelInterval } from './interval';
import { GRID_SLACK, spreadText } from './interval';

/**
 * When to stop, and why, in one sentence. In order: every model's answer is within the precision
 * asked (or, where the full grid could not reach it either, close to what the full grid would give); the budget is spent (or no job left fits in what remains of it); no candidate remains;
 * or no job is worth training: none narrows the answer by a useful amount at a rate that would
 * remove the remaining excess for less than training every size left would cost.
 */
export interface StopState {
  intervals: ModelInterval[];
  spent: number;
  budget?: number;
  /** candidates left, and how many of them were left out because they would overrun the budget */
  candidates: number;
  overBudget: number;
  cheapestOverBudget?: number;
  /** after scoring, when no job is worth it: the job with the best rate, and the expected seconds of every size left */
  best?: { job: string; narrowing: number; cost: number; restCost: number };
}

const s = (v: number) => `${Math.round(v).toLocaleString('en-US')} s`;
/** A narrowing in the question's units: Dice width, or the factor on hi/lo of a target n (past ×1,000 it only says an interval is still open). */
export const narrowingText = (v: number, question: ModelInterval['question']) =>
  question === 'dice' ? Math.max(0, v).toFixed(4) : Math.exp(v) > 1000 ? 'more than ×1,000' : `×${Math.exp(Math.max(0, v)).toFixed(3)}`;

export function stopReason(st: StopState): string | null {
  const open = st.intervals.filter((m) => m.excess > 0);
  if (st.intervals.length && !open.length) {
    const each = st.intervals.map((m) => `${m.model} ${spreadText(m)}`).join(', ');
    // measured at 100% and still wider than aimed at: the width says how many points the fit has, not what 100% is
    const wide = st.intervals.filter((m) => m.measured && m.excess === 0 && m.spread > m.aim);
    if (wide.length) {
      const names = wide.map((m) => m.model).join(', ');
      return `answered: the Dice at 100% is measured for ${names}, with as many seeds as allowed there (${each}); the other sizes would narrow ${wide.length === 1 ? 'its interval' : 'their intervals'} by giving the fit more points, not by observing 100% again`;
    }
    const short = st.intervals.filter((m) => m.aim > m.tolerance);
    if (!short.length) return `answered: every model's 95% interval is within the precision asked (${each})`;
    const q = short[0].question;
    return `answered as precisely as the grid allows: every model's 95% interval is within the precision asked or within ${Math.round(GRID_SLACK * 100)}% of what the full grid would give (${each}); ` +
      `the precision asked (${narrowingText(short[0].tolerance, q)}) is out of the grid's reach for ${short.map((m) => `${m.model} (full grid ${narrowingText(m.floor!, q)})`).join(', ')}`;
  }
  if (st.budget !== undefined && st.spent >= st.budget) return `budget spent: ${s(st.spent)} of ${s(st.budget)}`;
  if (!st.candidates && st.overBudget) {
    return `budget: no job left fits in the ${s(Math.max(0, st.budget! - st.spent))} remaining (the cheapest would take ~${s(st.cheapestOverBudget ?? 0)})`;
  }
  if (!st.candidates) return 'no candidates remain: every grid size is trained, with as many seeds as allowed';
  if (st.best) {
    const b = st.best;
    const q = open[0].question;
    const excess = open.reduce((t, m) => t + m.excess, 0);
    const widths = open.map((m) => `${m.model} ${spreadText(m)}`).join(', ');
    // measured at 100%, a model is offered only another seed there (choose.ts: atFull): say so, or "no job" reads as any job
    if (b.narrowing <= 0 && open.every((m) => m.measured)) return `diminishing returns: the Dice at 100% is measured, and another seed there is not expected to narrow the answer (${widths}); the other sizes would narrow it by giving the fit more points, not by observing 100% again`;
    if (b.narrowing <= 0) return `diminishing returns: no job is expected to narrow the answer (${widths})`;
    return `diminishing returns: the best job left (${b.job}) would narrow the answer by ${narrowingText(b.narrowing, q)} for ${s(b.cost)}; at that rate the excess over what is aimed at (${narrowingText(excess, q)}) would cost more than training every size left (${s(b.restCost)})`;
  }
  return null;
}
