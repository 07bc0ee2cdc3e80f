import { readFileSync } from 'node:fs';
import { UserError } from '../errors';
import { groupBy } from '../group';
import { csvRecords } from '../stats/csv';
import type { Db } from '../store/db';
import { type ResultRow, resultRows } from '../store/results';
import { mean, sd } from './random';

/** One performance-versus-data curve: a model's test Dice at increasing training-set sizes. */
export interface Curve {
  model: string;
  /** model depth when known (the paper's "layers"); used as an LSTM input */
  depth: number | null;
  /** training-set sizes, strictly increasing */
  n: number[];
  dice: number[];
  /** where several runs (repeats, folds) share an n: their sd and count, so fits weigh each point by its precision */
  sd?: (number | null)[];
  count?: number[];
  /** the full data set's n (100%), where it is larger than the largest n observed (a grid still running) */
  nFull?: number;
}

/** The curve's 100%: the full data set's n, or its largest n when that is not known. */
export const fullN = (c: Curve) => Math.max(c.nFull ?? 0, c.n[c.n.length - 1]);

/**
 * The fewest sizes a curve is answered from. With the corpus priors the 3-parameter families
 * (pow3, exp3) fit 3 points; with 2 the default answers from its analogues alone (real curves of
 * the same shape, surrogate.ts). Both are answered about as well as a 4-size pilot on LCDB's
 * held-out curves, with intervals as wide as their few points warrant (bench/forecast.ts,
 * "3 points" and "2 points"). One size has no shape: the default answers it from real curves at
 * the same level, with the widest intervals ("1 point"); every other method says what it needs.
 */
export const MIN_POINTS = 1;

/**
 * Up to this many sizes a curve pins its asymptote weakly: the answer flags it (engine.ts:
 * curveFlags), and a levelling seen between its points is claimed as a plateau only where the
 * interval supports it, as one past the data is (answers.ts: plateauPoint).
 */
export const WEAKLY_PINNED = 5;

/**
 * Observed Dice within this range is flat: the answer flags it (engine.ts: curveFlags), and from 3
 * sizes on its band takes a quantile of its own (calibration.ts: stratumOf), since a flat start
 * says nothing of whether or when the curve rises.
 */
export const FLAT_RANGE = 0.02;
export const isFlat = (dice: readonly number[]) => Math.max(...dice) - Math.min(...dice) < FLAT_RANGE;

/**
 * Observed Dice below this at every size: no size shows learning (a network that predicts nothing,
 * a classifier that predicts one class). The answer flags it, and from 3 sizes on its band takes a
 * quantile of its own (calibration.ts: stratumOf): LCDB's curves like it rose later by 0.10 on
 * average from 10% of their data.
 */
export const FLOOR_DICE = 0.05;
export const atFloor = (dice: readonly number[]) => Math.max(...dice) < FLOOR_DICE;

/** Checks a curve and throws a UserError naming `where` and the position of the first fault. */
export function validateCurve(c: Curve, where: string): Curve {
  if (c.n.length !== c.dice.length) throw new UserError(`${where}: model '${c.model}': ${c.n.length} sizes but ${c.dice.length} dice values`);
  if (c.n.length < MIN_POINTS) {
    throw new UserError(`${where}: model '${c.model}' has ${c.n.length} point(s); a curve needs at least ${MIN_POINTS}`);
  }
  c.n.forEach((n, i) => {
    if (!Number.isFinite(n) || n <= 0) throw new UserError(`${where}: model '${c.model}', point ${i + 1}: n must be a positive number (got ${n})`);
    if (i > 0 && n <= c.n[i - 1]) {
      throw new UserError(`${where}: model '${c.model}', point ${i + 1}: n must increase (n=${n} after n=${c.n[i - 1]})`);
    }
  });
  c.dice.forEach((d, i) => {
    if (!Number.isFinite(d) || d < 0 || d > 1) throw new UserError(`${where}: model '${c.model}', point ${i + 1}: dice must lie in [0, 1] (got ${d})`);
  });
  return c;
}

/** A depth from a model name such as `resunet-d4`, else null. */
export const depthOf = (model: string): number | null => {
  const m = /-d(\d+)$/.exec(model);
  return m ? Number(m[1]) : null;
};

/**
 * Curves from a CSV with columns `n,dice` and optionally `model` (one curve per model), rows in any
 * order. Several rows of a model at one n (seeds, repeats, folds) are one point: their mean Dice,
 * with their sd and count, as the store's repeated runs are (curvesFromRows). Any other columns
 * are ignored. A malformed row rejects the file; a model with too few sizes is left out with a note
 * (as a store's is), and the file is rejected only when no model is left.
 */
