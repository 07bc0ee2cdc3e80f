// jstat (no type declarations of its own): R's ptukey/qtukey port for the studentized range, and
// starting points for quantiles. Its incomplete beta stops at a relative change of 3e-7 and its
// erfc underflows past z = 8, too coarse for p-values that must equal scipy's to 1e-6 (and that
// reach 1e-150 here); so the t, F and normal tails below use tight continued fractions instead.
import jstatModule from 'jstat';

const { jStat } = jstatModule as unknown as { jStat: JStat };
interface JStat {
  tukey: { cdf(q: number, k: number, df: number): number; inv(p: number, k: number, df: number): number };
  studentt: { inv(p: number, df: number): number };
  normal: { inv(p: number, mean: number, sd: number): number };
}

const EPS = 1e-16;
const TINY = 1e-300;

// Lanczos approximation (g = 7, 9 terms): log Γ(x) to about 1e-15.
const LANCZOS = [
  0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313, -176.61502916214059,
  12.507343278686905, -0.13857109526572012, 9.9843695780195716e-6, 1.5056327351493116e-7,
];
export function logGamma(x: number): number {
  if (x < 0.5) return Math.log(Math.PI / Math.abs(Math.sin(Math.PI * x))) - logGamma(1 - x);
  x -= 1;
  let a = LANCZOS[0];
  const t = x + 7.5;
  for (let i = 1; i < 9; i++) a += LANCZOS[i] / (x + i);
  return 0.5 * Math.log(2 * Math.PI) + (x + 0.5) * Math.log(t) - t + Math.log(a);
}

/** Stirling's series remainder of log Γ(z) for z >= 10 (absolute error below 1e-17). */
function stirlingTail(z: number): number {
  const z2 = z * z;
  return (1 / 12 - (1 / 360 - (1 / 1260 - (1 / 1680 - 1 / (1188 * z2)) / z2) / z2) / z2) / z;
}

/**
 * log B(a, b) = log Γ(a) + log Γ(b) - log Γ(a + b) without the cancellation of three large
 * log-gammas when a or b is large (df/2 = 50000 would lose 5e-11 of relative precision):
 * the difference log Γ(a + b) - log Γ(a) is taken from Stirling's series directly.
 */
export function logBeta(a: number, b: number): number {
  if (a < b) [a, b] = [b, a];
  if (a < 10) return logGamma(a) + logGamma(b) - logGamma(a + b);
  // log Γ(a + b) - log Γ(a) = (a - 1/2) log1p(b / a) + b log(a + b) - b + tail(a + b) - tail(a)
  const ratio = (a - 0.5) * Math.log1p(b / a) + b * Math.log(a + b) - b + stirlingTail(a + b) - stirlingTail(a);
  return logGamma(b) - ratio;
}

/** Continued fraction of the incomplete beta (modified Lentz). */
function betaFraction(x: number, a: number, b: number): number {
  const qab = a + b;
  const qap = a + 1;
  const qam = a - 1;
  let c = 1;
  let d = 1 - (qab * x) / qap;
  if (Math.abs(d) < TINY) d = TINY;
  d = 1 / d;
  let h = d;
  for (let m = 1; m <= 10000; m++) {
    const m2 = 2 * m;
    let aa = (m * (b - m) * x) / ((qam + m2) * (a + m2));
    d = 1 + aa * d;
    if (Math.abs(d) < TINY) d = TINY;
    c = 1 + aa / c;
    if (Math.abs(c) < TINY) c = TINY;
    d = 1 / d;
    h *= d * c;
    aa = (-(a + m) * (qab + m) * x) / ((a + m2) * (qap + m2));
    d = 1 + aa * d;
    if (Math.abs(d) < TINY) d = TINY;
    c = 1 + aa / c;
    if (Math.abs(c) < TINY) c = TINY;
    d = 1 / d;
    const del = d * c;
    h *= del;
    if (Math.abs(del - 1) < EPS) break;
  }
  return h;
}

/**
 * Regularized incomplete beta I_x(a, b), or its complement 1 - I_x(a, b) when `upper`, each with
 * full relative precision (no 1 - p cancellation). y = 1 - x is passed in to keep its digits.
 */
