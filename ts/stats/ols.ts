import { UserError } from '../errors';
import { type Design, designMatrices } from './design';
import { type ResidualDiagnostics, residualDiagnostics } from './diagnostics';
import { fSf, tPpf, tTwoSided } from './distributions';
import type { Frame } from './frame';
import { dense, type Dense, leastSquares, matrixRank, matVec } from './linalg';

/**
 * Ordinary least squares with statsmodels' conventions (statsmodels.regression.linear_model.OLS,
 * method 'pinv'): minimum-norm solution on rank-deficient designs, rank and df from the singular
 * values, an intercept detected as statsmodels detects it (a constant column, or one implied by
 * the columns, such as a full set of dummies), t-based inference.
 */
/** The per-coefficient results every linear-model fit has, in the design's column order. */
export interface Coefficients {
  design: Design;
  params: Float64Array;
  bse: Float64Array;
  /** t (OLS) or z (GLM) statistics. */
  tvalues: Float64Array;
  pvalues: Float64Array;
  /** [lower, upper] at level 1 - alpha. */
  confInt: [Float64Array, Float64Array];
  alpha: number;
  normalizedCov: Float64Array;
}

export interface OlsFit extends Coefficients {
  kind: 'ols';
  effects: Float64Array;
  fitted: Float64Array;
  nobs: number;
  rank: number;
  kConstant: number;
  dfModel: number;
  dfResid: number;
  ssr: number;
  scale: number;
  rsquared: number;
  rsquaredAdj: number;
  fvalue: number;
  fPvalue: number;
  llf: number;
  aic: number;
  bic: number;
  conditionNumber: number;
  diagnostics: ResidualDiagnostics;
  warnings: string[];
}

export function ols(frame: Frame, formula: string, alpha = 0.05): OlsFit {
  return olsDesign(designMatrices(frame, formula), alpha);
}

/** Rows and columns a model can be fitted on: at least as many rows as parameters. */
export function checkShape(design: Design): void {
  const { rows: n, cols: p } = design.X;
  if (p === 0) throw new UserError(`formula: '${design.formula}' has no terms on the right of ~`);
  if (n < p) {
    throw new UserError(`${design.source}: ${n} usable rows for ${p} parameters (${design.columnNames.join(', ')}); a model needs at least as many rows as parameters`);
  }
}

export function olsDesign(design: Design, alpha = 0.05): OlsFit {
  checkShape(design);
  const { X, y } = design;
  const n = X.rows;
  const p = X.cols;
  const ls = leastSquares(X, y);
  const { params, rank, normalizedCov } = ls;
  const dfResid = n - rank;
  if (dfResid <= 0) {
    throw new UserError(`${design.source}: the design has rank ${rank} with ${n} rows: no residual degrees of freedom are left to estimate the error (need more rows than parameters)`);
  }
  const fitted = matVec(X, params);
  let ssr = 0;
  for (let i = 0; i < n; i++) ssr += (y[i] - fitted[i]) ** 2;
  const scale = ssr / dfResid;
  const kConstant = constantCount(X);
  const dfModel = rank - kConstant;
  const mean = y.reduce((a, b) => a + b, 0) / n;
  let centered = 0;
  let uncentered = 0;
  for (let i = 0; i < n; i++) {
    centered += (y[i] - mean) ** 2;
    uncentered += y[i] * y[i];
  }
  const tss = kConstant ? centered : uncentered;
  const rsquared = 1 - ssr / tss;
  const ess = tss - ssr;
  const fvalue = ess / dfModel / scale;
  const llf = (-n / 2) * (Math.log(2 * Math.PI) + Math.log(ssr / n) + 1);
  const k = dfModel + kConstant;

  const bse = new Float64Array(p);
  const tvalues = new Float64Array(p);
  const pvalues = new Float64Array(p);
  const lower = new Float64Array(p);
  const upper = new Float64Array(p);
  const q = tPpf(1 - alpha / 2, dfResid);
  for (let j = 0; j < p; j++) {
    bse[j] = Math.sqrt(normalizedCov[j * p + j] * scale);
    tvalues[j] = params[j] / bse[j];
    pvalues[j] = tTwoSided(tvalues[j], dfResid);
    lower[j] = params[j] - q * bse[j];
    upper[j] = params[j] + q * bse[j];
  }
  const smin = ls.singular.at(-1)!;
  const conditionNumber = ls.singular[0] / smin;
  const warnings: string[] = [];
  if (rank < p) {
    warnings.push(`The design matrix is rank-deficient (rank ${rank} for ${p} columns): the parameters are not uniquely determined; this is the minimum-norm solution (pseudo-inverse), as statsmodels gives.`);
  } else if (conditionNumber > 1000) {
    warnings.push(`The condition number is large, ${conditionNumber.toExponential(3)}. This might indicate strong multicollinearity or other numerical problems.`);
  }
  return {
    kind: 'ols', design, params, bse, tvalues, pvalues, confInt: [lower, upper], alpha, normalizedCov, effects: ls.effects, fitted,
    nobs: n, rank, kConstant, dfModel, dfResid, ssr, scale, rsquared,
    rsquaredAdj: 1 - ((n - kConstant) / dfResid) * (1 - rsquared),
    fvalue, fPvalue: dfModel > 0 ? fSf(fvalue, dfModel, dfResid) : NaN,
    llf, aic: -2 * llf + 2 * k, bic: -2 * llf + Math.log(n) * k, conditionNumber,
    diagnostics: residualDiagnostics(y.map((v, i) => v - fitted[i])), warnings,
  };
}

/**
 * statsmodels' k_constant (base/data.py, _handle_constant): 1 when a column is constant and
 * non-zero, or when the columns span a constant (a ones column adds no rank); else 0.
 */
export function constantCount(X: Dense): number {
  const { rows: n, cols: p } = X;
  let constants = 0;
  let nonzero = false;
  for (let j = 0; j < p; j++) {
    const col = X.data.subarray(j * n, (j + 1) * n);
    let min = Infinity;
    let max = -Infinity;
    for (const v of col) {
      if (v < min) min = v;
      if (v > max) max = v;
    }
    if (min === max) {
      constants++;
      if (min !== 0) nonzero = true;
    }
  }
  if (constants > 0 && nonzero) return 1;
  // No constant column (or only zero ones): is a constant implied by the columns?
  const augmented = dense(n, p + 1);
  augmented.data.fill(1, 0, n);
  augmented.data.set(X.data, n);
  return n > p && matrixRank(augmented) === matrixRank(X) ? 1 : 0;
}
