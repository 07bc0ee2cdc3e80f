import { Matrix, SVD } from 'ml-matrix';

/**
 * Least squares as statsmodels solves it (pseudo-inverse, singular values below 1e-15 of the
 * largest dropped), without ever forming X'X: a Householder QR of the tall design (written here,
 * column-major, because ml-matrix's generic element access makes its QR and SVD of a 1620x14
 * matrix take 5-20 ms) followed by ml-matrix's SVD of the small triangular factor. X = Q R and
 * R = U S V' give X = (Q U) S V', so the singular values and V are those of X.
 */
export const EPS = 2.220446049250313e-16;

/** A dense matrix stored by columns: entry (i, j) is data[j * rows + i]. */
export interface Dense {
  rows: number;
  cols: number;
  data: Float64Array;
}

export const dense = (rows: number, cols: number, data = new Float64Array(rows * cols)): Dense => ({ rows, cols, data });
export const get = (A: Dense, i: number, j: number) => A.data[j * A.rows + i];

/** A with each row i multiplied by w[i]. */
export function scaleRows(A: Dense, w: ArrayLike<number>): Dense {
  const out = dense(A.rows, A.cols);
  for (let j = 0; j < A.cols; j++) {
    const o = j * A.rows;
    for (let i = 0; i < A.rows; i++) out.data[o + i] = A.data[o + i] * w[i];
  }
  return out;
}

/** [A; B] stacked vertically. */
export function stack(A: Dense, B: Dense): Dense {
  const out = dense(A.rows + B.rows, A.cols);
  for (let j = 0; j < A.cols; j++) {
    out.data.set(A.data.subarray(j * A.rows, (j + 1) * A.rows), j * out.rows);
    out.data.set(B.data.subarray(j * B.rows, (j + 1) * B.rows), j * out.rows + A.rows);
  }
  return out;
}

export function matVec(A: Dense, b: ArrayLike<number>): Float64Array {
  const out = new Float64Array(A.rows);
  for (let j = 0; j < A.cols; j++) {
    const bj = b[j];
    if (bj === 0) continue;
    const o = j * A.rows;
    for (let i = 0; i < A.rows; i++) out[i] += A.data[o + i] * bj;
  }
  return out;
}

/** Householder QR (LAPACK's dgeqrf convention): R above the diagonal, reflectors below, and tau. */
export function householder(A: Dense): { qr: Dense; tau: Float64Array } {
  const { rows: m, cols: n } = A;
  const a = Float64Array.from(A.data);
  const tau = new Float64Array(n);
  for (let k = 0; k < Math.min(m, n); k++) {
    const o = k * m;
    // The column's norm, scaled by its largest entry against overflow (as LAPACK's dnrm2).
    let big = 0;
    for (let i = k; i < m; i++) big = Math.max(big, Math.abs(a[o + i]));
    if (big === 0) continue;
    let ss = 0;
    for (let i = k; i < m; i++) ss += (a[o + i] / big) ** 2;
    const norm = big * Math.sqrt(ss);
    const alpha = a[o + k] > 0 ? -norm : norm;
    const v0 = a[o + k] - alpha;
    for (let i = k + 1; i < m; i++) a[o + i] /= v0;
    tau[k] = (alpha - a[o + k]) / alpha;
    a[o + k] = alpha;
    // Apply H = I - tau v v' (v = [1, a[k+1..]]) to the remaining columns.
    for (let j = k + 1; j < n; j++) {
      const c = j * m;
      let s = a[c + k];
      for (let i = k + 1; i < m; i++) s += a[o + i] * a[c + i];
      s *= tau[k];
      a[c + k] -= s;
      for (let i = k + 1; i < m; i++) a[c + i] -= s * a[o + i];
    }
  }
  return { qr: dense(m, n, a), tau };
}

/** Q'y for a factorization from householder(). */
export function applyQt({ qr, tau }: { qr: Dense; tau: Float64Array }, y: ArrayLike<number>): Float64Array {
  const { rows: m, cols: n } = qr;
  const out = Float64Array.from(y);
  for (let k = 0; k < Math.min(m, n); k++) {
    if (tau[k] === 0) continue;
    const o = k * m;
    let s = out[k];
    for (let i = k + 1; i < m; i++) s += qr.data[o + i] * out[i];
    s *= tau[k];
    out[k] -= s;
    for (let i = k + 1; i < m; i++) out[i] -= s * qr.data[o + i];
  }
  return out;
}

