import { Matrix, SVD } from 'ml-matrix';
import { UserError } from '../errors';
import { bsplineSmoother, type Smoother } from './bspline';
import { type Design, designMatrices } from './design';
import { normTwoSided } from './distributions';
import { evalFactor, parseExpr } from './expr';
import { column, type Frame } from './frame';
import { dense, type Dense, leastSquares, matVec, stack } from './linalg';
import { checkShape } from './ols';
import { formulaError, prettyCode, tokenize } from './tokens';

/**
 * A Gaussian GAM with penalized B-spline smooths for given penalty weights, as statsmodels'
 * GLMGam(..., smoother=BSplines(...), alpha=...).fit(): the linear part from the formula, the
 * smooths' bases appended, and the coefficients minimizing |y - X b|^2 + b' (2 alpha S) b, solved as
 * least squares on X stacked over a square root of 2 alpha S (with the identity link, PIRLS's
 * working response is y itself, so its first step is already its fixed point). Effective degrees of
 * freedom per column are the diagonal of (X'X + 2 alpha S)^-1 X'X.
 */
export interface SmoothSpec {
  /** A column or an expression such as np.log(Dataset). */
  variable: string;
  df: number;
  degree: number;
  alpha: number;
}

export interface GamFit {
  kind: 'gam';
  design: Design;
  smooths: SmoothSpec[];
  columnNames: string[];
  params: Float64Array;
  bse: Float64Array;
  /** z statistics and normal p-values, as statsmodels' GLMGam reports them. */
  tvalues: Float64Array;
  pvalues: Float64Array;
  edf: Float64Array;
  edfTotal: number;
  fitted: Float64Array;
  scale: number;
  deviance: number;
  llf: number;
  aic: number;
  gcv: number;
  dfResid: number;
  nobs: number;
}

export function gam(frame: Frame, formula: string, smooths: SmoothSpec[]): GamFit {
  if (!smooths.length) throw new UserError('gam: give at least one smooth term (--smooth VARIABLE)');
  // Smooth variables are evaluated like factors; rows where one is missing are left out first.
  const values = smooths.map((s) => {
    const tokens = tokenize(s.variable);
    if (!tokens.length) throw new UserError('gam: empty --smooth variable');
    const v = evalFactor(parseExpr(tokens, s.variable), { frame, formula: s.variable });
    if (v.kind !== 'numeric') throw formulaError(s.variable, 0, `smooth variable '${s.variable}' is categorical; it must be numeric`);
    return { name: prettyCode(tokens), values: v.values };
  });
  const keep = Array.from({ length: frame.rows }, (_, i) => i).filter((i) => values.every((v) => !Number.isNaN(v.values[i])));
  const sub = keep.length === frame.rows ? frame : subset(frame, keep);
  const design = designMatrices(sub, formula);
  const rows = design.rows;
  const smoothers: Smoother[] = smooths.map((s, i) => {
    const x = Float64Array.from(rows, (r) => values[i].values[keep[r]]);
    if (!x.every(Number.isFinite)) throw new UserError(`gam: smooth variable '${values[i].name}' has non-finite values`);
    if (!(s.alpha >= 0)) throw new UserError(`gam: alpha for '${values[i].name}' must be >= 0 (got ${s.alpha})`);
    return bsplineSmoother(values[i].name, x, s.df, s.degree);
  });

  const n = design.X.rows;
  const k = design.X.cols;
  const widths = smoothers.map((s) => s.basis.cols);
  const p = k + widths.reduce((a, b) => a + b, 0);
  const X = dense(n, p);
  X.data.set(design.X.data, 0);
  let offset = k;
  for (const s of smoothers) {
    X.data.set(s.basis.data, offset * n);
    offset += s.basis.cols;
  }
  const columnNames = [...design.columnNames, ...smoothers.flatMap((s) => s.columnNames)];
  checkShape({ ...design, X, columnNames });

  // 2 alpha S, block diagonal over the smooths (zero on the linear part), and a square root of it
  // (statsmodels' matrix_sqrt: from the SVD, singular values below 1e-15 dropped).
  const S = new Matrix(p, p);
  offset = k;
  smoothers.forEach((s, i) => {
    const m = s.basis.cols;
    for (let a = 0; a < m; a++) for (let b = 0; b < m; b++) S.set(offset + a, offset + b, 2 * smooths[i].alpha * s.penalty[a * m + b]);
    offset += m;
  });
  const root = matrixSqrt(S);
  const aug = stack(X, root);
  const yAug = new Float64Array(n + root.rows);
  yAug.set(design.y);
  const fit = leastSquares(aug, yAug);
  const params = fit.params;
  const fitted = matVec(X, params);

  // edf_j = [(X'X + 2 alpha S)^-1 X'X]_jj, the hat matrix's trace split by column.
  const xtx = new Float64Array(p * p);
  for (let a = 0; a < p; a++) {
    for (let b = 0; b <= a; b++) {
      let v = 0;
      for (let i = 0; i < n; i++) v += X.data[a * n + i] * X.data[b * n + i];
      xtx[a * p + b] = xtx[b * p + a] = v;
    }
  }
  const edf = new Float64Array(p);
  for (let j = 0; j < p; j++) {
    let v = 0;
    for (let c = 0; c < p; c++) v += fit.normalizedCov[j * p + c] * xtx[c * p + j];
    edf[j] = v;
  }
  const edfTotal = edf.reduce((a, b) => a + b, 0);
  let ssr = 0;
  for (let i = 0; i < n; i++) ssr += (design.y[i] - fitted[i]) ** 2;
  const dfResid = n - edfTotal;
  const scale = ssr / dfResid;
  const bse = Float64Array.from({ length: p }, (_, j) => Math.sqrt(fit.normalizedCov[j * p + j] * scale));
  const tvalues = params.map((b, j) => b / bse[j]);
  const pvalues = tvalues.map(normTwoSided);
  // Identity link: statsmodels' concentrated Gaussian log-likelihood.
  const llf = (-n / 2) * (Math.log((2 * Math.PI * ssr) / n) + 1);
  return {
    kind: 'gam', design, smooths, columnNames, params, bse, tvalues, pvalues, edf, edfTotal, fitted, scale, deviance: ssr, llf,
    aic: -2 * llf + 2 * edfTotal, gcv: scale / (1 - edfTotal / n) ** 2, dfResid, nobs: n,
  };
}

function matrixSqrt(S: Matrix): Dense {
  const svd = new SVD(S, { autoTranspose: true });
  const s = svd.diagonal;
  const V = svd.rightSingularVectors;
  const keep = s.map((v, i) => [v, i]).filter(([v]) => v > 1e-15);
  const p = S.rows;
  const out = dense(keep.length, p);
  keep.forEach(([v, c], r) => {
    const root = Math.sqrt(v);
    for (let j = 0; j < p; j++) out.data[j * keep.length + r] = root * V.get(j, c);
  });
  return out;
}

/** The frame's rows at the given indices. */
function subset(frame: Frame, keep: number[]): Frame {
  const columns: Frame['columns'] = new Map();
  for (const name of frame.columns.keys()) {
    const c = column(frame, name);
    if (c.kind === 'number') columns.set(name, { ...c, values: Float64Array.from(keep, (i) => c.values[i]) });
    else if (c.kind === 'bool') columns.set(name, { kind: 'bool', values: keep.map((i) => c.values[i]) });
    else columns.set(name, { kind: 'text', values: keep.map((i) => c.values[i]) });
  }
  return { source: frame.source, rows: keep.length, columns };
}
