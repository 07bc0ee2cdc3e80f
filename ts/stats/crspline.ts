import { percentile } from './bspline';
import { dense, orthogonalComplement } from './linalg';

/**
 * patsy's cr(x, df=None, knots=None, lower_bound=None, upper_bound=None, constraints=None)
 * (patsy/mgcv_cubic_splines.py, after Wood 2006, pp. 145-146): the natural cubic regression
 * spline basis parametrized by its values at the knots; df - 2 inner knots (one more with the
 * centering constraint) at the quantiles of the distinct x within the bounds. With
 * constraints='center' the constraint that the fitted spline has mean 0 over the data is
 * absorbed into the basis, as patsy does, through the full QR of the column means.
 */
export interface CrOptions {
  df?: number;
  knots?: number[];
  lowerBound?: number;
  upperBound?: number;
  center: boolean;
}

export function patsyCr(x: Float64Array, o: CrOptions, fail: (message: string) => Error): Float64Array[] {
  if (o.df === undefined && o.knots === undefined) throw fail("cr() needs df= or knots=");
  if (x.some((v) => Number.isNaN(v))) throw fail('cr() needs a value in every row (its knots come from all rows, as in patsy)');
  const constraints = o.center ? 1 : 0;
  let nInner: number | undefined;
  if (o.df !== undefined) {
    const min = constraints ? 1 : 2;
    if (!Number.isInteger(o.df) || o.df < min) throw fail(`'df'=${o.df} must be an integer greater than or equal to ${min}`);
    nInner = o.df - 2 + constraints;
  }
  let lo = Infinity;
  let hi = -Infinity;
  for (const v of x) (lo = Math.min(lo, v)), (hi = Math.max(hi, v));
  lo = o.lowerBound ?? lo;
  hi = o.upperBound ?? hi;
  if (hi < lo) throw fail(`lower_bound > upper_bound (${lo} > ${hi})`);
  let inner: number[];
  if (o.knots) {
    inner = [...new Set(o.knots)].sort((a, b) => a - b);
    if (nInner !== undefined && inner.length !== nInner) throw fail(`df implies ${nInner} inner knots, but ${inner.length} distinct knots were given`);
    if (inner.some((k) => k < lo || k > hi)) throw fail('some knot values fall outside the bounds');
  } else {
    const within = Float64Array.from(new Set(Array.from(x).filter((v) => v >= lo && v <= hi))).sort();
    if (!within.length && nInner! > 0) throw fail(`no data values between the bounds: cannot compute ${nInner} inner knots`);
    inner = Array.from({ length: nInner! }, (_, i) => percentile(within, (i + 1) / (nInner! + 1)));
  }
  const knots = [...new Set([lo, hi, ...inner])].sort((a, b) => a - b);
  if (knots.length !== inner.length + 2) throw fail(`cannot place ${inner.length} inner knots + 2 distinct knots in the data`);

  const basis = freeBasis(x, knots);
  if (!o.center) return basis;
  // Absorb mean(basis) . beta = 0: columns times Q[:, 1:] of the full QR of the column means.
  const n = knots.length;
  const means = dense(n, 1);
  basis.forEach((col, j) => (means.data[j] = col.reduce((a, b) => a + b, 0) / x.length));
  const Z = orthogonalComplement(means); // (n - 1) x n, rows = Q[:, 1:]'
  return Array.from({ length: n - 1 }, (_, c) => {
    const out = new Float64Array(x.length);
    for (let j = 0; j < n; j++) {
      const z = Z.data[j * (n - 1) + c];
      if (z !== 0) for (let i = 0; i < x.length; i++) out[i] += basis[j][i] * z;
    }
    return out;
  });
}

/** The unconstrained natural cubic regression spline basis: one column per knot. */
function freeBasis(x: Float64Array, knots: number[]): Float64Array[] {
  const n = knots.length;
  const F = naturalF(knots);
  const cols = Array.from({ length: n }, () => new Float64Array(x.length));
  const kmin = knots[0];
  const kmax = knots[n - 1];
  for (let i = 0; i < x.length; i++) {
    const v = x[i];
    // numpy.searchsorted(knots, v) - 1, kept within [0, n - 2].
    let j = 0;
    while (j < n && knots[j] < v) j++;
    j = Math.min(Math.max(j - 1, 0), n - 2);
    const h = knots[j + 1] - knots[j];
    const right = knots[j + 1] - v;
    const left = v - knots[j];
    const cm = (v > kmax ? 0 : (right * right * right) / (6 * h)) - (h * right) / 6;
    const cp = (v < kmin ? 0 : (left * left * left) / (6 * h)) - (h * left) / 6;
    for (let k = 0; k < n; k++) cols[k][i] = cm * F[j][k] + cp * F[j + 1][k];
    cols[j][i] += right / h;
    cols[j + 1][i] += left / h;
  }
  return cols;
}

/** The n x n map from the spline's values at the knots to its second derivatives there (zero at the ends). */
function naturalF(knots: number[]): number[][] {
  const n = knots.length;
  const h = knots.slice(1).map((k, i) => k - knots[i]);
  const m = n - 2;
  const zero = () => new Array<number>(n).fill(0);
  if (m <= 0) return Array.from({ length: n }, zero);
  // Tridiagonal B (diagonal (h_i + h_{i+1}) / 3, off-diagonals h_{i+1} / 6) times fm = D.
  const diag = Array.from({ length: m }, (_, i) => (h[i] + h[i + 1]) / 3);
  const off = Array.from({ length: m - 1 }, (_, i) => h[i + 1] / 6);
  const D = Array.from({ length: m }, (_, i) => {
    const row = zero();
    row[i] = 1 / h[i];
    row[i + 2] = 1 / h[i + 1];
    row[i + 1] = -row[i] - row[i + 2];
    return row;
  });
  // Thomas algorithm on every right-hand side at once.
  const c = new Array<number>(m).fill(0);
  const d = D.map((r) => [...r]);
  let b = diag[0];
  d[0] = d[0].map((v) => v / b);
  for (let i = 1; i < m; i++) {
    c[i - 1] = off[i - 1] / b;
    b = diag[i] - off[i - 1] * c[i - 1];
    d[i] = d[i].map((v, k) => (v - off[i - 1] * d[i - 1][k]) / b);
  }
  for (let i = m - 2; i >= 0; i--) d[i] = d[i].map((v, k) => v - c[i] * d[i + 1][k]);
  return [zero(), ...d, zero()];
}
