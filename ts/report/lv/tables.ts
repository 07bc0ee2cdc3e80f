import { recordsFrame } from '../../stats/frame';
import { ols } from '../../stats/ols';
import type { ResultRow } from '../../store/results';
import { anovaTable, coefficientTable } from '../stats';
import type { ReportTable } from '../table';
import { LV_FORMULA, lvRecords } from './frame';

/** The LV paper's Table 1 (OLS coefficients, with AIC) and Table 2 (ANOVA with partial η²) from stored runs. */
export function lvTables(rows: ResultRow[], experiment: string): ReportTable[] {
  const recs = lvRecords(rows);
  if (recs.length < 10) throw new Error(`experiment ${experiment}: ${recs.length} finished runs of the LV networks; the model needs more`);
  const fit = ols(recordsFrame(recs as unknown as Record<string, unknown>[], experiment), LV_FORMULA);
  return [
    coefficientTable(fit, 'lv-table1', `Table 1. Coefficients and p-values for the linear model, with AIC: ${fit.aic.toFixed(0)}`, `Model: ${LV_FORMULA}; ${fit.nobs} runs of experiment ${experiment}.`),
    anovaTable(fit, 'lv-table2', 'Table 2. ANOVA table with partial η²', `Type-1 ANOVA of ${LV_FORMULA}; η²p of the residuals is their share of the total SS.`),
  ];
}
