import { UserError } from '../errors';
import { contrastMatrix } from './contrasts';
import { evalFactor, type FactorValue } from './expr';
import type { Frame } from './frame';
import { type Dense, dense } from './linalg';
import { type Factor, type ModelDesc, parseFormula, type Term, termName } from './formula';
import { formulaError } from './tokens';

/**
 * Design matrices by patsy's rules (patsy/build.py and redundancy.py): terms grouped by the
 * numeric factors they hold, lower-order terms first within a group; categorical factors coded
 * by their contrast (treatment unless C() names another), except where a lower-order term is
 * absent, in which case a factor is coded in full (`ls + ls:Family` gives ls[T.short], ls[long]:Family[T.ResNet], ...). Rows with
 * a missing value in any factor are dropped. Column names are patsy's, so statsmodels' names.
 */
export interface DesignTerm {
  name: string;
  factors: string[];
  /** Columns [start, end) of the design matrix. */
  start: number;
  end: number;
}

export interface Design {
  formula: string;
  yName: string;
  y: Float64Array;
  /** Column-major, rows of the frame kept (see rows). */
  X: Dense;
  columnNames: string[];
  terms: DesignTerm[];
  hasIntercept: boolean;
  /** Rows of the frame used (the others had a missing value). */
  rows: Int32Array;
  source: string;
}

/** How one factor enters one subterm: a numeric column, or categories coded with or without a reference. */
interface SubtermFactor {
  factor: Factor;
  full: boolean;
}

export function designMatrices(frame: Frame, formula: string | ModelDesc): Design {
  const desc = typeof formula === 'string' ? parseFormula(formula) : formula;
  const f = desc.formula;
  if (desc.lhs.length !== 1 || desc.lhs[0].factors.length !== 1) {
    throw formulaError(f, 0, 'the response (left of ~) must be one variable or expression');
  }

  // Evaluate each distinct factor once.
  const values = new Map<string, FactorValue>();
  const all: Factor[] = [...desc.lhs, ...desc.rhs].flatMap((t) => t.factors);
  for (const factor of all) if (!values.has(factor.code)) values.set(factor.code, evalFactor(factor.expr, { frame, formula: f }));
  const yFactor = desc.lhs[0].factors[0];
  const yValue = values.get(yFactor.code)!;
  if (yValue.kind !== 'numeric') throw formulaError(f, yFactor.start, `the response '${yFactor.code}' is categorical; it must be numeric`);

  // patsy's NA rule: drop every row where a factor of the model is missing (NaN or None).
  const missing = new Uint8Array(frame.rows);
  for (const v of values.values()) {
    if (v.kind === 'numeric') for (let r = 0; r < frame.rows; r++) missing[r] |= Number.isNaN(v.values[r]) ? 1 : 0;
    else for (let r = 0; r < frame.rows; r++) missing[r] |= v.codes[r] < 0 ? 1 : 0;
  }
  const keep: number[] = [];
  for (let r = 0; r < frame.rows; r++) if (!missing[r]) keep.push(r);
  const rows = Int32Array.from(keep);
  if (!rows.length) throw new UserError(`${frame.source}: no row has all of ${[...values.keys()].join(', ')} (every row has a missing value)`);
  for (const factor of new Map(all.map((x) => [x.code, x])).values()) {
    const v = values.get(factor.code)!;
    if (v.kind !== 'numeric') continue;
    for (const r of rows) {
      if (!Number.isFinite(v.values[r])) {
        throw formulaError(f, factor.start, `'${factor.code}' is ${v.values[r]} in row ${r + 1} of ${frame.source}; the model needs finite values`);
      }
    }
  }

  const isNumeric = (fc: Factor) => values.get(fc.code)!.kind === 'numeric';
  const plan = orderAndCode(desc.rhs, isNumeric);

  // Columns: for each term, each subterm; in a subterm the leftmost factor varies fastest.
  // Each factor's candidate columns are vectors over the kept rows; a column is their product.
  const n = rows.length;
  const vectors = new Map<string, { name: string; values: Float64Array }[]>();
  const factorColumns = (factor: Factor, full: boolean) => {
    const key = `${factor.code}\u0000${full}`;
    let out = vectors.get(key);
    if (out) return out;
    const v = values.get(factor.code)!;
    if (v.kind === 'numeric') {
      const cols = v.columns ?? [v.values];
      out = cols.map((c, j) => ({ name: v.columns ? `${factor.code}[${j}]` : factor.code, values: gather(rows, (r) => c[r]) }));
    } else {
      // Coded by the factor's contrast, in full where no lower-order term spans the constant.
      const { matrix, suffixes } = contrastMatrix(v.contrast, v.levels, full);
      out = suffixes.map((suffix, c) => ({ name: `${factor.code}${suffix}`, values: gather(rows, (r) => matrix[v.codes[r]][c]) }));
    }
    vectors.set(key, out);
    return out;
  };
  const columnNames: string[] = [];
  const columns: Float64Array[] = [];
  const terms: DesignTerm[] = [];
  for (const { term, subterms } of plan) {
    const start = columnNames.length;
    for (const sub of subterms) {
      const parts = sub.map(({ factor, full }) => factorColumns(factor, full));
      for (const combo of combinations(parts.map((p) => p.length))) {
        const picked = combo.map((c, j) => parts[j][c]);
        columnNames.push(picked.length ? picked.map((p) => p.name).join(':') : 'Intercept');
        const col = new Float64Array(n).fill(1);
        for (const p of picked) for (let i = 0; i < n; i++) col[i] *= p.values[i];
        columns.push(col);
      }
    }
    terms.push({ name: termName(term), factors: term.factors.map((x) => x.code), start, end: columnNames.length });
  }

  const X = dense(n, columns.length);
  columns.forEach((col, j) => X.data.set(col, j * n));
  const yAll = (yValue as FactorValue & { kind: 'numeric' }).values;
  return {
    formula: f,
    yName: yFactor.code,
    y: gather(rows, (r) => yAll[r]),
    X,
    columnNames,
    terms,
    hasIntercept: plan.some(({ term }) => term.factors.length === 0),
    rows,
    source: frame.source,
  };
}