export function betaInc(x: number, a: number, b: number, upper = false, y = 1 - x): number {
  if (x <= 0) return upper ? 1 : 0;
  if (y <= 0) return upper ? 0 : 1;
  // log x from y when x is near 1 (and the other way round) keeps the digits that a * log x needs.
  const lx = x > 0.5 ? Math.log1p(-y) : Math.log(x);
  const ly = y > 0.5 ? Math.log1p(-x) : Math.log(y);
  const front = Math.exp(a * lx + b * ly - logBeta(a, b));
  if (x < (a + 1) / (a + b + 2)) {
    const v = (front * betaFraction(x, a, b)) / a;
    return upper ? 1 - v : v;
  }
  const v = (front * betaFraction(y, b, a)) / b;
  return upper ? v : 1 - v;
}

/** Upper regularized incomplete gamma Q(a, x), with full relative precision in the tail. */
export function gammaQ(a: number, x: number): number {
  if (x <= 0) return 1;
  const front = Math.exp(-x + a * Math.log(x) - logGamma(a));
  if (x < a + 1) {
    // Series for P, then Q = 1 - P (P is not small here, so no precision is lost).
    let sum = 1 / a;
    let del = sum;
    for (let n = 1; n < 10000; n++) {
      del *= x / (a + n);
      sum += del;
      if (Math.abs(del) < Math.abs(sum) * EPS) break;
    }
    return 1 - sum * front;
  }
  let b = x + 1 - a;
  let c = 1 / TINY;
  let d = 1 / b;
  let h = d;
  for (let i = 1; i < 10000; i++) {
    const an = -i * (i - a);
    b += 2;
    d = an * d + b;
    if (Math.abs(d) < TINY) d = TINY;
    c = b + an / c;
    if (Math.abs(c) < TINY) c = TINY;
    d = 1 / d;
    const del = d * c;
    h *= del;
    if (Math.abs(del - 1) < EPS) break;
  }
  return front * h;
}

/** P(|T| > |t|) for Student's t with df degrees of freedom. */
export function tTwoSided(t: number, df: number): number {
  if (Number.isNaN(t) || Number.isNaN(df)) return NaN;
  if (!Number.isFinite(t)) return 0;
  const t2 = t * t;
  return betaInc(df / (df + t2), df / 2, 0.5, false, t2 / (df + t2));
}

/** P(T > t). */
export function tSf(t: number, df: number): number {
  const half = tTwoSided(t, df) / 2;
  return t >= 0 ? half : 1 - half;
}

function tPdf(t: number, df: number): number {
  return Math.exp(-logBeta(df / 2, 0.5) - 0.5 * Math.log(df) - ((df + 1) / 2) * Math.log1p((t * t) / df));
}

/** Quantile of Student's t: jstat's estimate polished by Newton steps on the accurate tail. */
export function tPpf(p: number, df: number): number {
  if (p <= 0) return -Infinity;
  if (p >= 1) return Infinity;
  if (p < 0.5) return -tPpf(1 - p, df);
  let x = jStat.studentt.inv(p, df);
  if (!Number.isFinite(x)) x = 1;
  for (let i = 0; i < 50; i++) {
    const step = (tSf(x, df) - (1 - p)) / tPdf(x, df);
    x += step;
    if (Math.abs(step) <= 1e-15 * Math.abs(x)) break;
  }
  return x;
}

/** P(F > f) for the F distribution with (d1, d2) degrees of freedom. */
export function fSf(f: number, d1: number, d2: number): number {
  if (Number.isNaN(f) || Number.isNaN(d1) || Number.isNaN(d2)) return NaN;
  if (f <= 0) return 1;
  if (!Number.isFinite(f)) return 0;
  const s = d2 + d1 * f;
  return betaInc(d2 / s, d2 / 2, d1 / 2, false, (d1 * f) / s);
}

/** P(|Z| > |z|) for the standard normal. */
export function normTwoSided(z: number): number {
  if (Number.isNaN(z)) return NaN;
  return gammaQ(0.5, (z * z) / 2);
}

export function normSf(z: number): number {
  const half = normTwoSided(z) / 2;
  return z >= 0 ? half : 1 - half;
}

