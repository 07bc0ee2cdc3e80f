import { createRequire } from 'node:module';

/**
 * Bounded Levenberg–Marquardt with an analytic Jacobian: ml-levenberg-marquardt 5.1.0's algorithm
 * (with ml-matrix 6.15's products and Cholesky solve) step for step, every sum in the same order,
 * on plain arrays. The numbers are the library's bit for bit (test/ts/surrogate/lm.test.ts checks
 * it against the library); what goes is its matrix objects and their garbage, which were most of
 * the time of a fresh fit (issue 13). Only the options the fits use are kept: unit weights, no
 * timeout. The rare step whose damped normal matrix is not positive definite takes the library's
 * own fallback (ml-matrix's inverse), loaded only then.
 */
export interface LmOptions {
  initialValues: number[];
  minValues: number[];
  maxValues: number[];
  maxIterations: number;
  errorTolerance: number;
  damping: number;
}

/** The model's partial derivatives at x, written into `out` (no array a point: most of the garbage of a fit). */
export type Jacobian = (p: number[]) => (x: number, out: Float64Array) => void;

export interface LmResult {
  parameterValues: number[];
  parameterError: number;
  iterations: number;
}

const DAMPING_UP = 11;
const DAMPING_DOWN = 9;
const IMPROVEMENT = 1e-3;

const require_ = createRequire(import.meta.url);

/** Σ (y − f(x))² with the library's unit weights (its division by the squared weight kept). */
function errorOf(xs: number[], ys: number[], f: (x: number) => number): number {
  let error = 0;
  for (let i = 0; i < xs.length; i++) error += (ys[i] - f(xs[i])) ** 2 / 1;
  return error;
}

/** Buffers one LM run reuses at every step (fresh arrays each step were most of its garbage). */
interface Work {
  evaluated: Float64Array;
  residual: Float64Array;
  rowj: Float64Array;
  /** G: k × m, the negated model gradient, rows as ml-matrix stores them */
  G: Float64Array[];
  H: Float64Array[];
  L: Float64Array[];
  jr: Float64Array;
  B: Float64Array;
  /** the model's partials at one point, written by the Jacobian */
  partials: Float64Array;
}

const work = (m: number, k: number): Work => ({
  evaluated: new Float64Array(m), residual: new Float64Array(m), rowj: new Float64Array(m),
  G: Array.from({ length: k }, () => new Float64Array(m)), H: Array.from({ length: k }, () => new Float64Array(k)),
  L: Array.from({ length: k }, () => new Float64Array(k)), jr: new Float64Array(k), B: new Float64Array(k), partials: new Float64Array(k),
});

/** The step (JᵀJ + λI)⁻¹ Jᵀr of the library, as perturbations to subtract (in w.B), and Jᵀr (in w.jr). */
function step(xs: number[], ys: number[], params: number[], damping: number, model: (p: number[]) => (x: number) => number, jacobian: Jacobian, w: Work): Float64Array {
  const m = xs.length;
  const k = params.length;
  const { evaluated, residual, rowj, G, H, L, jr, B } = w;
  const f = model(params);
  for (let i = 0; i < m; i++) evaluated[i] = f(xs[i]);
  const g = jacobian(params);
  const partials = w.partials;
  for (let point = 0; point < m; point++) {
    g(xs[point], partials);
    for (let q = 0; q < k; q++) G[q][point] = -partials[q];
  }
  for (let i = 0; i < m; i++) residual[i] = ys[i] - evaluated[i];
  // H = G·diag(1)·Gᵀ, upper triangle computed and mirrored (ml-matrix mmulByTranspose)
  for (let j = 0; j < k; j++) {
    const Gj = G[j];
    for (let c = 0; c < m; c++) rowj[c] = 1 * Gj[c];
    for (let i = j; i < k; i++) {
      const Gi = G[i];
      let s = 0;
      for (let c = 0; c < m; c++) s += Gi[c] * rowj[c];
      H[i][j] = s;
      H[j][i] = s;
    }
  }
  for (let i = 0; i < k; i++) H[i][i] = H[i][i] + damping;
  // Jᵀr with the residual divided by its unit weight (ml-matrix scale('row'), then mmul)
  for (let i = 0; i < m; i++) residual[i] = residual[i] / 1;
  for (let i = 0; i < k; i++) {
    const Gi = G[i];
    let s = 0;
    for (let c = 0; c < m; c++) s += Gi[c] * residual[c];
    jr[i] = s;
  }
  // ml-matrix's CholeskyDecomposition refuses a matrix that is not symmetric (a NaN on the diagonal is not)
  for (let i = 0; i < k; i++) for (let j = 0; j <= i; j++) if (H[i][j] !== H[j][i]) throw new Error('Matrix is not symmetric');
  let positiveDefinite = true;
  for (let j = 0; j < k; j++) {
    const Lj = L[j];
    let d = 0;
    for (let q = 0; q < j; q++) {
      const Lq = L[q];
      let s = 0;
      for (let i = 0; i < q; i++) s += Lq[i] * Lj[i];
      s = (H[j][q] - s) / Lq[q];
      Lj[q] = s;
      d = d + s * s;
    }
    d = H[j][j] - d;
    positiveDefinite &&= d > 0;
    Lj[j] = Math.sqrt(Math.max(d, 0));
  }
  if (!positiveDefinite) {
    const { Matrix, inverse } = require_('ml-matrix') as typeof import('ml-matrix');
    const p = inverse(new Matrix(H.map((r) => [...r]))).mmul(Matrix.columnVector([...jr]));
    for (let i = 0; i < k; i++) B[i] = p.get(i, 0);
    return B;
  }
  for (let q = 0; q < k; q++) {
    const Lq = L[q];
    let b = jr[q];
    for (let i = 0; i < q; i++) b = b - B[i] * Lq[i];
    B[q] = b / Lq[q];
  }
  for (let q = k - 1; q >= 0; q--) {
    let b = B[q];
    for (let i = q + 1; i < k; i++) b = b - B[i] * L[i][q];
    B[q] = b / L[q][q];
  }
  return B;
}

