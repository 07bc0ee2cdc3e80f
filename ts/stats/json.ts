import type { AnovaTable } from './anova';
import type { GamFit } from './gam';
import type { GlmFit } from './glm';
import type { Coefficients, OlsFit } from './ols';
import type { TukeyResult } from './tukey';

/**
 * Results as JSON under statsmodels' own attribute names (params, bse, tvalues, pvalues,
 * conf_int, rsquared, ...), per-term values keyed by column name. NaN and infinities become null.
 */
type Json = null | boolean | number | string | Json[] | { [k: string]: Json };

const num = (v: number): number | null => (Number.isFinite(v) ? v : null);
const keyed = (names: string[], v: ArrayLike<number>) => Object.fromEntries(names.map((n, i) => [n, num(v[i])]));
const intervals = (names: string[], [lo, hi]: [ArrayLike<number>, ArrayLike<number>]) =>
  Object.fromEntries(names.map((n, i) => [n, [num(lo[i]), num(hi[i])]]));

/** The per-coefficient columns OLS and GLM share, keyed by column name as statsmodels names them. */
const coefficients = (names: string[], f: Coefficients) => ({
  params: keyed(names, f.params),
  bse: keyed(names, f.bse),
  tvalues: keyed(names, f.tvalues),
  pvalues: keyed(names, f.pvalues),
  conf_int: intervals(names, f.confInt),
  alpha: f.alpha,
});

export function olsJson(f: OlsFit): Json {
  const names = f.design.columnNames;
  return {
    model: 'OLS',
    formula: f.design.formula,
    dep_variable: f.design.yName,
    ...coefficients(names, f),
    rsquared: num(f.rsquared),
    rsquared_adj: num(f.rsquaredAdj),
    fvalue: num(f.fvalue),
    f_pvalue: num(f.fPvalue),
    llf: num(f.llf),
    aic: num(f.aic),
    bic: num(f.bic),
    df_model: f.dfModel,
    df_resid: f.dfResid,
    nobs: f.nobs,
    ssr: num(f.ssr),
    scale: num(f.scale),
    rank: f.rank,
    k_constant: f.kConstant,
    condition_number: num(f.conditionNumber),
    ...Object.fromEntries(Object.entries(f.diagnostics).map(([k, v]) => [k, num(v)])),
    warnings: f.warnings,
  };
}

export function glmJson(f: GlmFit): Json {
  const names = f.design.columnNames;
  return {
    model: 'GLM',
    family: 'Gaussian',
    link: f.link,
    formula: f.design.formula,
    dep_variable: f.design.yName,
    ...coefficients(names, f),
    deviance: num(f.deviance),
    pearson_chi2: num(f.pearsonChi2),
    scale: num(f.scale),
    llf: num(f.llf),
    aic: num(f.aic),
    bic: num(f.bic),
    pseudo_rsquared_cs: num(f.pseudoRsquaredCs),
    df_model: f.dfModel,
    df_resid: f.dfResid,
    nobs: f.nobs,
    iterations: f.iterations,
    converged: f.converged,
    warnings: f.warnings,
  };
}

export function anovaJson(t: AnovaTable): Json {
  return {
    typ: t.typ,
    formula: t.formula,
    rows: t.rows.map((r) => ({
      term: r.term, sum_sq: num(r.sum_sq), df: r.df, F: num(r.F), 'PR(>F)': num(r['PR(>F)']),
      eta_sq_partial: num(r.eta_sq_partial), eta_sq: num(r.eta_sq),
    })),
    warnings: t.warnings,
  };
}

export function tukeyJson(t: TukeyResult): Json {
  return {
    value: t.value,
    group: t.group,
    alpha: t.alpha,
    q_crit: t.q_crit,
    df: t.df,
    groups: t.groups.map((g) => ({ group: g.name, nobs: g.n, mean: g.mean })),
    rows: t.rows.map((r) => ({ ...r, meandiff: num(r.meandiff), 'p-adj': num(r['p-adj']), lower: num(r.lower), upper: num(r.upper) })),
    dropped: t.dropped,
  };
}

export function gamJson(f: GamFit): Json {
  const names = f.columnNames;
  return {
    model: 'GLMGam',
    family: 'Gaussian',
    link: 'identity',
    formula: f.design.formula,
    dep_variable: f.design.yName,
    smooths: f.smooths.map((s) => ({ variable: s.variable, df: s.df, degree: s.degree, alpha: s.alpha })),
    params: keyed(names, f.params),
    bse: keyed(names, f.bse),
    tvalues: keyed(names, f.tvalues),
    pvalues: keyed(names, f.pvalues),
    edf: keyed(names, f.edf),
    edf_total: num(f.edfTotal),
    fittedvalues: Array.from(f.fitted, num),
    scale: num(f.scale),
    deviance: num(f.deviance),
    llf: num(f.llf),
    aic: num(f.aic),
    gcv: num(f.gcv),
    df_resid: num(f.dfResid),
    nobs: f.nobs,
  };
}