export function normPpf(p: number): number {
  if (p <= 0) return -Infinity;
  if (p >= 1) return Infinity;
  if (p < 0.5) return -normPpf(1 - p);
  let x = jStat.normal.inv(p, 0, 1);
  for (let i = 0; i < 50; i++) {
    const step = (normSf(x) - (1 - p)) / (Math.exp((-x * x) / 2) / Math.sqrt(2 * Math.PI));
    x += step;
    if (Math.abs(step) <= 1e-15 * Math.abs(x)) break;
  }
  return x;
}

/**
 * P(Q > q) for the studentized range of k means with df degrees of freedom, taken from the upper
 * tail directly, so that it keeps its relative precision down to 1e-30 and below (1 - cdf would
 * cancel to about 1e-10 absolute). For two means it is exactly the two-sided t tail at q / sqrt(2).
 * Otherwise P(Q > q) = E_s[P(R > q s)], s = sqrt(chi2_df / df), where the range R of k standard
 * normals has, with Q(z) the normal upper tail and D = Q(z) - Q(z + w) > 0,
 *   P(R > w) = k ∫ φ(z) [Q(z)^(k-1) - D^(k-1)] dz = k ∫ φ(z) Q(z + w) Σ_j Q(z)^j D^(k-2-j) dz,
 * a sum of positive terms. Both integrals are Gauss-Legendre on panels around their peaks (a few ms),
 * so R's ptukey algorithm (jstat, 1e-10 absolute, faster) answers where the tail is 1e-4 or more.
 */
export function srangeSf(q: number, k: number, df: number): number {
  if (Number.isNaN(q) || Number.isNaN(k) || Number.isNaN(df)) return NaN;
  if (q <= 0) return 1;
  if (!Number.isFinite(q)) return 0;
  if (k === 2) return tTwoSided(q / Math.SQRT2, df);
  // R's ptukey (jstat) is fast and good to about 1e-10 absolute: enough at 1e-4 and above.
  const fast = 1 - jStat.tukey.cdf(q, k, df);
  if (fast >= 1e-4) return Math.min(1, fast);
  // Outer integral over u = ln s: density of s is c s^(df-1) exp(-df s^2 / 2).
  const logC = (df / 2) * Math.log(df / 2) - logGamma(df / 2) + Math.LN2;
  const outer = (u: number) => {
    const s = Math.exp(u);
    const logG = logC + df * u - (df * s * s) / 2;
    return logG < -745 ? 0 : Math.exp(logG) * rangeSf(q * s, k);
  };
  // Peaks in u: of the density (s^2 = (df - 1) / df) and of the tail (s^2 = (df - 1) / (df + q^2 / 2)),
  // both about 1 / sqrt(2 (df - 1)) wide. Only tails below 1e-4 come here, whose integrand peaks at
  // the tail's peak: panels of 1.5 widths around it, wider further out.
  const width = 1 / Math.sqrt(2 * Math.max(df - 1, 0.5));
  const centres = [0.5 * Math.log(Math.max(df - 1, 0.5) / df), 0.5 * Math.log(Math.max(df - 1, 0.5) / (df + (q * q) / 2))];
  const lo = Math.min(...centres) - 60 * width - 80 / df;
  const hi = Math.max(...centres) + 12 * width;
  const cuts = [lo, hi, ...[-30, -16, -8, -5, -3, -1.5, 0, 1.5, 3, 5, 8].map((m) => centres[1] + m * width)].filter((u) => u >= lo && u <= hi);
  return Math.min(1, gaussLegendre(outer, cuts));
}

/**
 * P(range of k standard normals > w), without cancellation (see srangeSf). φ(z) Q(z + w) peaks at
 * z = c = -w/2, about 1 wide, so z = c + t on a grid of t in [-8, 8] symmetric about 0: then
 * z + w = -(c - t) is minus the node at -t, and one normal tail per node gives Q(z), Q(z + w)
 * and D = P(z < Z < z + w), each from the tails that keep its digits.
 */