export function readCurveCsv(file: string): CurveSet {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    const why = code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'a folder, not a file' : code === 'EACCES' ? 'permission denied' : code ?? String(e);
    throw new UserError(`${file}: cannot read the curve file (${why})`);
  }
  // papaparse (stats/csv.ts): a quoted model name may hold a comma; '#' lines are comments
  const [head, ...body] = csvRecords(text, file, '#').filter((r) => r.cells.some((c) => c.trim()));
  if (!head) throw new UserError(`${file}: empty; expected a header with columns n,dice[,model]`);
  const header = head.cells.map((h) => h.trim().toLowerCase());
  const col = (name: string) => header.indexOf(name);
  for (const name of ['n', 'dice']) {
    if (col(name) < 0) throw new UserError(`${file}: missing column '${name}' (header: ${head.cells.join(',')})`);
  }
  const rows = body.map(({ cells, line }) => {
    const num = (name: string) => {
      const raw = cells[col(name)]?.trim();
      const v = raw === undefined || raw === '' ? NaN : Number(raw);
      if (!Number.isFinite(v)) throw new UserError(`${file}: line ${line}: column '${name}' is not a number (got '${raw ?? ''}')`);
      return v;
    };
    const [n, dice] = [num('n'), num('dice')];
    if (n <= 0) throw new UserError(`${file}: line ${line}: n must be a positive number (got ${n})`);
    if (dice < 0 || dice > 1) throw new UserError(`${file}: line ${line}: dice must lie in [0, 1] (got ${dice})`);
    return { model: (col('model') >= 0 && cells[col('model')]?.trim()) || 'curve', n, dice };
  });
  if (!rows.length) throw new UserError(`${file}: no rows under the header`);
  const read = answerable([...groupBy(rows, (r) => r.model)].map(([model, rs]) => () => curveOf(model, depthOf(model), pointsBySize(rs, (r) => r.n, (r) => r.dice), file)));
  if (!read.curves.length) throw new UserError(read.notes.join('; '));
  return read;
}

/** Curves to answer from, and the models left out (too few points), with why. */
export interface CurveSet {
  curves: Curve[];
  notes: string[];
}

/**
 * Each model's curve, built one by one: a model that cannot be answered (a UserError, such as too
 * few sizes) is left out with its sentence as a note and the others are kept, the same for a CSV
 * and a store (report/answer.ts).
 */
export function answerable(models: (() => Curve | Curve[])[]): CurveSet {
  const set: CurveSet = { curves: [], notes: [] };
  for (const build of models) {
    try {
      set.curves.push(...[build()].flat());
    } catch (e) {
      if (!(e instanceof UserError)) throw e;
      set.notes.push(e.message);
    }
  }
  return set;
}

type CurveRow = Pick<ResultRow, 'model' | 'depth' | 'n_train' | 'dice'> & Partial<Pick<ResultRow, 'lr' | 'weight_decay'>>;

/**
 * Curves of a stored experiment: one per model (and per lr / weight decay where the grid varies
 * them), Dice versus n_train; repeated runs and folds at one n are averaged (their sd and count
 * kept). `full` gives each model's planned full training set (its 100% while a grid still runs).
 */
export function curvesFromRows(rows: CurveRow[], where: string, full?: Map<string, number>): Curve[] {
  const varies = (f: (r: CurveRow) => unknown) => new Set(rows.map(f)).size > 1;
  const byLr = varies((r) => r.lr);
  const byWd = varies((r) => r.weight_decay);
  const name = (r: CurveRow) => [r.model, byLr ? `lr=${r.lr}` : '', byWd ? `wd=${r.weight_decay}` : ''].filter(Boolean).join(' ');
  const byModel = groupBy(rows, name);
  if (!byModel.size) throw new UserError(`${where}: no finished runs to fit`);
  return [...byModel.entries()].map(([model, rs]) => curveOf(model, rs[0].depth, pointsBySize(rs, (r) => r.n_train, (r) => r.dice), where, full?.get(rs[0].model)));
}

/** A checked curve from its points; sd and count only where some size has several runs. */
function curveOf(model: string, depth: number | null, points: ReturnType<typeof pointsBySize>, where: string, nFull?: number): Curve {
  const count = points.map((p) => p.count);
  return validateCurve({
    model, depth, n: points.map((p) => p.n), dice: points.map((p) => p.dice),
    ...(count.some((c) => c > 1) ? { sd: points.map((p) => p.sd), count } : {}), ...(nFull ? { nFull } : {}),
  }, where);
}

/** Runs grouped by size, one point per size (pointOf), in increasing n. */
export function pointsBySize<T>(runs: readonly T[], n: (r: T) => number, dice: (r: T) => number): { n: number; dice: number; sd: number | null; count: number }[] {
  return [...groupBy(runs, n)].sort((a, b) => a[0] - b[0]).map(([size, at]) => ({ n: size, ...pointOf(at.map(dice)) }));
}

/** The runs at one size as one point: their mean Dice, their sd (null below 2 runs) and how many there are. */
export function pointOf(dice: readonly number[]): { dice: number; sd: number | null; count: number } {
  return { dice: mean(dice), sd: dice.length > 1 ? sd(dice) : null, count: dice.length };
}

/** The points of a curve with n ≤ f·max(n). */
export function observedPart(c: Curve, upTo: number): Curve {
  const cut = upTo * fullN(c) * (1 + 1e-9);
  const k = c.n.filter((n) => n <= cut).length;
  return { ...c, n: c.n.slice(0, k), dice: c.dice.slice(0, k), ...(c.sd ? { sd: c.sd.slice(0, k) } : {}), ...(c.count ? { count: c.count.slice(0, k) } : {}) };
}

/** The curves of a stored experiment. */
export const curvesFromStore = (db: Db, experiment: string, where: string) => curvesFromRows(resultRows(db, experiment), where);
