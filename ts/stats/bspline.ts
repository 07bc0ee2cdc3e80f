import { UserError } from '../errors';
import { dense, type Dense } from './linalg';

/**
 * B-spline smoothers as statsmodels' BSplines (gam/smooth_basis.py) builds them: knots at the
 * data's quantiles with the boundary knots repeated degree + 1 times, df basis functions of which
 * the first is dropped (the model's intercept stands for it), and a penalty matrix that integrates
 * products of second derivatives by Simpson's rule over each knot interval cut in four.
 */
export interface Smoother {
  name: string;
  df: number;
  degree: number;
  knots: Float64Array;
  /** n x (df - 1) basis at the data. */
  basis: Dense;
  /** (df - 1) x (df - 1), row-major: integral of B_i'' B_j''. */
  penalty: Float64Array;
  columnNames: string[];
}

export function bsplineSmoother(name: string, x: Float64Array, df: number, degree: number): Smoother {
  if (!Number.isInteger(degree) || degree < 0) throw new UserError(`smooth '${name}': degree must be an integer >= 0 (got ${degree})`);
  if (!Number.isInteger(df) || df < degree + 1) throw new UserError(`smooth '${name}': df=${df} is too small for degree=${degree}; must be >= ${degree + 1}`);
  if (df < 2) throw new UserError(`smooth '${name}': df must be at least 2 (the first basis function is dropped)`);
  const knots = quantileKnots(x, df, degree);
  const basis = evaluate(knots, degree, x, 0);
  const m = basis.cols;
  const points = integrationPoints(knots);
  const d2 = evaluate(knots, degree, points, 2);
  const penalty = new Float64Array(m * m);
  for (let a = 0; a < m; a++) {
    for (let b = 0; b <= a; b++) {
      const f = points.map((_, i) => d2.data[a * points.length + i] * d2.data[b * points.length + i]);
      penalty[a * m + b] = penalty[b * m + a] = simpson(f, points);
    }
  }
  return { name, df, degree, knots, basis, penalty, columnNames: Array.from({ length: m }, (_, i) => `${name}_s${i}`) };
}

/** numpy.percentile, linear interpolation (its _lerp included). */
export function percentile(sorted: Float64Array, prob: number): number {
  const q = (100 * prob) / 100;
  const v = q * (sorted.length - 1);
  const lo = Math.floor(v);
  const t = v - lo;
  const a = sorted[lo];
  const b = sorted[Math.min(lo + 1, sorted.length - 1)];
  const diff = b - a;
  return t >= 0.5 ? b - diff * (1 - t) : a + diff * t;
}

function quantileKnots(x: Float64Array, df: number, degree: number): Float64Array {
  const order = degree + 1;
  const inner = df - order;
  const sorted = Float64Array.from(x).sort();
  const step = 1 / (inner + 1); // numpy.linspace(0, 1, inner + 2)[1:-1]
  const knots = [...Array(order).fill(sorted[0]), ...Array(order).fill(sorted[sorted.length - 1])];
  for (let i = 1; i <= inner; i++) knots.push(percentile(sorted, i * step));
  return Float64Array.from(knots).sort();
}

/** Each knot interval of the distinct knots cut in four, and the last knot. */
function integrationPoints(knots: Float64Array): Float64Array {
  const u = [...new Set(knots)].sort((a, b) => a - b);
  const out: number[] = [];
  for (let i = 0; i + 1 < u.length; i++) for (let k = 0; k < 4; k++) out.push(u[i] + (u[i + 1] - u[i]) * (k / 4));
  out.push(u.at(-1)!);
  return Float64Array.from(out);
}

/** scipy.integrate.simpson on an odd number of possibly uneven points. */
function simpson(y: Float64Array, x: Float64Array): number {
  let sum = 0;
  for (let i = 0; i + 2 < x.length; i += 2) {
    const h0 = x[i + 1] - x[i];
    const h1 = x[i + 2] - x[i + 1];
    const hsum = h0 + h1;
    const hprod = h0 * h1;
    const r = h1 !== 0 ? h0 / h1 : 0;
    const safe = (a: number, b: number) => (b === 0 ? 0 : a / b);
    sum += (hsum / 6) * (y[i] * (2 - safe(1, r)) + y[i + 1] * (hsum * safe(hsum, hprod)) + y[i + 2] * (2 - r));
  }
  return sum;
}

/**
 * The basis functions 1..K-1 (the first dropped) or their `deriv`-th derivative at x, by de Boor's
 * recursion (The NURBS Book, A2.3). The knot interval of x is found as FITPACK's splev finds it:
 * the last one starting at or before x, the final interval closed on the right.
 */
function evaluate(knots: Float64Array, p: number, x: Float64Array, deriv: number, dropFirst = true): Dense {
  const count = knots.length - p - 1;
  const drop = dropFirst ? 1 : 0;
  const out = dense(x.length, count - drop);
  for (let i = 0; i < x.length; i++) {
    const u = x[i];
    let span = p;
    while (span < count - 1 && u >= knots[span + 1]) span++;
    const ders = basisDerivatives(span, u, p, deriv, knots);
    for (let j = 0; j <= p; j++) {
      const index = span - p + j - drop; // column of basis function span - p + j
      if (index >= 0) out.data[index * x.length + i] = ders[deriv][j];
    }
  }
  return out;
}

