import type { AnovaTable } from './anova';
import type { GamFit } from './gam';
import type { GlmFit } from './glm';
import type { OlsFit } from './ols';
import { normPpf } from './distributions';
import { pythonLabel } from './frame';
import { forg, pyFormat, pyRound } from './pyformat';
import type { TukeyResult } from './tukey';

/**
 * Plain-text results laid out like statsmodels' summaries (iolib/summary.py): a two-column
 * header of model facts, the coefficient table, then diagnostics and notes. Date and time rows
 * are left out so that the output is reproducible.
 */
const WIDTH = 78;
const center = (s: string, w: number) => {
  const pad = Math.max(0, w - s.length);
  return ' '.repeat(Math.floor(pad / 2)) + s + ' '.repeat(Math.ceil(pad / 2));
};

/** Label/value pairs in two columns, as statsmodels' summary_top. */
function facts(left: [string, string][], right: [string, string][]): string[] {
  const cell = (pair: [string, string] | undefined, w: number) => {
    if (!pair) return ' '.repeat(w);
    const [label, value] = pair;
    return label + value.trim().padStart(Math.max(1, w - label.length));
  };
  return Array.from({ length: Math.max(left.length, right.length) }, (_, i) => `${cell(left[i], 37)}   ${cell(right[i], 38)}`.trimEnd());
}

interface Coefficients {
  names: string[];
  params: ArrayLike<number>;
  bse: ArrayLike<number>;
  tvalues: ArrayLike<number>;
  pvalues: ArrayLike<number>;
  confInt: [ArrayLike<number>, ArrayLike<number>];
  alpha: number;
  stat: 't' | 'z';
}

function coefficientTable(c: Coefficients): { lines: string[]; width: number } {
  const w = Math.max(...c.names.map((n) => n.length), 9);
  const header = ['coef', 'std err', c.stat, `P>|${c.stat}|`, `[${pythonLabel(c.alpha / 2)}`, `${pythonLabel(1 - c.alpha / 2)}]`];
  const width = Math.max(WIDTH, w + 11 * header.length);
  const row = (name: string, cells: string[]) => name.padEnd(w) + cells.map((s) => s.trim().padStart(11)).join('');
  const lines = [
    '='.repeat(width),
    row('', header),
    '-'.repeat(width),
    ...c.names.map((name, j) =>
      row(name, [forg(c.params[j], 4), forg(c.bse[j], 3), forg(c.tvalues[j], 3), pyFormat('%#6.3f', c.pvalues[j]), forg(c.confInt[0][j], 3), forg(c.confInt[1][j], 3)]),
    ),
  ];
  return { lines, width };
}

const int = (v: number) => (Number.isInteger(v) ? String(v) : pyFormat('%#8.5g', v));

export function olsSummary(f: OlsFit): string {
  const d = f.diagnostics;
  const top = facts(
    [
      ['Dep. Variable:', f.design.yName],
      ['Model:', 'OLS'],
      ['Method:', 'Least Squares'],
      ['No. Observations:', String(f.nobs)],
      ['Df Residuals:', int(f.dfResid)],
      ['Df Model:', int(f.dfModel)],
      ['Covariance Type:', 'nonrobust'],
    ],
    [
      ['R-squared:', pyFormat('%#8.3f', f.rsquared)],
      ['Adj. R-squared:', pyFormat('%#8.3f', f.rsquaredAdj)],
      ['F-statistic:', pyFormat('%#8.4g', f.fvalue)],
      ['Prob (F-statistic):', pyFormat('%#6.3g', f.fPvalue)],
      ['Log-Likelihood:', pyFormat('%#8.5g', f.llf)],
      ['AIC:', pyFormat('%#8.4g', f.aic)],
      ['BIC:', pyFormat('%#8.4g', f.bic)],
    ],
  );
  const table = coefficientTable({ names: f.design.columnNames, ...f, stat: 't' });
  const bottom = facts(
    [
      ['Omnibus:', pyFormat('%#6.3f', d.omnibus)],
      ['Prob(Omnibus):', pyFormat('%#6.3f', d.omnibus_pvalue)],
      ['Skew:', pyFormat('%#6.3f', d.skew)],
      ['Kurtosis:', pyFormat('%#6.3f', d.kurtosis)],
    ],
    [
      ['Durbin-Watson:', pyFormat('%#8.3f', d.durbin_watson)],
      ['Jarque-Bera (JB):', pyFormat('%#8.3f', d.jarque_bera)],
      ['Prob(JB):', pyFormat('%#8.3g', d.jarque_bera_pvalue)],
      ['Cond. No.', pyFormat('%#8.3g', f.conditionNumber)],
    ],
  );
  return [
    center('OLS Regression Results', WIDTH),
    '='.repeat(WIDTH),
    ...top,
    ...table.lines,
    '='.repeat(WIDTH),
    ...bottom,
    '='.repeat(WIDTH),
    ...notes(f.design.formula, f.nobs, f.design.rows.length ? f.design.source : '', f.warnings, 'Standard Errors assume that the covariance matrix of the errors is correctly specified.'),
  ].join('\n');
}

