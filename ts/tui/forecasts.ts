import { experimentAnswer, experimentLines } from '../report/answer';
import type { ResultRow } from '../store/results';
import { type Answer, plateauLine } from '../surrogate/engine';
import { DEFAULT_METHOD, type Method } from '../surrogate/surrogate';

/** One model's observed curve and the engine's forecast past it (the curves view). */
export interface CurveForecast {
  model: string;
  /** observed test metric by fraction of the full training set */
  observed: [number, number][];
  /** forecast mean and 95% band at fractions past the last observed one, up to 1 or twice the last observed n, whichever is further */
  forecast: { fraction: number; dice: number; lo: number; hi: number }[];
  /** the engine's plateau point as a fraction of the full training set (null when it has none) */
  plateau: number | null;
  /** the engine's plateau sentence, as the answer says it */
  plateauText: string | null;
  method: Method;
  note?: string;
}

/** What the overview and the curves view show: one engine call on the results so far. */
export interface DashboardAnswer {
  method: Method;
  /** the engine's answer itself (null until a model has enough finished points) */
  answer: Answer | null;
  /** the answer's lines (`answerLines`), then notes on the models left out */
  lines: string[];
  curves: CurveForecast[];
}

/**
 * Answers from the finished jobs with the engine (the same call `plateau forecast`, status and the
 * report make), and lays each model's answer out for the curves view. The full training set's
 * size per model is the largest n_train of any of its jobs (`fullN`), so a half-finished grid is
 * drawn up to 100%; the forecast reaches twice the last observed n, where the answer's 200% is.
 */
/** The full set the engine answered a curve against (its 100%). */
const answeredFullN = (a: Answer | null, model: string) => a?.models.find((x) => x.model === model)?.fit.nRef;

export async function dashboardAnswer(
  rows: ResultRow[],
  fullN: Map<string, number>,
  method: Method = DEFAULT_METHOD,
  o: { targetDice?: number; steps?: number } = {},
): Promise<DashboardAnswer> {
  const steps = o.steps ?? 24;
  if (!rows.length) return { method, answer: null, lines: [], curves: [] };
  const e = await experimentAnswer(rows, rows[0].experiment, { method, targetDice: o.targetDice, seed: 0 }, fullN);
  const a = e.answer;
  const curves: CurveForecast[] = [];
  const models = [...new Set(rows.map((r) => r.model))];
  // a curve's name is its model's, with lr / weight decay added where the grid varies them
  const baseOf = (name: string) => models.filter((m) => name === m || name.startsWith(`${m} `)).sort((x, y) => y.length - x.length)[0] ?? name;
  for (const c of e.curves) {
    const model = baseOf(c.model);
    const N = answeredFullN(a, c.model) ?? fullN.get(model) ?? c.n[c.n.length - 1];
    const observed = c.n.map((n, i): [number, number] => [n / N, c.dice[i]]);
    const m = a?.models.find((x) => x.model === c.model);
    if (!m) {
      curves.push({ model: c.model, observed, forecast: [], plateau: null, plateauText: null, method, note: a?.skipped.find((s) => s.model === c.model)?.reason });
      continue;
    }
    const last = c.n[c.n.length - 1];
    // to the answer's 200% (of the planned full set)
    const end = 2 * m.fit.nRef;
    const grid = Array.from({ length: steps }, (_, i) => last + ((end - last) * (i + 1)) / steps);
    const forecast = grid.map((n) => {
      const [lo, hi] = m.fit.band(n, 0.95);
      return { fraction: n / N, dice: m.fit.mean(n), lo, hi };
    });
    const p = m.plateau;
    curves.push({ model: c.model, observed, forecast, plateau: p.n === null ? null : p.n / N, plateauText: plateauLine(p), method, note: m.flags.join('; ') || undefined });
  }
  // models with too few finished points: their points, and why there is no forecast
  for (const model of models.filter((x) => !e.curves.some((c) => baseOf(c.model) === x))) {
    const mine = rows.filter((r) => r.model === model);
    const N = fullN.get(model) ?? Math.max(...mine.map((r) => r.n_train));
    curves.push({
      model, observed: mine.map((r): [number, number] => [r.n_train / N, r.dice]).sort((x, y) => x[0] - y[0]), forecast: [], plateau: null, plateauText: null, method,
      note: e.notes.find((n) => n.includes(`model '${model}'`)) ?? e.notes[0],
    });
  }
  return { method, answer: a, lines: experimentLines(e), curves };
}

/** The curves view's data alone. */
export const curveForecasts = async (rows: ResultRow[], fullN: Map<string, number>, method: Method = DEFAULT_METHOD, steps = 24) =>
  (await dashboardAnswer(rows, fullN, method, { steps })).curves;
