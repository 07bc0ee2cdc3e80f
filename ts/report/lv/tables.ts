import { recordsFrame } from '../../stats/frame';
import { ols } from '../../stats/ols';
import type { ResultRow } from '../../store/results';
import { anovaTable, coefficientTable } from '../stats';
import type { ReportTable } from '../table';
import { lvFormula, lvRecords } from './frame';

/**
 * The LV paper's Table 1 (OLS coefficients, with AIC) and Table 2 (ANOVA with partial η²) from
 * stored runs: the paper's formula on its six networks, cut to what other runs can estimate.
 */
export function lvTables(rows: ResultRow[], experiment: string): ReportTable[] {
  const recs = lvRecords(rows);
  if (recs.length < 10) throw new Error(`experiment ${experiment}: ${recs.length} finished runs; the model needs at least 10`);
  const formula = lvFormula(recs, `experiment ${experiment}`);
  const fit = ols(recordsFrame(recs as unknown as Record<string, unknown>[], experiment), formula);
  return [
    coefficientTable(fit, 'lv-table1', `Table 1. Coefficients and p-values for the linear model, with AIC: ${fit.aic.toFixed(0)}`, `Model: ${formula}; ${fit.nobs} runs of experiment ${experiment}.`),
    anovaTable(fit, 'lv-table2', 'Table 2. ANOVA table with partial η²', `Type-1 ANOVA of ${formula}; η²p of the residuals is their share of the total SS.`),
  ];
}
