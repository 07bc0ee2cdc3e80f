import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { expandGrid } from '../../../ts/experiment/grid';
import { figure2Rows, quantile } from '../../../ts/report/lv/figure2';
import { LV_FORMULA, lvFormula, lvRecords } from '../../../ts/report/lv/frame';
import { buildReport, writeReport } from '../../../ts/report/report';
import { recordsFrame } from '../../../ts/stats/frame';
import { ols } from '../../../ts/stats/ols';
import { tukeyHsd } from '../../../ts/stats/tukey';
import { openDb } from '../../../ts/store/db';
import { registerExperiment } from '../../../ts/store/jobs';
import { resultRows, storeResult } from '../../../ts/store/results';
import { tiny, tmp } from '../helpers';

/** An LV-style grid: 6 encoder networks × 3 sizes × 2 lr × 2 L2, with a seeded DICE per run. */
function lvStore() {
  const exp = tiny({
    name: 'lv',
    dataset: { kind: 'synthetic-2d', count: 80, size: 32, objects: 3, radius_max: 6, noise: 0.3, seed: 1 },
    split: { train: 60, val: 10, test: 10 },
    fractions: { counts: [10, 20, 40] } as never,
    models: [{ family: ['unet-vgg16', 'unet-vgg19', 'unet-resnet18', 'unet-resnet50', 'unet-efficientnet-b0', 'unet-efficientnet-b5'] }] as never,
    training: { epochs: 1, batch_size: 8, lr: [0.01, 0.001], weight_decay: [0.01, 0.0001] } as never,
  });
  const jobs = expandGrid(exp);
  const db = openDb(join(tmp(), 'lv.db'));
  registerExperiment(db, exp, jobs);
  let u = 7;
  const noise = () => ((u = (u * 48271) % 2147483647) / 2147483647 - 0.5) * 0.04;
  for (const j of jobs) {
    const big = /vgg19|resnet50|b5/.test(j.model.name) ? 0.02 : 0;
    const dice = 0.5 + 0.08 * Math.log(j.count ?? 10) + big + 0.01 * Math.log10(j.training.lr) + noise();
    storeResult(db, j.key, { epochs: [], metrics: [{ dice, global_dice: dice + 0.005, bce: 0.4 - dice / 4, iou: dice / 2, n_train: j.n_train }] }, { worker: 'w', seconds: 1 });
  }
  return { db, exp };
}

describe('lv-families report', async () => {
  const { db, exp } = lvStore();
  const rows = resultRows(db, exp.name);
  const report = await buildReport(db, exp.name, 'lv-families');
  const out = tmp();
  writeReport(report, out, ['md', 'csv', 'tex', 'html']);
  const recs = lvRecords(rows);
  const fit = ols(recordsFrame(recs as unknown as Record<string, unknown>[], 'x'), LV_FORMULA);

  it('Table 1: the coefficients of the paper formula, as the OLS gives them', () => {
    // 3 sizes per curve: the engine answers from 3, so the report opens with the Answer; nothing is left out
    expect(report.notes).toEqual([]);
    expect(report.tables.map((x) => x.id)).toEqual(['answer', 'lv-table1', 'lv-table2']);
    const t = report.tables.find((x) => x.id === 'lv-table1')!;
    expect(t.title).toContain(`AIC: ${fit.aic.toFixed(0)}`);
    expect(t.rows.map((r) => r[0])).toEqual(fit.design.columnNames);
    t.rows.forEach((r, j) => {
      expect(r[1]).toBe(fit.params[j]);
      expect(r[4]).toBe(fit.pvalues[j]);
    });
    const csv = readFileSync(join(out, 'lv-table1.csv'), 'utf8').trim().split('\n');
    expect(csv).toHaveLength(fit.design.columnNames.length + 1);
  });

  it('Table 2: ANOVA with partial η² and the residuals', () => {
    const t = report.tables.find((x) => x.id === 'lv-table2')!;
    expect(t.rows.map((r) => r[0])).toEqual(['ls', 'ls:Family', 'np.log(Dataset)', 'np.log(lr):ls:Family', 'np.log(reg)', 'Residuals']);
    const data = t.rows.find((r) => r[0] === 'np.log(Dataset)')!;
    const ss = data[2] as number;
    expect(data[5]).toBeCloseTo(ss / (ss + fit.ssr), 12);
    expect(t.rows.at(-1)![2]).toBeCloseTo(fit.ssr, 12);
    expect(readFileSync(join(out, 'lv-table2.tex'), 'utf8')).toContain('$\\eta$$^2$p');
  });

  it('Figure 2: medians and IQRs by size and network, and HSD intervals around the group means', () => {
    const f = figure2Rows(rows);
    const sel = recs.filter((r) => r.Dataset === 20 && r.net === 'R50').map((r) => r.DICE);
    const box = f.box.find((b) => b.Dataset === 20 && b.net === 'R50' && b.metric === 'DICE')!;
    expect(box.median).toBeCloseTo(quantile(sel, 0.5), 12);
    expect(box.q3).toBeGreaterThanOrEqual(box.median);
    const t = tukeyHsd(recordsFrame(recs.map((r) => ({ DICE: r.DICE, group: `${r.Dataset}|${r.net}` })), 'x'), 'DICE', 'group');
    const h = f.hsd.find((x) => x.Dataset === 20 && x.net === 'R50')!;
    expect(h.mean).toBeCloseTo(t.groups.find((g) => g.name === '20|R50')!.mean, 12);
    // equal group sizes: every half-width is q·sqrt(MSE/n)/2 (statsmodels' plot_simultaneous)
    expect(f.hsd).toHaveLength(18);
    const widths = f.hsd.map((x) => x.upper - x.lower);
    for (const w of widths) expect(w).toBeCloseTo(widths[0], 12);
    const svg = readFileSync(join(out, 'lv-figure2.svg'), 'utf8');
    expect((svg.match(/aria-roledescription="rule mark"/g) ?? []).length).toBe(18 * 3); // DICE and BCE IQRs, HSD intervals
    expect((svg.match(/aria-roledescription="point"/g) ?? []).length).toBe(18 * 3);
  });
});

