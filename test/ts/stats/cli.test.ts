import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { main } from '../../../ts/cli';
import { expandGrid } from '../../../ts/experiment/grid';
import { TABLES } from '../../../ts/protocol/tables';
import { ols } from '../../../ts/stats/ols';
import { recordsFrame } from '../../../ts/stats/frame';
import { openDb } from '../../../ts/store/db';
import { registerExperiment } from '../../../ts/store/jobs';
import { resultRows, storeResult } from '../../../ts/store/results';
import { cli, tiny, tmp } from '../helpers';
import { GOLDEN, type GoldenDataset, mismatches, scaleOf } from './golden';

/** `plateau stats` through the real command-line parser (in-process, plus one spawned run). */
const paper = join(GOLDEN, 'paper.csv');
const golden = JSON.parse(readFileSync(join(GOLDEN, 'paper.json'), 'utf8')) as GoldenDataset;
const FORMULA = golden.cases.find((c) => c.kind === 'ols')!.formula!;

let out: string[];
let err: string[];
beforeEach(() => {
  out = [];
  err = [];
  vi.spyOn(console, 'log').mockImplementation((...a) => void out.push(a.join(' ')));
  vi.spyOn(console, 'error').mockImplementation((...a) => void err.push(a.join(' ')));
});
afterEach(() => vi.restoreAllMocks());

async function stats(...args: string[]) {
  out.length = 0;
  err.length = 0;
  process.exitCode = 0;
  const code = await main(['node', 'plateau', 'stats', ...args]);
  process.exitCode = 0;
  return { code, stdout: out.join('\n'), stderr: err.join('\n') };
}

const refOf = (kind: string, extra: (c: GoldenDataset['cases'][number]) => boolean = () => true) =>
  golden.cases.find((c) => c.kind === kind && extra(c))!.result as Record<string, unknown>;

describe('plateau stats --json', () => {
  it("ols prints statsmodels' names and numbers for the paper's model", async () => {
    const r = await stats('ols', '--data', paper, '--formula', FORMULA, '--json');
    expect(r.code).toBe(0);
    const j = JSON.parse(r.stdout);
    const ref = refOf('ols');
    for (const k of ['params', 'bse', 'tvalues', 'pvalues']) {
      expect(Object.keys(j[k])).toEqual(Object.keys(ref[k] as object));
      const e = Object.values(ref[k] as Record<string, number>);
      expect(mismatches(k, Object.values(j[k]) as number[], e, 1e-6, 1e-14 * scaleOf(e))).toEqual([]);
    }
    for (const k of ['rsquared', 'rsquared_adj', 'fvalue', 'llf', 'aic', 'bic', 'df_model', 'df_resid', 'nobs']) {
      expect(mismatches(k, [j[k]], [ref[k] as number], 1e-6)).toEqual([]);
    }
    expect(Object.keys(j.conf_int)).toEqual(Object.keys(ref.conf_int as object));
  });

  it('anova --typ 2 gives the rows of anova_lm with partial eta squared', async () => {
    const r = await stats('anova', '--data', paper, '--formula', FORMULA, '--typ', '2', '--json');
    expect(r.code).toBe(0);
    const rows = JSON.parse(r.stdout).rows as Record<string, number | string | null>[];
    const ref = refOf('anova', (c) => c.typ === 2).rows as Record<string, number | string | null>[];
    expect(rows.map((x) => x.term)).toEqual(ref.map((x) => x.term));
    for (const k of ['sum_sq', 'df', 'F', 'PR(>F)', 'eta_sq_partial']) {
      expect(mismatches(k, rows.map((x) => (x[k] === null ? NaN : (x[k] as number))), ref.map((x) => x[k] as number | null), 1e-6)).toEqual([]);
    }
  });

  it('tukey gives the pairwise table of pairwise_tukeyhsd', async () => {
    const r = await stats('tukey', '--data', paper, '--value', 'DICE', '--group', 'model', '--json');
    expect(r.code).toBe(0);
    const rows = JSON.parse(r.stdout).rows;
    const ref = refOf('tukey', (c) => c.group === 'model').rows as Record<string, unknown>[];
    expect(rows.map((x: Record<string, unknown>) => [x.group1, x.group2, x.reject])).toEqual(ref.map((x) => [x.group1, x.group2, x.reject]));
    expect(mismatches('lower', rows.map((x: { lower: number }) => x.lower), ref.map((x) => x.lower as number), 1e-6)).toEqual([]);
  });

  it('gam takes smooths with per-smooth df, degree and penalty', async () => {
    const c = golden.cases.find((x) => x.kind === 'gam')!;
    const r = await stats('gam', '--data', paper, '--formula', c.formula!, '--smooth', c.smooth!.join(','), '--df', String(c.df![0]), '--degree', String(c.degree![0]), '--penalty', String((c.alpha as number[])[0]), '--json');
    expect(r.code).toBe(0);
    const j = JSON.parse(r.stdout);
    expect(mismatches('edf_total', [j.edf_total], [c.result.edf_total as number], 1e-6)).toEqual([]);
    expect(mismatches('fitted', j.fittedvalues, c.result.fittedvalues as number[], 1e-6)).toEqual([]);
  });

  it('glm defaults to the log link', async () => {
    const r = await stats('glm', '--data', paper, '--formula', FORMULA, '--json');
    expect(r.code).toBe(0);
    const j = JSON.parse(r.stdout);
    expect(j.link).toBe('log');
    expect(j.iterations).toBe(refOf('glm', (c) => c.formula === FORMULA).iterations);
  });
});