export interface LeastSquares {
  params: Float64Array;
  /** Singular values of X, largest first. */
  singular: number[];
  /** numpy's matrix_rank of diag(singular), as statsmodels counts the rank. */
  rank: number;
  /** pinv(X) pinv(X)' = V S^-2 V' (p x p, row-major). */
  normalizedCov: Float64Array;
  /** The first p entries of Q'y: the sequential sums of squares of ANOVA type 1 are their squares. */
  effects: Float64Array;
}

/** Minimum-norm least squares, pinv-style: singular values <= rcond * largest count as zero. */
export function leastSquares(X: Dense, y: ArrayLike<number>, rcond = 1e-15): LeastSquares {
  const { cols: p } = X;
  const f = householder(X);
  const qty = applyQt(f, y);
  const R = new Matrix(p, p);
  for (let i = 0; i < p; i++) for (let j = i; j < p; j++) R.set(i, j, get(f.qr, i, j));
  const svd = new SVD(R, { autoTranspose: false });
  const s = svd.diagonal;
  const U = svd.leftSingularVectors;
  const V = svd.rightSingularVectors;
  const smax = Math.max(0, ...s);
  const inv = s.map((v) => (v > rcond * smax ? 1 / v : 0));
  // params = V S^+ U' (Q'y)[0..p)
  const w = new Float64Array(p);
  for (let k = 0; k < p; k++) {
    if (!inv[k]) continue;
    let d = 0;
    for (let i = 0; i < p; i++) d += U.get(i, k) * qty[i];
    w[k] = d * inv[k];
  }
  const params = new Float64Array(p);
  const cov = new Float64Array(p * p);
  for (let i = 0; i < p; i++) {
    let b = 0;
    for (let k = 0; k < p; k++) b += V.get(i, k) * w[k];
    params[i] = b;
    for (let j = 0; j <= i; j++) {
      let c = 0;
      for (let k = 0; k < p; k++) c += V.get(i, k) * V.get(j, k) * inv[k] * inv[k];
      cov[i * p + j] = cov[j * p + i] = c;
    }
  }
  return { params, singular: s, rank: rankOf(s, p, p), normalizedCov: cov, effects: qty.slice(0, p) };
}

/** numpy.linalg.matrix_rank: singular values above largest * max(m, n) * eps. */
export function rankOf(singular: number[], m: number, n: number): number {
  const smax = Math.max(0, ...singular);
  return singular.filter((v) => v > smax * Math.max(m, n) * EPS).length;
}

/** numpy.linalg.matrix_rank of a tall matrix, through its R factor (same singular values). */
export function matrixRank(X: Dense): number {
  if (X.rows < X.cols) throw new Error('matrixRank: wide matrix');
  const { qr } = householder(X);
  const R = new Matrix(X.cols, X.cols);
  for (let i = 0; i < X.cols; i++) for (let j = i; j < X.cols; j++) R.set(i, j, get(qr, i, j));
  return rankOf(new SVD(R, { autoTranspose: false }).diagonal, X.rows, X.cols);
}

/** Pseudo-inverse of a small symmetric matrix (numpy.linalg.pinv, rcond 1e-15) and its rank. */
export function pinvSymmetric(A: Matrix): { pinv: Matrix; rank: number } {
  const svd = new SVD(A, { autoTranspose: true });
  const s = svd.diagonal;
  const smax = Math.max(0, ...s);
  const U = svd.leftSingularVectors;
  const V = svd.rightSingularVectors;
  const n = A.rows;
  const out = new Matrix(n, n);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < n; j++) {
      let v = 0;
      for (let k = 0; k < s.length; k++) if (s[k] > 1e-15 * smax) v += (V.get(i, k) * U.get(j, k)) / s[k];
      out.set(i, j, v);
    }
  }
  return { pinv: out, rank: rankOf(s, n, n) };
}

/**
 * An orthonormal basis (as rows) of the complement of A's column space, for a tall A of full
 * column rank: the trailing columns of the full Q of A's QR, as scipy.linalg.qr gives them.
 */
