import type { ResultRow } from '../store/results';
import { anova } from '../stats/anova';
import { recordsFrame } from '../stats/frame';
import { type OlsFit, ols } from '../stats/ols';
import type { ReportTable } from './table';

/** An OLS fit's coefficients as a table (statsmodels' summary columns). */
export function coefficientTable(fit: OlsFit, id: string, title: string, caption: string): ReportTable {
  return {
    id, title, caption,
    header: ['Term', 'Coef.', 'Std. err.', 't', 'p-value', '[0.025', '0.975]'],
    rows: fit.design.columnNames.map((name, j) => [name, fit.params[j], fit.bse[j], fit.tvalues[j], fit.pvalues[j], fit.confInt[0][j], fit.confInt[1][j]]),
    digits: [null, 4, 4, 3, 4, 4, 4],
  };
}

/** Type-1 ANOVA (statsmodels' anova_lm default) with partial η², residuals last, as the LV paper's Table 2. */
export function anovaTable(fit: OlsFit, id: string, title: string, caption: string): ReportTable {
  const a = anova(fit, 1);
  // Residuals' η²p column in the paper is SS_resid / SS_total: "the unknown SS".
  const total = a.rows.filter((r) => r.term !== 'Residual').reduce((s, r) => s + r.sum_sq, 0) + fit.ssr;
  return {
    id, title, caption,
    header: ['Term', 'df', 'SS', 'F', 'p-value', 'η²p'],
    rows: [
      ...a.rows.filter((r) => r.term !== 'Residual').map((r) => [r.term, r.df, r.sum_sq, r.F, r['PR(>F)'], r.eta_sq_partial]),
      ['Residuals', fit.dfResid, fit.ssr, null, null, fit.ssr / total],
    ],
    digits: [null, 0, 4, 4, 4, 4],
  };
}

const varies = (rows: ResultRow[], k: keyof ResultRow) => new Set(rows.map((r) => r[k])).size > 1;

/**
 * A formula for the current experiment from the axes that vary in it: Dice on log training
 * size, the model as a category, and log learning rate and weight decay when they were a grid.
 */
export function experimentFormula(rows: ResultRow[]): string {
  const terms = [
    varies(rows, 'n_train') ? 'np.log(n_train)' : null,
    varies(rows, 'model') ? 'C(model)' : null,
    varies(rows, 'lr') ? 'np.log(lr)' : null,
    varies(rows, 'weight_decay') && rows.every((r) => r.weight_decay > 0) ? 'np.log(weight_decay)' : null,
  ].filter(Boolean);
  return `dice ~ ${terms.length ? terms.join(' + ') : '1'}`;
}

/** The dashboard's stats view: OLS and ANOVA of the experiment's Dice on its grid axes. */
export async function experimentStats(rows: ResultRow[]): Promise<{ formula: string; tables: ReportTable[] } | { error: string }> {
  if (rows.length < 3) return { error: `${rows.length} finished job(s); the model needs more` };
  const formula = experimentFormula(rows);
  try {
    const fit = ols(recordsFrame(rows as unknown as Record<string, unknown>[], 'store'), formula);
    return {
      formula: `OLS ${formula}  (n=${fit.nobs}, R²=${Number.isFinite(fit.rsquared) ? fit.rsquared.toFixed(3) : 'undefined (Dice is the same in every job)'}, AIC ${fit.aic.toFixed(1)})`,
      tables: [coefficientTable(fit, 'ols', 'Coefficients', formula), anovaTable(fit, 'anova', 'ANOVA (type 1) with partial η²', formula)],
    };
  } catch (e) {
    return { error: (e as Error).message };
  }
}