/** f over the kept rows (a plain loop: typed-array from() with a mapping function is slow in V8). */
function gather(rows: Int32Array, f: (r: number) => number): Float64Array {
  const out = new Float64Array(rows.length);
  for (let i = 0; i < rows.length; i++) out[i] = f(rows[i]);
  return out;
}

/** Index tuples over factors with n[j] columns each, the first index varying fastest (as R and patsy). */
function* combinations(n: number[]): Generator<number[]> {
  if (n.some((k) => k === 0)) return;
  const idx = n.map(() => 0);
  for (;;) {
    yield [...idx];
    let j = 0;
    while (j < n.length) {
      idx[j]++;
      if (idx[j] < n[j]) break;
      idx[j] = 0;
      j++;
    }
    if (j === n.length) return;
  }
}

/**
 * patsy's _make_subterm_infos: buckets terms by their set of numeric factors (the bucket without
 * numeric factors first, then in order of appearance), sorts each bucket by degree, and picks each
 * term's coding so that it spans only what lower-order terms in the bucket have not spanned.
 */
export function orderAndCode(rhs: Term[], isNumeric: (f: Factor) => boolean): { term: Term; subterms: SubtermFactor[][] }[] {
  const buckets = new Map<string, Term[]>();
  for (const term of rhs) {
    const key = term.factors.filter(isNumeric).map((x) => x.code).sort().join('\u0000');
    if (!buckets.has(key)) buckets.set(key, []);
    buckets.get(key)!.push(term);
  }
  const order = [...buckets.keys()];
  if (buckets.has('')) order.splice(order.indexOf(''), 1), order.unshift('');
  const out: { term: Term; subterms: SubtermFactor[][] }[] = [];
  for (const key of order) {
    const bucket = [...buckets.get(key)!].sort((a, b) => a.factors.length - b.factors.length); // stable
    const used = new Set<string>();
    for (const term of bucket) {
      const codings = pickContrasts(term, isNumeric, used);
      const subterms = codings.map((coding) =>
        term.factors.filter((fc) => isNumeric(fc) || coding.has(fc.code)).map((fc) => ({ factor: fc, full: isNumeric(fc) ? false : coding.get(fc.code)! })),
      );
      out.push({ term, subterms });
    }
  }
  return out;
}

/** An expanded factor: a- (contrasts, no intercept) or a+ (full coding). */
type Subterm = Map<string, boolean>;
const subtermKey = (s: Subterm) => [...s].map(([f, full]) => `${f}${full ? '+' : '-'}`).sort().join('\u0000');

/** patsy's pick_contrasts_for_term (patsy/redundancy.py). */
function pickContrasts(term: Term, isNumeric: (f: Factor) => boolean, used: Set<string>): Subterm[] {
  const categorical = term.factors.filter((f) => !isNumeric(f)).map((f) => f.code);
  const subterms: Subterm[] = [];
  for (const subset of sortedSubsets(categorical)) {
    const s: Subterm = new Map(subset.map((f) => [f, false]));
    if (!used.has(subtermKey(s))) subterms.push(s);
  }
  for (const s of subterms) used.add(subtermKey(s));
  // Greedily let a longer subterm absorb a shorter one it extends by one factor, left to right.
  const canAbsorb = (long: Subterm, short: Subterm) => long.size - short.size === 1 && [...short].every(([f, full]) => long.get(f) === full);
  for (let changed = true; changed; ) {
    changed = false;
    outer: for (let s = 0; s < subterms.length; s++) {
      for (let l = s + 1; l < subterms.length; l++) {
        if (canAbsorb(subterms[l], subterms[s])) {
          const extra = [...subterms[l].keys()].find((f) => !subterms[s].has(f))!;
          const merged: Subterm = new Map(subterms[s]);
          merged.set(extra, true);
          subterms[l] = merged;
          subterms.splice(s, 1);
          changed = true;
          break outer;
        }
      }
    }
  }
  return subterms;
}

/** All subsets, shorter first, ties in the order of the factors' positions (patsy's _subsets_sorted). */
function sortedSubsets<T>(items: T[]): T[][] {
  const subsets: number[][] = [[]];
  for (let i = 0; i < items.length; i++) {
    const n = subsets.length;
    for (let j = 0; j < n; j++) subsets.push([...subsets[j], i]);
  }
  const lexical = (a: number[], b: number[]) => {
    for (let k = 0; k < Math.min(a.length, b.length); k++) if (a[k] !== b[k]) return a[k] - b[k];
    return a.length - b.length;
  };
  subsets.sort((a, b) => a.length - b.length || lexical(a, b));
  return subsets.map((s) => s.map((i) => items[i]));
}
