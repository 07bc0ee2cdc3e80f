import { UserError } from '../errors';
import { type Design, designMatrices } from './design';
import { normPpf, normTwoSided } from './distributions';
import type { Frame } from './frame';
import { EPS, leastSquares, matrixRank, matVec, scaleRows } from './linalg';
import { checkShape, type Coefficients } from './ols';

/**
 * Gaussian GLM fitted by IRLS exactly as statsmodels' GLM.fit() does it (genmod/
 * generalized_linear_model.py, _fit_irls): start at mu = (y + mean y) / 2, weighted least
 * squares on the working response, stop when the deviance (scaled by the previous iteration's
 * Pearson scale, as statsmodels records it) changes by at most 1e-8; covariance from the last
 * weighted fit times the Pearson chi2 / df_resid scale; z-based inference.
 */
export type Link = 'log' | 'identity';

export interface GlmFit extends Coefficients {
  kind: 'glm';
  link: Link;
  mu: Float64Array;
  nobs: number;
  dfModel: number;
  dfResid: number;
  scale: number;
  deviance: number;
  pearsonChi2: number;
  llf: number;
  aic: number;
  bic: number;
  /** Cox-Snell pseudo R-squared against the constant-only model, as statsmodels' pseudo_rsquared('cs'). */
  pseudoRsquaredCs: number;
  iterations: number;
  converged: boolean;
  warnings: string[];
}

interface LinkFunctions {
  link(mu: number): number;
  inverse(eta: number): number;
  deriv(mu: number): number;
}
// statsmodels' Log link clips the mean to machine epsilon in the link and its derivative (not
// in the mean itself), so a start at mu <= 0 has a tiny weight instead of no logarithm.
const LINKS: Record<Link, LinkFunctions> = {
  log: { link: (mu) => Math.log(Math.max(mu, EPS)), inverse: Math.exp, deriv: (mu) => 1 / Math.max(mu, EPS) },
  identity: { link: (mu) => mu, inverse: (eta) => eta, deriv: () => 1 },
};

export function glm(frame: Frame, formula: string, link: Link = 'log', alpha = 0.05): GlmFit {
  return glmDesign(designMatrices(frame, formula), link, alpha);
}

export function glmDesign(design: Design, link: Link = 'log', alpha = 0.05, maxiter = 100, tol = 1e-8): GlmFit {
  checkShape(design);
  const { X, y } = design;
  const n = X.rows;
  const p = X.cols;
  const L = LINKS[link];
  const dfModel = matrixRank(X) - 1;
  const dfResid = n - dfModel - 1;
  if (dfResid <= 0) throw new UserError(`${design.source}: no residual degrees of freedom (${n} rows, rank ${dfModel + 1})`);
  const sumSq = (mu: Float64Array) => {
    let s = 0;
    for (let i = 0; i < n; i++) s += (y[i] - mu[i]) ** 2;
    return s;
  };

  const mean = y.reduce((a, b) => a + b, 0) / n;
  let mu: Float64Array = y.map((v) => (v + mean) / 2);
  let eta: Float64Array = mu.map(L.link);
  let scale = sumSq(mu) / dfResid;
  const deviances = [Infinity, sumSq(mu) / scale];
  let converged = false;
  let iterations = 0;
  let weights: Float64Array = new Float64Array(n);
  let z: Float64Array = new Float64Array(n);
  for (let it = 0; it < maxiter; it++) {
    iterations = it + 1;
    // Gaussian variance is 1: weights 1 / g'(mu)^2, working response eta + g'(mu) (y - mu).
    weights = mu.map((m) => 1 / L.deriv(m) ** 2);
    z = eta.map((e, i) => e + L.deriv(mu[i]) * (y[i] - mu[i]));
    if (!z.every(Number.isFinite) || !weights.every(Number.isFinite)) {
      throw new UserError(`${design.source}: IRLS diverged (non-finite working response at iteration ${iterations}); the log link may not suit '${design.yName}'`);
    }
    const sw = weights.map(Math.sqrt);
    // numpy's lstsq cutoff inside the loop, as statsmodels' default wls_method.
    const step = leastSquares(scaleRows(X, sw), z.map((v, i) => v * sw[i]), EPS * Math.max(n, p));
    eta = matVec(X, step.params);
    mu = eta.map(L.inverse);
    deviances.push(sumSq(mu) / scale);
    scale = sumSq(mu) / dfResid;
    if (Math.abs(deviances[it + 1] - deviances[it + 2]) <= tol) {
      converged = true;
      break;
    }
  }
  // The reported fit: the last weighted problem solved with the pseudo-inverse.
  const sw = weights.map(Math.sqrt);
  const fit = leastSquares(scaleRows(X, sw), z.map((v, i) => v * sw[i]));
  const params = fit.params;
  const bse = new Float64Array(p);
  const tvalues = new Float64Array(p);
  const pvalues = new Float64Array(p);
  const lower = new Float64Array(p);
  const upper = new Float64Array(p);
  const q = normPpf(1 - alpha / 2);
  for (let j = 0; j < p; j++) {
    bse[j] = Math.sqrt(fit.normalizedCov[j * p + j] * scale);
    tvalues[j] = params[j] / bse[j];
    pvalues[j] = normTwoSided(tvalues[j]);
    lower[j] = params[j] - q * bse[j];
    upper[j] = params[j] + q * bse[j];
  }
  const deviance = sumSq(mu);
  // statsmodels' llf: the concentrated likelihood for the identity link, else at the Pearson scale.
  const llScale = link === 'identity' ? deviance / n : scale;
  const llf = -deviance / (2 * llScale) - (n / 2) * Math.log(2 * Math.PI * llScale);
  // The null model's mean is the response's mean; its likelihood is taken at the fitted scale.
  let nullSs = 0;
  for (let i = 0; i < n; i++) nullSs += (y[i] - mean) ** 2;
  const llnull = -nullSs / (2 * scale) - (n / 2) * Math.log(2 * Math.PI * scale);
  const warnings: string[] = [];
  if (!converged) warnings.push(`IRLS did not converge in ${maxiter} iterations.`);
  if (fit.rank < p) warnings.push(`The design matrix is rank-deficient (rank ${fit.rank} for ${p} columns): minimum-norm solution.`);
  return {
    kind: 'glm', design, link, params, bse, tvalues, pvalues, confInt: [lower, upper], alpha, mu,
    normalizedCov: fit.normalizedCov, nobs: n, dfModel, dfResid, scale, deviance, pearsonChi2: deviance,
    llf, aic: -2 * llf + 2 * (dfModel + 1), bic: -2 * llf + (dfModel + 1) * Math.log(n),
    pseudoRsquaredCs: 1 - Math.exp(((llnull - llf) * 2) / n),
    iterations, converged, warnings,
  };
}