describe('plateau stats text output reads like statsmodels', () => {
  it('ols: summary header, coefficient rows and diagnostics', async () => {
    const r = await stats('ols', '--data', paper, '--formula', FORMULA);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('OLS Regression Results');
    const ref = refOf('ols');
    expect(r.stdout).toMatch(new RegExp(`R-squared:\\s+${(ref.rsquared as number).toFixed(3)}`));
    expect(r.stdout).toMatch(/^ls\[long\]:Family\[T\.ResNet\]\s+-?\d/m);
    expect(r.stdout).toContain('Durbin-Watson:');
  });

  it('tukey: the statsmodels table with rounded numbers', async () => {
    const r = await stats('tukey', '--data', paper, '--value', 'DICE', '--group', 'Family');
    const ref = refOf('tukey', (c) => c.group === 'Family').rows as { meandiff: number }[];
    expect(r.stdout).toContain('Multiple Comparison of Means - Tukey HSD, FWER=0.05');
    expect(r.stdout).toContain(String(Number(ref[0].meandiff.toFixed(4))));
  });
});

describe('plateau stats: bad input exits 2 with one clear message', () => {
  const cases: [string, string[], RegExp][] = [
    ['unknown column, with its position', ['ols', '--data', paper, '--formula', 'DICE ~ ls + Datset'], /formula position 13: unknown column 'Datset' \(columns: Family, ls, model, Dataset/],
    ['formula that does not parse', ['ols', '--data', paper, '--formula', 'DICE ~ ls + (Family'], /formula position 20: missing '\)'/],
    ['no response', ['ols', '--data', paper, '--formula', '~ ls'], /needs a response/],
    ['unsupported contrast', ['ols', '--data', paper, '--formula', 'DICE ~ C(ls, Orthogonal)'], /contrast 'Orthogonal' is not supported \(Treatment, Sum, Helmert, Poly, Diff\)/],
    ['spline without df or knots', ['ols', '--data', paper, '--formula', 'DICE ~ bs(lr)'], /formula position 8: bs\(\) needs df= or knots=/],
    ['level not listed', ['ols', '--data', paper, '--formula', "DICE ~ C(ls, levels=['long'])"], /has the value short, which is not among levels=\[long\]/],
    ['categorical response', ['ols', '--data', paper, '--formula', 'model ~ ls'], /response 'model' is categorical/],
    ['log of zero', ['ols', '--data', paper, '--formula', 'DICE ~ np.log(fold - 1)'], /'np.log\(fold - 1\)' is -Infinity in row 1/],
    ['missing file', ['ols', '--data', '/nonexistent.csv', '--formula', 'y ~ x'], /\/nonexistent.csv: cannot read/],
    ['ANOVA type 4', ['anova', '--data', paper, '--formula', FORMULA, '--typ', '4'], /--typ must be 1, 2 or 3/],
    ['both sources', ['ols', '--data', paper, '--db', 'x.db', '--formula', 'y ~ x'], /either --data/],
    ['unknown group column', ['tukey', '--data', paper, '--value', 'DICE', '--group', 'size'], /no column 'size'/],
    ['smooth with too small df', ['gam', '--data', paper, '--formula', 'DICE ~ ls', '--smooth', 'lr', '--df', '3'], /df=3 is too small for degree=3/],
  ];
  for (const [what, args, message] of cases) {
    it(what, async () => {
      const r = await stats(...args);
      expect(r.code).toBe(2);
      expect(r.stderr).toMatch(message);
      expect(r.stdout).toBe('');
    });
  }

  it('fewer rows than parameters', async () => {
    const dir = tmp();
    const file = join(dir, 'few.csv');
    writeFileSync(file, 'y,x,g\n1,2,a\n2,3,b\n3,5,c\n');
    const r = await stats('ols', '--data', file, '--formula', 'y ~ x + g');
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/3 usable rows for 4 parameters/);
  });
});

