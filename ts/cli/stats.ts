import type { Command } from 'commander';
import { UserError } from '../errors';
import type { AnovaType } from '../stats/anova';
import type { Frame } from '../stats/frame';
import type { Link } from '../stats/glm';
import { defaultDbPath } from '../store/db';
import { chooseExperiment, openExisting } from './status';

/**
 * `plateau stats ols|glm|anova|tukey|gam`: the second paper's analyses (OLS, Gaussian GLM with a
 * log link, ANOVA with effect sizes, Tukey HSD, penalized-spline GAM) on a CSV or on the runs in
 * the store, with statsmodels' numbers and names.
 */
interface Source {
  data?: string;
  db?: string;
  experiment?: string;
  json?: boolean;
}

/** The data frame: a CSV, or one row per finished job of the store (job parameters and test metrics). */
export async function loadFrame(o: Source): Promise<Frame> {
  if (o.data && (o.db || o.experiment)) throw new UserError('give either --data FILE.csv or --db FILE [--experiment NAME], not both');
  const [{ readCsvFrame, recordsFrame }, { resultRows }] = await Promise.all([import('../stats/frame'), import('../store/results')]);
  if (o.data) return readCsvFrame(o.data);
  // No --data: the runs of a store (the default one unless --db), as `status` and `forecast` do.
  const file = o.db ?? defaultDbPath();
  const db = openExisting(file);
  try {
    // One regression over several experiments would mix unrelated grids: name one when there are several.
    const experiment = chooseExperiment(db, file, o.experiment);
    const rows = resultRows(db, experiment) as unknown as Record<string, unknown>[];
    const where = `${file}, experiment ${experiment}`;
    if (!rows.length) throw new UserError(`${where}: no finished runs to analyse yet`);
    return recordsFrame(rows, where);
  } finally {
    db.close();
  }
}

const number = (name: string, test: (v: number) => boolean, rule: string) => (v: string) => {
  const x = Number(v);
  if (v.trim() === '' || !Number.isFinite(x) || !test(x)) throw new UserError(`${name} must be ${rule} (got '${v}')`);
  return x;
};
const list = (name: string, test: (v: number) => boolean, rule: string) => (v: string) => v.split(',').map((s) => number(name, test, rule)(s));
const alphaOption = number('--alpha', (x) => x > 0 && x < 1, 'between 0 and 1');

function withSource(cmd: Command): Command {
  return cmd
    .option('--data <file>', 'a CSV file with a header row')
    .option('--db <file>', `a plateau store (default: ${defaultDbPath()}, when no --data is given)`)
    .option('--experiment <name>', 'the experiment whose finished runs to analyse (default: the only one stored; columns: job parameters and test metrics)')
    .option('--json', "machine-readable output, with statsmodels' names");
}

// The analyses load in the stats command that runs them, not when the CLI starts (issue 13).
const json = () => import('../stats/json');
const summary = () => import('../stats/summary');

function print(o: Source, json: () => unknown, text: () => string): void {
  console.log(o.json ? JSON.stringify(json(), null, 2) : text());
}

