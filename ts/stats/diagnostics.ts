/**
 * The residual diagnostics under statsmodels' OLS summary (stats/stattools.py): skew and kurtosis
 * (biased moments), Durbin-Watson, Jarque-Bera, and the omnibus test of normality (scipy's
 * normaltest: D'Agostino's skew test and Anscombe-Glynn's kurtosis test, combined).
 */
export interface ResidualDiagnostics {
  omnibus: number;
  omnibus_pvalue: number;
  skew: number;
  kurtosis: number;
  durbin_watson: number;
  jarque_bera: number;
  jarque_bera_pvalue: number;
}

export function residualDiagnostics(resid: ArrayLike<number>): ResidualDiagnostics {
  const n = resid.length;
  let mean = 0;
  for (let i = 0; i < n; i++) mean += resid[i];
  mean /= n;
  let m2 = 0;
  let m3 = 0;
  let m4 = 0;
  let dw = 0;
  let ss = 0;
  for (let i = 0; i < n; i++) {
    const d = resid[i] - mean;
    m2 += d * d;
    m3 += d * d * d;
    m4 += d * d * d * d;
    ss += resid[i] * resid[i];
    if (i) dw += (resid[i] - resid[i - 1]) ** 2;
  }
  m2 /= n;
  m3 /= n;
  m4 /= n;
  const skew = m3 / m2 ** 1.5;
  const kurtosis = m4 / (m2 * m2);
  const jb = (n / 6) * (skew * skew + ((kurtosis - 3) ** 2) / 4);
  const k2 = skewZ(skew, n) ** 2 + kurtosisZ(kurtosis, n) ** 2;
  // Chi-squared with 2 df: the survival function is exp(-x / 2).
  return { omnibus: k2, omnibus_pvalue: Math.exp(-k2 / 2), skew, kurtosis, durbin_watson: dw / ss, jarque_bera: jb, jarque_bera_pvalue: Math.exp(-jb / 2) };
}

function skewZ(b2: number, n: number): number {
  let y = b2 * Math.sqrt(((n + 1) * (n + 3)) / (6 * (n - 2)));
  const beta2 = (3 * (n * n + 27 * n - 70) * (n + 1) * (n + 3)) / ((n - 2) * (n + 5) * (n + 7) * (n + 9));
  const w2 = -1 + Math.sqrt(2 * (beta2 - 1));
  const delta = 1 / Math.sqrt(0.5 * Math.log(w2));
  const alpha = Math.sqrt(2 / (w2 - 1));
  if (y === 0) y = 1;
  return delta * Math.log(y / alpha + Math.sqrt((y / alpha) ** 2 + 1));
}

function kurtosisZ(b2: number, n: number): number {
  const e = (3 * (n - 1)) / (n + 1);
  const varb2 = (24 * n * (n - 2) * (n - 3)) / ((n + 1) * (n + 1) * (n + 3) * (n + 5));
  const x = (b2 - e) / Math.sqrt(varb2);
  const sqrtbeta1 = ((6 * (n * n - 5 * n + 2)) / ((n + 7) * (n + 9))) * Math.sqrt((6 * (n + 3) * (n + 5)) / (n * (n - 2) * (n - 3)));
  const a = 6 + (8 / sqrtbeta1) * (2 / sqrtbeta1 + Math.sqrt(1 + 4 / sqrtbeta1 ** 2));
  const term1 = 1 - 2 / (9 * a);
  const denom = 1 + x * Math.sqrt(2 / (a - 4));
  const term2 = denom === 0 ? NaN : Math.sign(denom) * ((1 - 2 / a) / Math.abs(denom)) ** (1 / 3);
  return (term1 - term2) / Math.sqrt(2 / (9 * a));
}