export function levenbergMarquardt(data: { x: number[]; y: number[] }, model: (p: number[]) => (x: number) => number, o: LmOptions & { jacobianFunction: Jacobian }): LmResult {
  const { x: xs, y: ys } = data;
  if (o.damping <= 0) throw new Error('The damping option must be a positive number');
  if (xs.length < 2 || ys.length < 2) throw new Error('The data parameter elements must be an array with more than 2 points');
  if (xs.length !== ys.length) throw new Error('The data parameter elements must have the same size');
  if (!(o.initialValues && o.initialValues.length > 0)) throw new Error('The initialValues option is mandatory and must be an array');
  const parameters = Array.from(o.initialValues);
  const { minValues, maxValues, errorTolerance } = o;
  let damping = o.damping;
  let error = errorOf(xs, ys, model(parameters));
  let optimalError = error;
  let optimalParameters = parameters.slice();
  let converged = error <= errorTolerance;
  let iteration = 0;
  const w = work(xs.length, parameters.length);
  const { jr } = w;
  const previous = new Float64Array(parameters.length);
  for (; iteration < o.maxIterations && !converged; iteration++) {
    const previousError = error;
    const previousDamping = damping;
    previous.set(parameters);
    const perturbations = step(xs, ys, parameters, damping, model, o.jacobianFunction, w);
    let moved = false;
    for (let q = 0; q < parameters.length; q++) {
      parameters[q] = Math.min(Math.max(minValues[q], parameters[q] - perturbations[q]), maxValues[q]);
      moved ||= !Object.is(parameters[q], previous[q]);
    }
    error = errorOf(xs, ys, model(parameters));
    if (Number.isNaN(error)) break;
    let improved = false;
    if (error < optimalError - errorTolerance) {
      optimalError = error;
      optimalParameters = parameters.slice();
      improved = true;
    }
    // pᵀ(λp + Jᵀr), summed from 0 as ml-matrix's mmul does
    let predicted = 0;
    for (let q = 0; q < perturbations.length; q++) predicted += perturbations[q] * (perturbations[q] * damping + jr[q]);
    const improvement = (previousError - error) / predicted;
    if (improvement > IMPROVEMENT) damping = Math.max(damping / DAMPING_DOWN, 1e-7);
    else damping = Math.min(damping * DAMPING_UP, 1e7);
    converged = error <= errorTolerance;
    // A step that left every part of the state as it was (the parameters, the damping at its cap,
    // the error, the best so far) is repeated by every later step: the library would run them to
    // maxIterations and return what it holds now, so stop here with the same answer.
    if (!moved && !improved && !converged && damping === previousDamping && Object.is(error, previousError)) {
      iteration = o.maxIterations;
      break;
    }
  }
  return { parameterValues: optimalParameters, parameterError: optimalError, iterations: iteration };
}
