import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { anova } from '../../../ts/stats/anova';
import { designMatrices } from '../../../ts/stats/design';
import { readCsvFrame } from '../../../ts/stats/frame';
import { gam } from '../../../ts/stats/gam';
import { glm } from '../../../ts/stats/glm';
import { ols } from '../../../ts/stats/ols';
import { tukeyHsd } from '../../../ts/stats/tukey';
import { GOLDEN, type GoldenCase, goldenDatasets, mismatches, scaleOf } from './golden';

/**
 * Every number statsmodels gave on the golden data sets (test/stats/golden.py), recomputed here:
 * relative 1e-6 for OLS, GLM and ANOVA (on rank-deficient designs against the model comparisons
 * golden.py computes, see anova_rr_case); 1e-3 for Tukey p-values above 1e-4 (statsmodels uses
 * scipy's numerical studentized range, plateau R's ptukey algorithm), 1e-6 below; 1e-3 for the GAM.
 */
const RTOL = 1e-6;
const LOOSE = 1e-3;

type Keyed = Record<string, number | null>;
const values = (r: Record<string, unknown>, k: string) => Object.values(r[k] as Keyed);
const keys = (r: Record<string, unknown>, k: string) => Object.keys(r[k] as Keyed);

/** The coefficient table of a fit against statsmodels' (names, then each number). */
function coefficients(names: string[], fit: { params: Float64Array; bse: Float64Array; tvalues: Float64Array; pvalues: Float64Array; confInt: [Float64Array, Float64Array] }, ref: Record<string, unknown>): string[] {
  const out: string[] = [];
  expect(names).toEqual(keys(ref, 'params'));
  const p = values(ref, 'params');
  out.push(...mismatches('params', fit.params, p, RTOL, 1e-9 * scaleOf(p)));
  const bse = values(ref, 'bse');
  out.push(...mismatches('bse', fit.bse, bse, RTOL, 1e-9 * scaleOf(bse)));
  // A coefficient of an aliased column (rank-deficient design) has a standard error at rounding
  // level on both sides; its t is a ratio of two rounding errors, so t and p are not compared.
  const estimable = bse.map((b) => b === null || Math.abs(b) > 1e-9 * scaleOf(bse));
  const pick = <T,>(v: ArrayLike<T>) => Array.from(v).filter((_, j) => estimable[j]);
  const t = values(ref, 'tvalues');
  out.push(...mismatches('tvalues', pick(fit.tvalues), pick(t), RTOL, 1e-9 * scaleOf(t)));
  out.push(...mismatches('pvalues', pick(fit.pvalues), pick(values(ref, 'pvalues')), RTOL, 1e-14));
  const ci = Object.values(ref.conf_int as Record<string, [number, number]>);
  const ciScale = scaleOf(ci.flat());
  out.push(...mismatches('conf_int lower', fit.confInt[0], ci.map((c) => c[0]), RTOL, 1e-9 * ciScale));
  out.push(...mismatches('conf_int upper', fit.confInt[1], ci.map((c) => c[1]), RTOL, 1e-9 * ciScale));
  return out;
}

/** Named numbers; R-squared also absolutely to 1e-14 (it is 0 up to rounding for y ~ 1). */
function scalars(actual: Record<string, number>, ref: Record<string, unknown>, rtol = RTOL): string[] {
  return Object.entries(actual).flatMap(([k, v]) => mismatches(k, [v], [ref[k] as number | null], rtol, k.startsWith('rsquared') ? 1e-14 : 0));
}