export function registerStats(program: Command): void {
  const stats = program
    .command('stats')
    .description('OLS, GLM, ANOVA, Tukey HSD and GAM on a CSV or the stored runs; numbers as statsmodels gives them');

  withSource(stats.command('ols').description('ordinary least squares with a patsy formula, e.g. "dice ~ np.log(n_train) + C(depth)"'))
    .requiredOption('--formula <formula>', 'patsy/R model formula: y ~ a + b:c + C(d) + np.log(e) + I(f ** 2) - 1')
    .option('--alpha <level>', 'significance level of the confidence intervals', alphaOption, 0.05)
    .action(async (o: Source & { formula: string; alpha: number }) => {
      const [{ ols }, { olsJson }, { olsSummary }] = await Promise.all([import('../stats/ols'), json(), summary()]);
      const fit = ols(await loadFrame(o), o.formula, o.alpha);
      print(o, () => olsJson(fit), () => olsSummary(fit));
    });

  withSource(stats.command('glm').description('Gaussian GLM fitted by IRLS, log link by default'))
    .requiredOption('--formula <formula>', 'patsy/R model formula')
    .option('--link <link>', 'log or identity', 'log')
    .option('--alpha <level>', 'significance level of the confidence intervals', alphaOption, 0.05)
    .action(async (o: Source & { formula: string; link: string; alpha: number }) => {
      if (o.link !== 'log' && o.link !== 'identity') throw new UserError(`--link must be log or identity (got '${o.link}')`);
      const [{ glm }, { glmJson }, { glmSummary }] = await Promise.all([import('../stats/glm'), json(), summary()]);
      const fit = glm(await loadFrame(o), o.formula, o.link as Link, o.alpha);
      print(o, () => glmJson(fit), () => glmSummary(fit));
    });

  withSource(stats.command('anova').description("ANOVA table of an OLS fit (statsmodels' anova_lm) with partial eta squared"))
    .requiredOption('--formula <formula>', 'patsy/R model formula')
    .option('--typ <type>', 'sums of squares: 1 (sequential), 2 or 3', number('--typ', (x) => x === 1 || x === 2 || x === 3, '1, 2 or 3'), 1)
    .action(async (o: Source & { formula: string; typ: AnovaType }) => {
      const [{ anova }, { ols }, { anovaJson }, { anovaSummary }] = await Promise.all([import('../stats/anova'), import('../stats/ols'), json(), summary()]);
      const table = anova(ols(await loadFrame(o), o.formula), o.typ);
      print(o, () => anovaJson(table), () => anovaSummary(table));
    });

  withSource(stats.command('tukey').description("Tukey HSD: all pairwise differences of group means (statsmodels' pairwise_tukeyhsd)"))
    .requiredOption('--value <column>', 'the numeric column compared, e.g. dice')
    .requiredOption('--group <column>', 'the column that defines the groups, e.g. model')
    .option('--alpha <level>', 'family-wise error rate', alphaOption, 0.05)
    .action(async (o: Source & { value: string; group: string; alpha: number }) => {
      const [{ tukeyHsd }, { tukeyJson }, { tukeySummary }] = await Promise.all([import('../stats/tukey'), json(), summary()]);
      const result = tukeyHsd(await loadFrame(o), o.value, o.group, o.alpha);
      print(o, () => tukeyJson(result), () => tukeySummary(result));
    });

  withSource(stats.command('gam').description("Gaussian GAM with penalized B-spline smooths (statsmodels' GLMGam with BSplines)"))
    .requiredOption('--formula <formula>', 'the linear part, e.g. "dice ~ C(family) + np.log(lr)"')
    .requiredOption('--smooth <variables>', 'smoothed variables or expressions, comma-separated, e.g. "np.log(n_train)"')
    .option('--df <n>', 'basis functions per smooth (comma list; one value applies to all)', list('--df', (x) => Number.isInteger(x) && x >= 2, 'integers >= 2'), [6])
    .option('--degree <n>', 'spline degree per smooth', list('--degree', (x) => Number.isInteger(x) && x >= 0, 'integers >= 0'), [3])
    .option('--penalty <weight>', "penalty weight per smooth (statsmodels' alpha; 0 = unpenalized)", list('--penalty', (x) => x >= 0, 'numbers >= 0'), [0])
    .action(async (o: Source & { formula: string; smooth: string; df: number[]; degree: number[]; penalty: number[] }) => {
      const variables = splitTop(o.smooth);
      const per = (name: string, v: number[]) => {
        if (v.length !== 1 && v.length !== variables.length) throw new UserError(`${name} has ${v.length} values for ${variables.length} smooths`);
        return variables.map((_, i) => v[v.length === 1 ? 0 : i]);
      };
      const df = per('--df', o.df);
      const degree = per('--degree', o.degree);
      const alpha = per('--penalty', o.penalty);
      const [{ gam }, { gamJson }, { gamSummary }] = await Promise.all([import('../stats/gam'), json(), summary()]);
      const fit = gam(await loadFrame(o), o.formula, variables.map((variable, i) => ({ variable, df: df[i], degree: degree[i], alpha: alpha[i] })));
      print(o, () => gamJson(fit), () => gamSummary(fit));
    });
}

/** Splits "a, np.log(b, c)" at top-level commas only. */
function splitTop(s: string): string[] {
  const out: string[] = [];
  let depth = 0;
  let cur = '';
  for (const c of s) {
    if (c === '(' || c === '[') depth++;
    if (c === ')' || c === ']') depth--;
    if (c === ',' && depth === 0) {
      out.push(cur.trim());
      cur = '';
    } else cur += c;
  }
  out.push(cur.trim());
  if (out.some((v) => !v)) throw new UserError(`--smooth: empty variable in '${s}'`);
  return out;
}