export function glmSummary(f: GlmFit): string {
  const top = facts(
    [
      ['Dep. Variable:', f.design.yName],
      ['Model:', 'GLM'],
      ['Model Family:', 'Gaussian'],
      ['Link Function:', f.link === 'log' ? 'Log' : 'Identity'],
      ['Method:', 'IRLS'],
      ['No. Iterations:', String(f.iterations)],
      ['Covariance Type:', 'nonrobust'],
    ],
    [
      ['No. Observations:', String(f.nobs)],
      ['Df Residuals:', int(f.dfResid)],
      ['Df Model:', int(f.dfModel)],
      ['Scale:', pyFormat('%#8.5g', f.scale)],
      ['Log-Likelihood:', pyFormat('%#8.5g', f.llf)],
      ['Deviance:', pyFormat('%#8.5g', f.deviance)],
      ['Pearson chi2:', pyFormat('%#6.3g', f.pearsonChi2)],
      ['Pseudo R-squ. (CS):', pyFormat('%#6.4g', f.pseudoRsquaredCs)],
    ],
  );
  const table = coefficientTable({ names: f.design.columnNames, ...f, stat: 'z' });
  return [
    center('Generalized Linear Model Regression Results', WIDTH),
    '='.repeat(WIDTH),
    ...top,
    ...table.lines,
    '='.repeat(table.width),
    `AIC: ${pyFormat('%#8.5g', f.aic).trim()}   BIC: ${pyFormat('%#8.5g', f.bic).trim()}`,
    ...notes(f.design.formula, f.nobs, f.design.source, f.warnings),
  ].join('\n');
}

export function gamSummary(f: GamFit): string {
  const top = facts(
    [
      ['Dep. Variable:', f.design.yName],
      ['Model:', 'GLMGam'],
      ['Model Family:', 'Gaussian'],
      ['Link Function:', 'Identity'],
      ['Method:', 'PIRLS'],
      ['Covariance Type:', 'nonrobust'],
    ],
    [
      ['No. Observations:', String(f.nobs)],
      ['Df Residuals:', pyFormat('%#8.5g', f.dfResid)],
      ['Df Model:', pyFormat('%#8.5g', f.edfTotal - 1)],
      ['Scale:', pyFormat('%#8.5g', f.scale)],
      ['Log-Likelihood:', pyFormat('%#8.5g', f.llf)],
      ['Deviance:', pyFormat('%#8.5g', f.deviance)],
      ['AIC:', pyFormat('%#8.5g', f.aic)],
      ['GCV:', pyFormat('%#8.5g', f.gcv)],
    ],
  );
  const alpha = 0.05;
  const q = normPpf(1 - alpha / 2);
  const table = coefficientTable({
    names: f.columnNames, params: f.params, bse: f.bse, tvalues: f.tvalues, pvalues: f.pvalues,
    confInt: [f.params.map((b, j) => b - q * f.bse[j]), f.params.map((b, j) => b + q * f.bse[j])], alpha, stat: 'z',
  });
  const k = f.design.columnNames.length;
  let offset = k;
  const smoothRows = f.smooths.map((s) => {
    const name = f.columnNames[offset].replace(/_s0$/, '');
    const cols = s.df - 1;
    const edf = f.edf.slice(offset, offset + cols).reduce((a, b) => a + b, 0);
    offset += cols;
    return `${name.padEnd(24)}${String(cols).padStart(8)}${pyFormat('%10.4f', edf)}${String(s.df).padStart(6)}${String(s.degree).padStart(8)}${pyFormat('%12.4g', s.alpha)}`;
  });
  return [
    center('Generalized Additive Model Regression Results', WIDTH),
    '='.repeat(WIDTH),
    ...top,
    ...table.lines,
    '='.repeat(table.width),
    `${'Smooth term'.padEnd(24)}${'columns'.padStart(8)}${'edf'.padStart(10)}${'df'.padStart(6)}${'degree'.padStart(8)}${'alpha'.padStart(12)}`,
    '-'.repeat(68),
    ...smoothRows,
    '-'.repeat(68),
    ...notes(f.design.formula, f.nobs, f.design.source, []),
  ].join('\n');
}