function check(csv: string, c: GoldenCase): string[] {
  const frame = readCsvFrame(join(GOLDEN, csv));
  const ref = c.result;
  switch (c.kind) {
    case 'design': {
      const d = designMatrices(frame, c.formula!);
      expect([d.yName]).toEqual(ref.lhs);
      expect(d.columnNames).toEqual(ref.column_names);
      expect(d.terms.map((t) => t.name)).toEqual(ref.term_names);
      expect(d.X.rows).toBe(ref.nobs);
      const n = d.X.rows;
      const sums = d.columnNames.map((_, j) => d.X.data.subarray(j * n, (j + 1) * n).reduce((a, b) => a + b, 0));
      const sumsq = d.columnNames.map((_, j) => d.X.data.subarray(j * n, (j + 1) * n).reduce((a, b) => a + b * b, 0));
      return [
        ...mismatches('column sums', sums, ref.column_sums as number[], 1e-12, 1e-12),
        ...mismatches('column sums of squares', sumsq, ref.column_sumsq as number[], 1e-12),
        ...mismatches('response sum', [d.y.reduce((a, b) => a + b, 0)], [ref.lhs_sum as number], 1e-12),
      ];
    }
    case 'ols': {
      const f = ols(frame, c.formula!);
      expect(f.rank).toBe(ref.rank);
      expect(f.kConstant).toBe(ref.k_constant);
      const out = [
        ...coefficients(f.design.columnNames, f, ref),
        ...scalars({ rsquared: f.rsquared, rsquared_adj: f.rsquaredAdj, fvalue: f.fvalue, f_pvalue: f.fPvalue, llf: f.llf, aic: f.aic, bic: f.bic, df_model: f.dfModel, df_resid: f.dfResid, nobs: f.nobs, ssr: f.ssr, scale: f.scale }, ref),
      ];
      // The condition number is only meaningful (and reproducible) for full-rank designs.
      const d = f.diagnostics;
      out.push(...scalars({ omnibus: d.omnibus, omnibus_pvalue: d.omnibus_pvalue, skew: d.skew, kurtosis: d.kurtosis, durbin_watson: d.durbin_watson, jarque_bera: d.jarque_bera, jarque_bera_pvalue: d.jarque_bera_pvalue }, ref));
      if (ref.condition_number !== null && (ref.condition_number as number) < 1e12) out.push(...mismatches('condition_number', [f.conditionNumber], [ref.condition_number as number], RTOL));
      return out;
    }
    case 'anova': {
      const t = anova(ols(frame, c.formula!), c.typ!);
      const rows = ref.rows as Record<string, number | null>[];
      expect(t.rows.map((r) => r.term)).toEqual(rows.map((r) => r.term));
      return (['sum_sq', 'df', 'F', 'PR(>F)', 'eta_sq_partial', 'eta_sq'] as const).flatMap((k) =>
        mismatches(k, t.rows.map((r) => r[k]), rows.map((r) => r[k]), RTOL, k === 'PR(>F)' ? 1e-300 : 0),
      );
    }
    case 'glm': {
      const f = glm(frame, c.formula!, c.link!);
      expect(f.iterations).toBe(ref.iterations);
      return [
        ...coefficients(f.design.columnNames, f, ref),
        ...scalars({ deviance: f.deviance, pearson_chi2: f.pearsonChi2, scale: f.scale, llf: f.llf, aic: f.aic, bic: f.bic, pseudo_rsquared_cs: f.pseudoRsquaredCs, df_model: f.dfModel, df_resid: f.dfResid, nobs: f.nobs }, ref),
      ];
    }
    case 'tukey': {
      const t = tukeyHsd(frame, c.value!, c.group!, c.alpha as number);
      const rows = ref.rows as Record<string, number | string | boolean | null>[];
      expect(t.rows.map((r) => [r.group1, r.group2])).toEqual(rows.map((r) => [r.group1, r.group2]));
      expect(t.rows.map((r) => r.reject)).toEqual(rows.map((r) => r.reject));
      const num = (k: string) => rows.map((r) => r[k] as number);
      const diffScale = scaleOf(num('meandiff'));
      return [
        ...mismatches('meandiff', t.rows.map((r) => r.meandiff), num('meandiff'), RTOL, 1e-12 * diffScale),
        // Above 1e-4 the reference is scipy's 1 - cdf (a numerical integral, absolute 1e-9);
        // below, the upper tail integrated directly (golden.py's srange_tail), to 1e-6 relative.
        ...mismatches('p-adj', t.rows.map((r) => r['p-adj']), num('p-adj'), LOOSE, 1e-9),
        ...mismatches('small p-adj', t.rows.map((r) => r['p-adj']).filter((_, i) => num('p-adj')[i] < 1e-4), num('p-adj').filter((p) => p < 1e-4), RTOL, 1e-300),
        ...mismatches('lower', t.rows.map((r) => r.lower), num('lower'), RTOL, 1e-9 * diffScale),
        ...mismatches('upper', t.rows.map((r) => r.upper), num('upper'), RTOL, 1e-9 * diffScale),
        ...scalars({ q_crit: t.q_crit, df: t.df }, ref),
      ];
    }
    case 'gam': {
      const alphas = c.alpha as number[];
      const f = gam(frame, c.formula!, c.smooth!.map((variable, i) => ({ variable, df: c.df![i], degree: c.degree![i], alpha: alphas[i] })));
      expect(f.columnNames).toEqual(keys(ref, 'params'));
      const p = values(ref, 'params');
      const bse = values(ref, 'bse');
      return [
        ...mismatches('params', f.params, p, LOOSE, 1e-6 * scaleOf(p)),
        ...mismatches('bse', f.bse, bse, LOOSE, 1e-6 * scaleOf(bse)),
        ...mismatches('tvalues', f.tvalues, values(ref, 'tvalues'), LOOSE, 1e-6 * scaleOf(values(ref, 'tvalues'))),
        ...mismatches('pvalues', f.pvalues, values(ref, 'pvalues'), LOOSE, 1e-12),
        ...mismatches('edf', f.edf, values(ref, 'edf'), LOOSE, 1e-6),
        ...mismatches('fittedvalues', f.fitted, ref.fittedvalues as number[], LOOSE, 1e-6 * scaleOf(ref.fittedvalues as number[])),
        ...scalars({ edf_total: f.edfTotal, scale: f.scale, deviance: f.deviance, llf: f.llf, aic: f.aic, gcv: f.gcv, df_resid: f.dfResid, nobs: f.nobs }, ref, LOOSE),
      ];
    }
  }
}