function rangeSf(w: number, k: number): number {
  if (w <= 0) return 1;
  const c = -w / 2;
  const n = T_NODES.length;
  // tail[j] = P(Z > |c + t_j|)
  const tail = new Float64Array(n);
  for (let j = 0; j < n; j++) {
    const z = c + T_NODES[j];
    tail[j] = gammaQ(0.5, (z * z) / 2) / 2;
  }
  let total = 0;
  for (let j = 0; j < n; j++) {
    const m = n - 1 - j;
    const z = c + T_NODES[j];
    const zw = z + w;
    const qz = z >= 0 ? tail[j] : 1 - tail[j];
    const qzw = zw >= 0 ? tail[m] : 1 - tail[m];
    const d = z >= 0 ? tail[j] - tail[m] : zw <= 0 ? tail[m] - tail[j] : 1 - tail[m] - tail[j];
    let sum = 0;
    let qp = 1;
    for (let i = 0; i <= k - 2; i++) {
      sum += qp * d ** (k - 2 - i);
      qp *= qz;
    }
    total += T_WEIGHTS[j] * Math.exp(-(z * z) / 2) * qzw * sum;
  }
  return Math.min(1, (k * total) / Math.sqrt(2 * Math.PI));
}

// 10-point Gauss-Legendre nodes (positive half) and weights.
const GL_X = [0.1488743389816312, 0.4333953941292472, 0.6794095682990244, 0.8650633666889845, 0.9739065285171717];
const GL_W = [0.2955242247147529, 0.2692667193099963, 0.219086362515982, 0.1494513491505806, 0.0666713443086881];

/** ∫ f over [min cuts, max cuts], by 10-point Gauss-Legendre on each panel between the cuts. */
function gaussLegendre(f: (x: number) => number, cuts: number[]): number {
  const points = [...new Set(cuts)].sort((x, y) => x - y);
  let total = 0;
  for (let i = 1; i < points.length; i++) {
    const c = (points[i - 1] + points[i]) / 2;
    const h = (points[i] - points[i - 1]) / 2;
    for (let j = 0; j < 5; j++) total += h * GL_W[j] * (f(c - h * GL_X[j]) + f(c + h * GL_X[j]));
  }
  return total;
}

// The inner grid: 10-point Gauss-Legendre on 8 panels of width 2 over [-8, 8], in increasing order.
const T_NODES: number[] = [];
const T_WEIGHTS: number[] = [];
for (let a = -8; a < 8; a += 2) {
  const order = [...GL_X.map((x, j) => [-x, GL_W[j]]).reverse(), ...GL_X.map((x, j) => [x, GL_W[j]])];
  for (const [x, wt] of order) {
    T_NODES.push(a + 1 + x);
    T_WEIGHTS.push(wt);
  }
}

/**
 * Quantile of the studentized range: R's qtukey (via jstat, to 1e-4) brackets the root, then
 * Illinois-modified regula falsi on the same CDF takes it to 1e-13 in a few evaluations.
 */
export function srangePpf(p: number, k: number, df: number): number {
  if (k === 2) return Math.SQRT2 * tPpf(1 - (1 - p) / 2, df);
  const f = (q: number) => 1 - srangeSf(q, k, df) - p;
  const q0 = Math.max(1e-3, jStat.tukey.inv(p, k, df));
  let lo = q0 * (1 - 1e-3);
  let hi = q0 * (1 + 1e-3);
  let flo = f(lo);
  let fhi = f(hi);
  for (let i = 0; flo > 0 && i < 60; i++) (hi = lo), (fhi = flo), (lo /= 2), (flo = f(lo));
  for (let i = 0; fhi < 0 && i < 60; i++) (lo = hi), (flo = fhi), (hi *= 2), (fhi = f(hi));
  let side = 0;
  for (let i = 0; i < 100 && hi - lo > 1e-13 * hi; i++) {
    const m = (lo * fhi - hi * flo) / (fhi - flo);
    const fm = f(m);
    if (fm === 0) return m;
    if (fm < 0) {
      lo = m;
      flo = fm;
      if (side === -1) fhi /= 2;
      side = -1;
    } else {
      hi = m;
      fhi = fm;
      if (side === 1) flo /= 2;
      side = 1;
    }
    if (Math.abs(fm) < 1e-15) return m;
  }
  return (lo + hi) / 2;
}
