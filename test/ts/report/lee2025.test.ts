import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { reportData } from '../../../ts/report/data';
import { heatmapCells } from '../../../ts/report/lee2025/heatmaps';
import { buildReport, writeReport } from '../../../ts/report/report';
import { resultRows } from '../../../ts/store/results';
import { paperBacktest } from '../../../ts/surrogate/backtest';
import { curvesFromRows } from '../../../ts/surrogate/curve';
import { plannedFullN } from '../../../ts/store/jobs';
import { answer, answerLines } from '../../../ts/surrogate/engine';
import type { CurveFigureRow } from '../../../ts/report/lee2025/curves';
import { expandGrid } from '../../../ts/experiment/grid';
import { openDb } from '../../../ts/store/db';
import { registerExperiment } from '../../../ts/store/jobs';
import { storeResult } from '../../../ts/store/results';
import { tiny, tmp } from '../helpers';
import { seededStore } from '../tui/seed';

const LSTM_EPOCHS = 15; // short LSTM fits: the numbers are compared, not their quality
// tfjs' plain JS backend: no wasm start-up, which takes a minute on a loaded 2-core machine
process.env.PLATEAU_TF_BACKEND = 'cpu';

describe('lee2025 report', async () => {
  const { db, exp } = seededStore();
  const rows = resultRows(db, exp.name);
  const report = await buildReport(db, exp.name, 'lee2025', { lstmEpochs: LSTM_EPOCHS, surrogate: 'pow3', targetDice: 0.85 });
  const out = tmp();
  const files = writeReport(report, out, ['md', 'csv', 'tex', 'html']);

  it("opens with the Answer: the engine's forecasts, target n, plateau, best model and reliability, in every format", async () => {
    expect(report.tables[0].id).toBe('answer');
    const t = report.tables[0];
    const a = await answer(curvesFromRows(rows, exp.name, plannedFullN(db, exp.name)), { method: 'pow3', targetDice: 0.85, seed: 0, lstm: { seed: 0, epochs: LSTM_EPOCHS } });
    const cell = (model: string, what: string, col: string) => t.rows.find((r) => r[0] === model && r[1] === what)![t.header.indexOf(col)];
    for (const m of a.models) {
      for (const f of m.at) {
        expect(cell(m.model, `Dice at ${+(f.fraction * 100).toFixed(1)}%`, 'Dice')).toBe(f.dice);
        expect(cell(m.model, `Dice at ${+(f.fraction * 100).toFixed(1)}%`, '95% interval')).toBe(`[${f.lo95.toFixed(3)}, ${f.hi95.toFixed(3)}]`);
      }
      expect(cell(m.model, 'n for Dice 0.85', 'n')).toBe(m.target!.n);
      expect(String(cell(m.model, 'n for Dice 0.85', 'Status'))).toMatch(new RegExp(`^${m.target!.status}`));
      expect(cell(m.model, 'plateau (+10% adds < 0.005)', 'n')).toBe(m.plateau.n);
      // the engine gives the plateau no interval: the families' own points are said beside its status, not as one
      expect(cell(m.model, 'plateau (+10% adds < 0.005)', '95% interval')).toBeNull();
      expect(String(cell(m.model, 'plateau (+10% adds < 0.005)', 'Status'))).toMatch(new RegExp(`^${m.plateau.status}`));
    }
    for (const b of a.best) expect(cell(b.model, `best model at ${+(b.fraction * 100).toFixed(1)}%`, 'Dice')).toBe(b.dice);
    expect(t.rows.find((r) => r[1] === 'reliability')![6]).toBe(answerLines(a).find((l) => l.startsWith('reliability')));
    const csv = readFileSync(join(out, 'answer.csv'), 'utf8').trim().split('\n');
    expect(csv[0]).toBe('Model,Answer,n,Fraction,Dice,95% interval,Status');
    expect(csv).toHaveLength(t.rows.length + 1);
    expect(readFileSync(join(out, 'answer.md'), 'utf8')).toMatch(/^### Answer/);
    expect(readFileSync(join(out, 'answer.tex'), 'utf8')).toContain('\\label{tab:answer}');
    // the page opens with it
    const html = readFileSync(join(out, 'report.html'), 'utf8');
    expect(html.indexOf('<section id="answer">')).toBeLessThan(html.indexOf('<section id="lee2025-table1">'));
  });

  it('Table 1: parameters, FLOPs and throughput by depth as the store holds them', () => {
    const t = report.tables.find((x) => x.id === 'lee2025-table1')!;
    for (const model of ['resunet-d2', 'resunet-d3']) {
      const mine = rows.filter((r) => r.model === model);
      const row = t.rows.find((r) => r[0] === model)!;
      expect(row[1]).toBe(mine[0].depth);
      expect(row[2]).toBeCloseTo(mine.reduce((s, r) => s + r.params!, 0) / mine.length, 9);
      expect(row[3]).toBeCloseTo(mine[0].flops! / 1e9, 12);
      expect(row[4]).toBeCloseTo(mine[0].throughput!, 9);
      // each model's own count, not the experiment's (it said "mean over its 8 finished jobs" for 4 per model)
      expect(row[6]).toBe(mine.length);
      expect(mine.length).toBeLessThan(rows.length);
    }
    const csv = readFileSync(join(out, 'lee2025-table1.csv'), 'utf8').trim().split('\n');
    expect(csv[0]).toBe('Model,Layers,Parameters,GFLOPs,Throughput (img/s),Mean training time (s),Jobs');
    expect(csv).toHaveLength(3);
    expect(readFileSync(join(out, 'lee2025-table1.tex'), 'utf8')).toContain('\\toprule');
    expect(readFileSync(join(out, 'lee2025-table1.md'), 'utf8')).toMatch(/\| resunet-d2 \| 2 \|/);
  });

  it("Tables 2–3: each variant's MAE by depth equals the surrogates' paper backtest", async () => {
    const t = report.tables.find((x) => x.id === 'lee2025-table2-3')!;
    const bt = await paperBacktest(curvesFromRows(rows, 'x'), { seed: 0, lstm: { seed: 0, epochs: LSTM_EPOCHS } });
    const lin = bt.rows.find((r) => r.method === 'linear' && r.depth === 3)!;
    const uni = bt.rows.find((r) => r.method === 'lstm-uni-full' && r.depth === 2)!;
    expect(t.rows.find((r) => r[0] === 3)![5]).toBe(`${lin.mae.toFixed(4)} ± ${lin.sd.toFixed(4)}`);
    expect(t.rows.find((r) => r[0] === 2)![2]).toBe(`${uni.mae.toFixed(4)} ± ${uni.sd.toFixed(4)}`);
    expect(t.rows.at(-1)![0]).toBe('Overall');
  });

  /** A 4-size grid of depths 2 and 3 with depth 3's runs at the sizes `skip` names left out. */
  function shortGrid(name: string, skip: (fraction: number) => boolean) {
    const grid = tiny({ name, fractions: [0.25, 0.5, 0.75, 1] });
    const jobs = expandGrid(grid);
    const store = openDb(join(tmp(), `${name}.db`));
    registerExperiment(store, grid, jobs);
    for (const j of jobs) {
      const depth = j.model.family === 'resunet' ? j.model.depth : 0;
      if (depth === 3 && skip(j.fraction ?? 0)) continue;
      const dice = 0.9 - 0.5 * Math.exp(-4 * (j.fraction ?? 0)) - 0.02 * (3 - depth);
      const metrics = { dice, iou: dice / (2 - dice), recall: dice, precision: dice, bce: 0.3, global_dice: dice, n_train: j.n_train, n_test: 8, epochs_run: 1, best_epoch: 1, train_seconds: 1, params: 1000 * depth, flops: 1e6 * depth, throughput: 100 / depth, device: 'cpu' };
      storeResult(store, j.key, { epochs: [], metrics: [metrics] }, { worker: 'w', seconds: 1 });
    }
    return { store, name: grid.name };
  }

  it('a model with 3 sizes is answered, and left out of Tables 2–3 (scored past a 3-point warm-up) with a note', async () => {
    const { store, name } = shortGrid('three', (f) => f === 1);
    const r = await buildReport(store, name, 'lee2025', { lstmEpochs: 2 });
    const answered = new Set(r.tables[0].rows.filter((x) => x[1] === 'Dice at 100%').map((x) => x[0]));
    expect(answered).toEqual(new Set(['resunet-d2', 'resunet-d3']));
    const t23 = r.tables.find((x) => x.id === 'lee2025-table2-3')!;
    expect(t23.rows.map((x) => x[0])).toEqual([2, 'Overall']);
    expect(r.notes).toContain("Tables 2–3: model 'resunet-d3' has 3 point(s); the paper's protocol warms up on 3 and scores from the next, so a backtest needs at least 4");
  });

  it("a model with 2 sizes is answered from its analogues alone, and the Answer's fit row says so", async () => {
    const { store, name } = shortGrid('two', (f) => f >= 0.75);
    const r = await buildReport(store, name, 'lee2025', { lstmEpochs: 2 });
    const rows = r.tables[0].rows.filter((x) => x[0] === 'resunet-d3');
    expect(rows.find((x) => x[1] === 'Dice at 200%')).toBeDefined();
    expect(String(rows.find((x) => x[1] === 'fit')!.at(-1))).toMatch(/^ensemble \[the analogues alone: the median gain of \d+ real curves of the same shape; left out: pow4 \(needs 4 points, 2 observed\)/);
    // beside a model the families fit, the reliability row is the ensemble's own
    expect(String(r.tables[0].rows.find((x) => x[1] === 'reliability')!.at(-1))).not.toMatch(/pilots of 2 sizes/);
  });

  it('S1–S4 heat maps: SVGs whose cells show the stored metric at each ratio and depth', () => {
    const d = reportData(db, exp.name, rows);
    for (const [fig, metric] of [['s1', 'iou'], ['s2', 'dice'], ['s3', 'recall'], ['s4', 'precision']] as const) {
      const svg = readFileSync(join(out, `lee2025-${fig}-${metric}.svg`), 'utf8');
      expect(svg).toMatch(/^<svg[^>]+xmlns="http:\/\/www.w3.org\/2000\/svg"[\s\S]*<\/svg>$/);
      const cells = heatmapCells(d, metric);
      expect(cells).toHaveLength(rows.length);
      // one rect per cell in the mark group, and each cell's value printed
      expect((svg.match(/aria-roledescription="rect mark"/g) ?? []).length).toBe(cells.length);
      for (const c of cells) expect(svg).toContain(`>${c.value.toFixed(2)}<`);
    }
  });

  it('Fig 5/7 and Fig 8: the curves (to 200% with a 95% band) and the training-time histogram', async () => {
    const curves = readFileSync(join(out, 'lee2025-fig5-7-curves.svg'), 'utf8');
    // observed points: one per finished job; lines for pow3 and the linear baseline per depth; a band per depth
    expect((curves.match(/aria-roledescription="point"/g) ?? []).length).toBe(rows.length);
    expect((curves.match(/aria-roledescription="line mark"/g) ?? []).length).toBe(4);
    expect((curves.match(/aria-roledescription="area mark"/g) ?? []).length).toBe(2);
    // the figure's forecast is the Answer's: at 200% the same Dice and 95% interval
    const fig = report.figures.find((f) => f.id === 'lee2025-fig5-7-curves')!;
    const values = (fig.spec as unknown as { data: { values: CurveFigureRow[] } }).data.values;
    const a = await answer(curvesFromRows(rows, exp.name, plannedFullN(db, exp.name)), { method: 'pow3', seed: 0 });
    for (const m of a.models) {
      const layers = String(m.fit.model.replace(/^.*-d/, ''));
      const end = values.find((v) => v.layers === layers && v.series === 'band' && Math.abs(v.ratio - 2) < 1e-12)!;
      expect(end.dice).toBe(m.at[2].dice);
      expect([end.lo, end.hi]).toEqual([m.at[2].lo95, m.at[2].hi95]);
      expect(values.filter((v) => v.layers === layers && v.series === 'pow3').at(-1)!.ratio).toBeCloseTo(2, 12);
    }
    const hist = readFileSync(join(out, 'lee2025-fig8-training-time.svg'), 'utf8');
    expect(hist).toContain('Training time (hours)');
    expect(files).toContain(join(out, 'report.html'));
  });
});