describe('statistics equal statsmodels on the golden data sets', () => {
  for (const ds of goldenDatasets()) {
    describe(`${ds.dataset} (${ds.rows} rows)`, () => {
      ds.cases.forEach((c, i) => {
        const what = c.kind === 'tukey' ? `${c.value} by ${c.group}` : `${c.formula}${c.typ ? ` typ ${c.typ}` : ''}${c.link ? ` ${c.link} link` : ''}${c.smooth ? ` + s(${c.smooth.join(', ')})` : ''}`;
        it(`#${i} ${c.kind}: ${what}`, () => {
          expect(check(ds.csv, c)).toEqual([]);
        });
      });
    });
  }
});

describe('ANOVA on rank-deficient designs names the aliased terms', () => {
  const frame = () => readCsvFrame(join(GOLDEN, 'aliased.csv'));
  it('type 1: a fully aliased term has df 0 and no F', () => {
    const t = anova(ols(frame(), 'y ~ x1 + x2 + x3 + site'), 1);
    const x3 = t.rows.find((r) => r.term === 'x3')!;
    expect([x3.df, x3.sum_sq, Number.isNaN(x3.F)]).toEqual([0, 0, true]);
    expect(t.warnings.join(' ')).toContain('x3 (0 of 1 columns estimable)');
  });
  it('type 2: the empty site x dose cell leaves 3 of 4 interaction restrictions testable', () => {
    const t = anova(ols(frame(), 'y ~ (site + C(dose) + flag)**2'), 2);
    // df counts the term's 4 columns, as statsmodels reports it; F is on the 3 that are testable
    expect(t.rows.find((r) => r.term === 'site:C(dose)')!.df).toBe(4);
    expect(t.warnings.join(' ')).toContain('site:C(dose) (3 of 4 restrictions testable)');
  });
});