function basisDerivatives(span: number, u: number, p: number, n: number, U: Float64Array): number[][] {
  const div = (a: number, b: number) => (b === 0 ? 0 : a / b);
  const ndu = Array.from({ length: p + 1 }, () => new Array<number>(p + 1).fill(0));
  const left = new Array<number>(p + 1).fill(0);
  const right = new Array<number>(p + 1).fill(0);
  ndu[0][0] = 1;
  for (let j = 1; j <= p; j++) {
    left[j] = u - U[span + 1 - j];
    right[j] = U[span + j] - u;
    let saved = 0;
    for (let r = 0; r < j; r++) {
      ndu[j][r] = right[r + 1] + left[j - r];
      const temp = div(ndu[r][j - 1], ndu[j][r]);
      ndu[r][j] = saved + right[r + 1] * temp;
      saved = left[j - r] * temp;
    }
    ndu[j][j] = saved;
  }
  const ders = Array.from({ length: n + 1 }, () => new Array<number>(p + 1).fill(0));
  for (let j = 0; j <= p; j++) ders[0][j] = ndu[j][p];
  const a = [new Array<number>(p + 1).fill(0), new Array<number>(p + 1).fill(0)];
  for (let r = 0; r <= p; r++) {
    let s1 = 0;
    let s2 = 1;
    a[0][0] = 1;
    for (let k = 1; k <= n; k++) {
      let d = 0;
      const rk = r - k;
      const pk = p - k;
      if (r >= k) {
        a[s2][0] = div(a[s1][0], ndu[pk + 1][rk]);
        d = a[s2][0] * ndu[rk][pk];
      }
      const j1 = rk >= -1 ? 1 : -rk;
      const j2 = r - 1 <= pk ? k - 1 : p - r;
      for (let j = j1; j <= j2; j++) {
        a[s2][j] = div(a[s1][j] - a[s1][j - 1], ndu[pk + 1][rk + j]);
        d += a[s2][j] * ndu[rk + j][pk];
      }
      if (r <= pk) {
        a[s2][k] = div(-a[s1][k - 1], ndu[pk + 1][r]);
        d += a[s2][k] * ndu[r][pk];
      }
      ders[k][r] = d;
      [s1, s2] = [s2, s1];
    }
  }
  let f = p;
  for (let k = 1; k <= n; k++) {
    for (let j = 0; j <= p; j++) ders[k][j] *= f;
    f *= p - k;
  }
  return ders;
}

export interface BsOptions {
  df?: number;
  knots?: number[];
  degree: number;
  includeIntercept: boolean;
  lowerBound?: number;
  upperBound?: number;
}

/**
 * patsy's bs(x, df=None, knots=None, degree=3, include_intercept=False, lower_bound=None,
 * upper_bound=None) (patsy/splines.py): df - degree - 1 inner knots (one more without the
 * intercept) at the quantiles of x, the bounds repeated degree + 1 times, the B-spline basis as
 * scipy's splev evaluates it, the first function dropped unless include_intercept. Errors are
 * patsy's, as sentences; `fail` turns them into the caller's error.
 */
export function patsyBs(x: Float64Array, o: BsOptions, fail: (message: string) => Error): Float64Array[] {
  if (!Number.isInteger(o.degree) || o.degree < 0) throw fail(`degree must be an integer >= 0 (got ${o.degree})`);
  if (o.df === undefined && o.knots === undefined) throw fail('bs() needs df= or knots=');
  if (x.some((v) => Number.isNaN(v))) throw fail('bs() needs a value in every row (its knots come from all rows, as in patsy)');
  const order = o.degree + 1;
  let inner = o.knots ? [...o.knots] : [];
  if (o.df !== undefined) {
    const n = o.df - order + (o.includeIntercept ? 0 : 1);
    if (!Number.isInteger(o.df) || n < 0) throw fail(`df=${o.df} is too small for degree=${o.degree} and include_intercept=${o.includeIntercept ? 'True' : 'False'}; must be >= ${o.df - n}`);
    if (o.knots && o.knots.length !== n) throw fail(`df=${o.df} with degree=${o.degree} implies ${n} knots, but ${o.knots.length} knots were provided`);
    if (!o.knots) {
      const sorted = Float64Array.from(x).sort();
      inner = Array.from({ length: n }, (_, i) => percentile(sorted, (i + 1) / (n + 1)));
    }
  }
  let lo = Infinity;
  let hi = -Infinity;
  for (const v of x) (lo = Math.min(lo, v)), (hi = Math.max(hi, v));
  lo = o.lowerBound ?? lo;
  hi = o.upperBound ?? hi;
  if (lo > hi) throw fail(`lower_bound > upper_bound (${lo} > ${hi})`);
  if (inner.some((k) => k < lo || k > hi)) throw fail('some knot values fall outside of the bounds');
  const knots = Float64Array.from([...Array(order).fill(lo), ...inner, ...Array(order).fill(hi)]).sort();
  if (x.some((v) => v < lo || v > hi)) throw fail('some data points fall outside the outermost knots');
  const basis = evaluate(knots, o.degree, x, 0, !o.includeIntercept);
  return Array.from({ length: basis.cols }, (_, j) => basis.data.slice(j * x.length, (j + 1) * x.length));
}