describe('plateau stats on stored runs (--db --experiment)', () => {
  it('analyses the result rows of an experiment as a data frame', async () => {
    const file = join(tmp(), 'store.db');
    const exp = tiny({ fractions: [0.25, 0.5, 0.75, 1] });
    const jobs = expandGrid(exp);
    const db = openDb(file);
    registerExperiment(db, exp, jobs);
    jobs.forEach((job, i) => {
      const metrics = Object.fromEntries(TABLES.metrics.map((c) => [c.name, c.type === 'utf8' ? 'cpu' : 1]));
      metrics.dice = 0.7 + 0.1 * Math.log(job.fraction ?? 1) + 0.01 * ((i * 7) % 5);
      storeResult(db, job.key, { epochs: [], metrics: [metrics] }, { worker: 'w', seconds: 1 });
    });
    const frame = recordsFrame(resultRows(db, exp.name) as unknown as Record<string, unknown>[], 'store');
    db.close();
    const formula = 'dice ~ np.log(fraction) + C(depth)';
    const r = await stats('ols', '--db', file, '--experiment', exp.name, '--formula', formula, '--json');
    expect(r.code).toBe(0);
    const j = JSON.parse(r.stdout);
    expect(j.nobs).toBe(jobs.length);
    expect(Object.keys(j.params)).toEqual(['Intercept', 'C(depth)[T.3]', 'np.log(fraction)']);
    expect(Object.values(j.params)).toEqual(Array.from(ols(frame, formula).params));
    const only = await stats('ols', '--db', file, '--formula', formula, '--json');
    expect(only.code, only.stderr).toBe(0);
    expect(JSON.parse(only.stdout).params).toEqual(JSON.parse(r.stdout).params);
    const missing = await stats('ols', '--db', file, '--experiment', 'nope', '--formula', formula);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/no experiment 'nope' \(stored: tiny\)/);
  });
});

describe('the plateau executable', () => {
  it('exits 2 on a bad formula', async () => {
    const r = await cli(['stats', 'ols', '--data', paper, '--formula', 'DICE ~ ls +']);
    expect(r.exitCode).toBe(2);
    expect(r.stderr).toMatch(/^plateau: formula position 12: expected a term/);
  });
});
