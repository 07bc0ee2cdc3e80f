/**
 * plateau's statistics, equal to statsmodels: patsy formulas and design matrices, OLS, Gaussian
 * GLM (IRLS, log or identity link), ANOVA types 1-3 with effect sizes, Tukey HSD, and a GAM with
 * penalized B-splines. Results are typed; json.ts gives them statsmodels' names, summary.ts its
 * text layout. Data come as a Frame: readCsvFrame(file) or recordsFrame(rows, source).
 */
export { anova, type AnovaRow, type AnovaTable, type AnovaType } from './anova';
export { type Design, designMatrices } from './design';
export { type Column, csvFrame, type Frame, readCsvFrame, recordsFrame } from './frame';
export { type ModelDesc, parseFormula } from './formula';
export { gam, type GamFit, type SmoothSpec } from './gam';
export { glm, glmDesign, type GlmFit, type Link } from './glm';
export { anovaJson, gamJson, glmJson, olsJson, tukeyJson } from './json';
export { ols, olsDesign, type OlsFit } from './ols';
export { anovaSummary, gamSummary, glmSummary, olsSummary, tukeySummary } from './summary';
export { tukeyHsd, type TukeyResult, type TukeyRow } from './tukey';
