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
 * P(Q > q) for the studentized range of k means with df degrees of freedom. For two means it is
 * exactly the two-sided t tail at q / sqrt(2); otherwise R's ptukey (via jstat), accurate to
 * about 1e-9 in absolute terms.
 */
export function srangeSf(q: number, k: number, df: number): number {
  if (Number.isNaN(q)) return NaN;
  if (k === 2) return tTwoSided(q / Math.SQRT2, df);
  return Math.min(1, Math.max(0, 1 - jStat.tukey.cdf(q, k, df)));
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
