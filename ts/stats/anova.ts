import { Matrix } from 'ml-matrix';
import { UserError } from '../errors';
import { fSf } from './distributions';
import { dense, pinvSymmetric, rangeComplement, sequentialEffects } from './linalg';
import type { OlsFit } from './ols';

/**
 * ANOVA tables of a fitted linear model, as statsmodels' anova_lm (stats/anova.py) on full-rank
 * designs: type 1 from the sequential effects of a QR, types 2 and 3 from Wald F tests on the
 * coefficients, with sums of squares backed out of F. On rank-deficient designs (aliased
 * columns, empty interaction cells) every step reveals rank instead of working on rounding
 * noise, so each row is the model comparison it stands for: type 1 counts only the columns a
 * term adds to the span of the terms before it (a fully aliased term gets df 0 and no F), type 2
 * projects out the higher-order terms with the complement of the covariance block's column
 * space found by an SVD; as in statsmodels, F divides the Wald statistic by the rank of what is
 * tested while df (and the SS backed out of F) count the term's columns.
 * Two effect sizes are added: partial eta squared, SS / (SS + SS_resid), and eta squared, SS
 * over the table's total SS (the column the second paper's Table 2 reports as its partial eta
 * squared).
 */
export type AnovaType = 1 | 2 | 3;

export interface AnovaRow {
  term: string;
  sum_sq: number;
  df: number;
  F: number;
  'PR(>F)': number;
  eta_sq_partial: number;
  eta_sq: number;
}

export interface AnovaTable {
  kind: 'anova';
  typ: AnovaType;
  formula: string;
  rows: AnovaRow[];
  warnings: string[];
}

export function anova(fit: OlsFit, typ: AnovaType = 1): AnovaTable {
  if (![1, 2, 3].includes(typ)) throw new UserError(`--typ must be 1, 2 or 3 (got ${typ})`);
  const { design, ssr, dfResid } = fit;
  const scale = ssr / dfResid;
  const raw: { term: string; sum_sq: number; df: number; F: number; p: number }[] = [];
  // Terms whose columns are (partly) aliased: with the columns before them for type 1, with
  // all other columns for types 2 and 3.
  const aliased: string[] = [];
  if (typ === 1) {
    const { kept, effects } = sequentialEffects(design.X, design.y);
    for (const t of design.terms) {
      let ss = 0;
      let df = 0;
      for (let j = t.start; j < t.end; j++) if (kept[j]) (ss += effects[j] ** 2), df++;
      if (df < t.end - t.start) aliased.push(`${t.name} (${df} of ${t.end - t.start} columns estimable)`);
      if (!t.factors.length) continue;
      const F = df ? ss / df / scale : NaN;
      raw.push({ term: t.name, sum_sq: ss, df, F, p: df ? fSf(F, df, dfResid) : NaN });
    }
  } else {
    const terms = typ === 3 ? design.terms : design.terms.filter((t) => t.factors.length);
    for (const t of terms) {
      const L1 = range(t.start, t.end);
      const L2: number[] = [];
      if (typ === 2) {
        // Higher-order terms that contain this one are tested along with it, then projected out.
        const mine = new Set(t.factors);
        for (const o of terms) {
          if (o.factors.length > mine.size && t.factors.every((f) => o.factors.includes(f))) {
            for (let j = o.start; j < o.end; j++) {
              L1.push(j);
              L2.push(j);
            }
          }
        }
      }
      const { W, J } = waldF(fit, L1, L2);
      // As statsmodels: F divides by the rank J actually tested (and p uses J), while df and the
      // sum of squares backed out of F count the term's restrictions.
      const df = t.end - t.start;
      if (J < df) aliased.push(`${t.name} (${J} of ${df} restrictions testable)`);
      const F = J ? W / J : NaN;
      raw.push({ term: t.name, sum_sq: J ? F * df * scale : 0, df, F, p: J ? fSf(F, J, dfResid) : NaN });
    }
  }
  const total = raw.reduce((a, r) => a + r.sum_sq, 0) + ssr;
  const rows: AnovaRow[] = raw.map((r) => ({
    term: r.term, sum_sq: r.sum_sq, df: r.df, F: r.F, 'PR(>F)': r.p,
    eta_sq_partial: r.sum_sq / (r.sum_sq + ssr), eta_sq: r.sum_sq / total,
  }));
  rows.push({ term: 'Residual', sum_sq: ssr, df: dfResid, F: NaN, 'PR(>F)': NaN, eta_sq_partial: NaN, eta_sq: ssr / total });
  const warnings =
    fit.rank < design.X.cols
      ? [
          `The design is rank-deficient (rank ${fit.rank} for ${design.X.cols} columns). Aliased terms: ${aliased.join(', ') || 'none among the tested ones'}. ` +
            (typ === 1
              ? 'Each row compares the models with and without its term after the terms before it; df is the rank the term adds.'
              : "Each row's F tests the restrictions that are testable (on as many df as their rank, named above), while df counts the term's columns, as statsmodels reports them; a term aliased with terms that do not contain it is tested on the minimum-norm coefficients, as statsmodels does, which is not a comparison of models."),
        ]
      : [];
  return { kind: 'anova', typ, formula: design.formula, rows, warnings };
}

/**
 * statsmodels' f_test of L12 beta = 0: L12 is L1 when nothing is projected out, else L1 made
 * orthogonal (in the coefficients' covariance) to the restrictions L2, through the complement of
 * the column space of L1 V L2' (of any rank). W is the Wald statistic with the pseudo-inverse of
 * the restrictions' covariance, J that covariance's rank (the restrictions actually tested).
 */
function waldF(fit: OlsFit, L1: number[], L2: number[]): { W: number; J: number } {
  const p = fit.params.length;
  const cov = (i: number, j: number) => fit.normalizedCov[i * p + j] * fit.scale;
  let R: Float64Array[];
  if (L2.length) {
    const LVL = dense(L1.length, L2.length);
    L1.forEach((a, i) => L2.forEach((b, j) => (LVL.data[j * L1.length + i] = cov(a, b))));
    const N = rangeComplement(LVL);
    R = Array.from({ length: N.rows }, (_, k) => {
      const row = new Float64Array(p);
      L1.forEach((col, a) => (row[col] += N.data[a * N.rows + k]));
      return row;
    });
  } else {
    R = L1.map((col) => {
      const row = new Float64Array(p);
      row[col] = 1;
      return row;
    });
  }
  const r = R.length;
  const Rb = R.map((row) => row.reduce((acc, v, j) => acc + v * fit.params[j], 0));
  const V = new Matrix(r, r);
  for (let a = 0; a < r; a++) {
    for (let b = 0; b <= a; b++) {
      let v = 0;
      for (let i = 0; i < p; i++) {
        if (R[a][i] === 0) continue;
        for (let j = 0; j < p; j++) if (R[b][j] !== 0) v += R[a][i] * cov(i, j) * R[b][j];
      }
      V.set(a, b, v);
      V.set(b, a, v);
    }
  }
  if (!r) return { W: 0, J: 0 };
  const { pinv, rank } = pinvSymmetric(V);
  let W = 0;
  for (let a = 0; a < r; a++) for (let b = 0; b < r; b++) W += Rb[a] * pinv.get(a, b) * Rb[b];
  return { W, J: Math.min(rank, r) };
}

const range = (a: number, b: number) => Array.from({ length: b - a }, (_, i) => a + i);