function notes(formula: string, nobs: number, source: string, warnings: string[], first?: string): string[] {
  const items = [...(first ? [first] : []), ...warnings];
  return [
    '',
    `Formula: ${formula}`,
    ...(source ? [`Data: ${source} (${nobs} rows used)`] : []),
    ...(items.length ? ['', 'Notes:', ...items.map((w, i) => `[${i + 1}] ${w}`)] : []),
  ];
}

/** Like pandas prints anova_lm's DataFrame, with the effect sizes as extra columns. */
export function anovaSummary(t: AnovaTable): string {
  const cols = ['sum_sq', 'df', 'F', 'PR(>F)', 'eta_sq_partial', 'eta_sq'] as const;
  const formatColumn = (k: (typeof cols)[number]) => {
    const v = t.rows.map((r) => r[k]);
    if (k === 'df') return v.map((x) => pyFormat('%.1f', x));
    const finite = v.filter((x) => Number.isFinite(x) && x !== 0).map(Math.abs);
    const sci = k === 'PR(>F)' || finite.some((x) => x < 1e-4 || x >= 1e6);
    return v.map((x) => (Number.isNaN(x) ? 'NaN' : sci ? pyFormat('%e', x) : pyFormat('%f', x)));
  };
  const cells = cols.map(formatColumn);
  const nameW = Math.max(...t.rows.map((r) => r.term.length));
  const widths = cols.map((c, j) => Math.max(c.length, ...cells[j].map((s) => s.length)));
  const line = (name: string, values: string[]) => name.padEnd(nameW) + values.map((s, j) => `  ${s.padStart(widths[j])}`).join('');
  return [
    `ANOVA, type ${t.typ === 1 ? 'I' : t.typ === 2 ? 'II' : 'III'} sums of squares: ${t.formula}`,
    '',
    line('', [...cols]),
    ...t.rows.map((r, i) => line(r.term, cells.map((c) => c[i]))),
    '',
    'eta_sq_partial = sum_sq / (sum_sq + Residual sum_sq); eta_sq = sum_sq / total sum_sq of the table.',
    ...t.warnings.map((w) => `Warning: ${w}`),
  ].join('\n');
}

/** statsmodels' TukeyHSDResults.summary(): numbers rounded to 4 decimals. */
export function tukeySummary(t: TukeyResult): string {
  const header = ['group1', 'group2', 'meandiff', 'p-adj', 'lower', 'upper', 'reject'];
  const rows = t.rows.map((r) => [r.group1, r.group2, pyRound(r.meandiff, 4), pyRound(r['p-adj'], 4), pyRound(r.lower, 4), pyRound(r.upper, 4), r.reject ? 'True' : 'False']);
  const widths = header.map((h, j) => Math.max(h.length, ...rows.map((r) => r[j].length)));
  const line = (cells: string[]) => cells.map((c, j) => c.padStart(widths[j])).join(' ');
  const width = widths.reduce((a, b) => a + b, 0) + widths.length - 1;
  const title = `Multiple Comparison of Means - Tukey HSD, FWER=${pyFormat('%4.2f', t.alpha)}`;
  return [
    center(title, Math.max(width, title.length)),
    '='.repeat(width),
    line(header),
    '-'.repeat(width),
    ...rows.map(line),
    '-'.repeat(width),
    `${t.value} by ${t.group}: ${t.groups.length} groups, ${t.groups.reduce((a, g) => a + g.n, 0)} rows${t.dropped ? ` (${t.dropped} with a missing value left out)` : ''}; studentized range critical value ${pyFormat('%.4f', t.q_crit)} on ${t.df} df`,
  ].join('\n');
}