export function orthogonalComplement(A: Dense): Dense {
  const { rows: m, cols: n } = A;
  const { qr, tau } = householder(A);
  const out = dense(m - n, m);
  for (let c = n; c < m; c++) {
    // Q e_c = H_0 H_1 ... H_{n-1} e_c
    const v = new Float64Array(m);
    v[c] = 1;
    for (let k = n - 1; k >= 0; k--) {
      if (tau[k] === 0) continue;
      const o = k * m;
      let s = v[k];
      for (let i = k + 1; i < m; i++) s += qr.data[o + i] * v[i];
      s *= tau[k];
      v[k] -= s;
      for (let i = k + 1; i < m; i++) v[i] -= s * qr.data[o + i];
    }
    for (let i = 0; i < m; i++) out.data[i * (m - n) + (c - n)] = v[i];
  }
  return out;
}

/**
 * Sequential sums of squares that reveal rank: a Householder QR that takes the columns in their
 * order and skips a column whose part orthogonal to the columns kept before it is at rounding
 * level (at most max(m, n) eps times its norm), instead of reflecting on that rounding noise.
 * A skipped column adds nothing (its effect is 0, its df 0); a kept column's effect is the
 * component of y along the new direction, so the effects of a term's kept columns sum to the
 * increase in explained sum of squares when the term is added.
 */
export function sequentialEffects(X: Dense, y: ArrayLike<number>): { kept: Uint8Array; effects: Float64Array } {
  const { rows: m, cols: n } = X;
  const a = Float64Array.from(X.data);
  const out = Float64Array.from(y);
  const kept = new Uint8Array(n);
  const effects = new Float64Array(n);
  const tol = Math.max(m, n) * EPS;
  let k = 0;
  for (let j = 0; j < n && k < m; j++) {
    const o = j * m;
    // The column as the reflectors so far leave it: rows k.. hold its part not yet spanned.
    let big = 0;
    let whole = 0;
    for (let i = 0; i < m; i++) whole = Math.max(whole, Math.abs(X.data[o + i]));
    for (let i = k; i < m; i++) big = Math.max(big, Math.abs(a[o + i]));
    if (big === 0) continue;
    let ss = 0;
    let wholeSs = 0;
    for (let i = k; i < m; i++) ss += (a[o + i] / big) ** 2;
    for (let i = 0; i < m; i++) wholeSs += (X.data[o + i] / whole) ** 2;
    const norm = big * Math.sqrt(ss);
    if (norm <= tol * whole * Math.sqrt(wholeSs)) continue;
    const alpha = a[o + k] > 0 ? -norm : norm;
    const v0 = a[o + k] - alpha;
    for (let i = k + 1; i < m; i++) a[o + i] /= v0;
    const tau = (alpha - a[o + k]) / alpha;
    a[o + k] = alpha;
    const reflect = (c: Float64Array, base: number) => {
      let s = c[base + k];
      for (let i = k + 1; i < m; i++) s += a[o + i] * c[base + i];
      s *= tau;
      c[base + k] -= s;
      for (let i = k + 1; i < m; i++) c[base + i] -= s * a[o + i];
    };
    for (let c = j + 1; c < n; c++) reflect(a, c * m);
    reflect(out, 0);
    kept[j] = 1;
    effects[j] = out[k];
    k++;
  }
  return { kept, effects };
}

/**
 * A basis (as rows) of the orthogonal complement of A's column space, whatever A's rank: the
 * column space is first reduced to its orthonormal basis by an SVD (singular values above
 * max(m, n) eps times the largest, numpy's matrix_rank rule), whose complement the QR then gives.
 * For a full-rank A this is the same subspace as orthogonalComplement(A).
 */
export function rangeComplement(A: Dense): Dense {
  const { rows: m, cols: n } = A;
  const M = new Matrix(m, n);
  for (let i = 0; i < m; i++) for (let j = 0; j < n; j++) M.set(i, j, get(A, i, j));
  const svd = new SVD(M, { autoTranspose: false, computeRightSingularVectors: false });
  const s = svd.diagonal;
  const r = rankOf(s, m, n);
  if (r === 0) {
    const eye = dense(m, m);
    for (let i = 0; i < m; i++) eye.data[i * m + i] = 1;
    return eye;
  }
  const U = svd.leftSingularVectors;
  const basis = dense(m, r);
  for (let j = 0; j < r; j++) for (let i = 0; i < m; i++) basis.data[j * m + i] = U.get(i, j);
  return orthogonalComplement(basis);
}