/** A store of other networks (the default experiment's residual U-Nets), seeded DICE per run. */
async function otherReport(over: Parameters<typeof tiny>[0]) {
  const exp = tiny({ name: 'other', fractions: [0.25, 0.5, 0.75, 1], repeats: 3, ...over } as never);
  const jobs = expandGrid(exp);
  const db = openDb(join(tmp(), 'other.db'));
  registerExperiment(db, exp, jobs);
  let u = 11;
  const noise = () => ((u = (u * 48271) % 2147483647) / 2147483647 - 0.5) * 0.04;
  for (const j of jobs) {
    const dice = 0.4 + 0.05 * Math.log(j.n_train ?? 1) + (j.model.name.endsWith('3') ? 0.03 : 0) + noise();
    storeResult(db, j.key, { epochs: [], metrics: [{ dice, global_dice: dice, bce: 0.5 - dice / 4, iou: dice / 2, n_train: j.n_train ?? 0 }] }, { worker: 'w', seconds: 1 });
  }
  return { report: await buildReport(db, exp.name, 'lv-families'), rows: resultRows(db, exp.name) };
}

describe('lv-families report on a store of other networks', () => {
  it('one family, one lr and no L2: the model factor and the size only', async () => {
    const { report, rows } = await otherReport({ seed: 5 });
    expect(report.notes.filter((n) => !n.startsWith('Answer'))).toEqual([]);
    const formula = lvFormula(lvRecords(rows), 'x');
    expect(formula).toBe('DICE ~ model + np.log(Dataset)');
    const fit = ols(recordsFrame(lvRecords(rows) as unknown as Record<string, unknown>[], 'x'), formula);
    const t1 = report.tables.find((x) => x.id === 'lv-table1')!;
    expect(t1.rows.map((r) => r[0])).toEqual(['Intercept', 'model[T.resunet-d3]', 'np.log(Dataset)']);
    t1.rows.forEach((r, j) => expect(r[1]).toBe(fit.params[j]));
    expect(report.tables.find((x) => x.id === 'lv-table2')!.rows.map((r) => r[0])).toEqual(['model', 'np.log(Dataset)', 'Residuals']);
    expect(report.figures.map((f) => f.id)).toEqual(['lv-figure2']);
  });
  it('two learning rates: their log enters by model', async () => {
    const { rows } = await otherReport({ training: { epochs: 1, batch_size: 8, lr: [0.01, 0.001] } as never });
    expect(lvFormula(lvRecords(rows), 'x')).toBe('DICE ~ model + np.log(Dataset) + np.log(lr):model');
  });
  it('one size: the report says the model needs two', async () => {
    const { report } = await otherReport({ fractions: [1], repeats: 6 } as never);
    expect(report.notes.join('\n')).toContain('the runs have 1 data set size; the model needs at least two');
  });
});
