import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { expandGrid } from '../../../ts/experiment/grid';
import { ANSWER_TABLE_HEADER } from '../../../ts/report/answer';
import { buildReport, writeReport } from '../../../ts/report/report';
import { openDb } from '../../../ts/store/db';
import { registerExperiment } from '../../../ts/store/jobs';
import { resultRows, storeResult } from '../../../ts/store/results';
import { curvesFromRows } from '../../../ts/surrogate/curve';
import { plannedFullN } from '../../../ts/store/jobs';
import { answer, answerLines } from '../../../ts/surrogate/engine';
import { DEFAULT_METHOD } from '../../../ts/surrogate/surrogate';
import { dashboardAnswer } from '../../../ts/tui/forecasts';
import { fullTrainingSizes, readSnapshot } from '../../../ts/tui/snapshot';
import { cli, tiny, tmp } from '../helpers';

// the report's Tables 2–3 fit LSTMs: the plain JS backend and a few epochs keep that short
process.env.PLATEAU_TF_BACKEND = 'cpu';

const TARGET = 0.82;
const DEPTHS = [2, 3, 4];
/**
 * A saturating curve per depth: deeper levels off higher (0.86, 0.88, 0.90); the deepest levels off
 * within the data (a plateau point every view must show), the others still rise at 120.
 */
const truth = (depth: number, n: number) => 0.9 - 0.02 * (4 - depth) - 0.45 * Math.exp(-n / (depth === 4 ? 30 : 70));

/** ONE real store, as a finished run leaves it: 3 depths × 6 fractions (n = 20 … 120), no training; `upTo` keeps only the jobs up to that fraction, as an adaptive study that never chose the rest. */
function store(upTo = 1) {
  const exp = tiny({
    name: 'views',
    dataset: { kind: 'synthetic-2d', count: 160, size: 32, objects: 3, radius_max: 6, noise: 0.3, seed: 1 },
    split: { train: 120, val: 20, test: 20 },
    fractions: [1 / 6, 2 / 6, 3 / 6, 4 / 6, 5 / 6, 1],
    models: [{ family: 'resunet', depths: DEPTHS, channels: 4, res_units: 1 }],
  });
  const jobs = expandGrid(exp).filter((j) => j.fraction! <= upTo + 1e-9);
  const file = join(tmp('plateau-views-'), 'p.db');
  const db = openDb(file);
  registerExperiment(db, exp, jobs);
  jobs.forEach((j, i) => {
    const depth = j.model.family === 'resunet' ? j.model.depth : 0;
    const dice = truth(depth, j.n_train!) + 0.002 * ((i % 3) - 1);
    const metrics = { dice, iou: dice / (2 - dice), recall: dice, precision: dice, bce: 0.3, global_dice: dice, n_train: j.n_train, n_test: 20, epochs_run: 3, best_epoch: 3, train_seconds: 1, params: 1000 * depth, flops: 1e6 * depth, throughput: 100, device: 'cpu' };
    storeResult(db, j.key, { epochs: [], metrics: [metrics] }, { worker: 'w', seconds: 1 });
  });
  return { db, exp, file };
}

/** What one view said for one model: the Dice at 100% and 200%, the target n, the plateau n. */
interface Said {
  dice100: number;
  dice200: number;
  target: number | null;
  plateau: number | null;
}

type JsonModel = { model: string; forecasts: { fraction: number; dice: number }[]; target: { n: number | null }; plateau: { n: number | null } };
const fromJson = (models: JsonModel[]) =>
  new Map(models.map((m): [string, Said] => [m.model, { dice100: m.forecasts.find((f) => f.fraction === 1)!.dice, dice200: m.forecasts.find((f) => f.fraction === 2)!.dice, target: m.target.n, plateau: m.plateau.n }]));

function expectSame(view: string, got: Map<string, Said>, want: Map<string, Said>) {
  expect([...got.keys()].sort(), view).toEqual([...want.keys()].sort());
  for (const [model, w] of want) {
    const g = got.get(model)!;
    for (const k of ['dice100', 'dice200', 'target', 'plateau'] as const) {
      if (w[k] === null) expect(g[k], `${view} ${model} ${k}`).toBeNull();
      else expect(Math.abs((g[k] as number) - (w[k] as number)), `${view} ${model} ${k}: ${g[k]} vs ${w[k]}`).toBeLessThan(1e-9);
    }
  }
}

describe('one answer in every view', async () => {
  const { db, exp, file } = store();
  const rows = resultRows(db, exp.name);
  // the engine itself, on the store's curves, with the default method
  const a = await answer(curvesFromRows(rows, exp.name, plannedFullN(db, exp.name)), { targetDice: TARGET, seed: 0 });
  const want = new Map(a.models.map((m): [string, Said] => [m.model, { dice100: m.at[0].dice, dice200: m.at[2].dice, target: m.target!.n, plateau: m.plateau.n }]));

  it('the store and the engine answer every model (the test would prove little otherwise)', () => {
    expect(a.method).toBe(DEFAULT_METHOD);
    expect(a.models.map((m) => m.model)).toEqual(DEPTHS.map((d) => `resunet-d${d}`));
    expect(a.models.map((m) => m.at.map((f) => f.fraction))).toEqual(DEPTHS.map(() => [1, 1.5, 2]));
    // some target n are forecast or observed, the shallowest levels off below the target
    expect(a.models.filter((m) => m.target!.n !== null).length).toBeGreaterThan(0);
    expect(a.models.filter((m) => m.plateau.n !== null).length).toBeGreaterThan(0);
  });

  it('plateau forecast --json and its text (the answer first)', async () => {
    const r = await cli(['forecast', '--db', file, '--json', '--target-dice', String(TARGET)]);
    expect(r.exitCode, r.stderr).toBe(0);
    const out = JSON.parse(r.stdout);
    expect(out.method).toBe(DEFAULT_METHOD);
    expectSame('forecast --json', fromJson(out.models), want);
    // the per-n table's rows are still there: one per stored point
    expect(out.forecasts).toHaveLength(rows.length);
    expect(out.best.map((b: { model: string }) => b.model)).toEqual(a.best.map((b) => b.model));
    const text = await cli(['forecast', '--db', file, '--target-dice', String(TARGET)]);
    expect(text.exitCode, text.stderr).toBe(0);
    const lines = answerLines(a);
    expect(text.stdout.split('\n').slice(0, lines.length)).toEqual(lines);
  });

  it('plateau status --json and its Answer block', async () => {
    const r = await cli(['status', '--db', file, '--json', '--target-dice', String(TARGET)]);
    expect(r.exitCode, r.stderr).toBe(0);
    const out = JSON.parse(r.stdout);
    expect(out.jobs.done).toBe(DEPTHS.length * 6);
    const e = out.experiments.find((x: { experiment: string }) => x.experiment === exp.name);
    expect(e.answer.method).toBe(DEFAULT_METHOD);
    expectSame('status --json', fromJson(e.answer.models), want);
    const text = await cli(['status', '--db', file, '--target-dice', String(TARGET)]);
    expect(text.exitCode, text.stderr).toBe(0);
    // the answer first: after the one line of job counts, before the tables it was fitted from
    const head = text.stdout.split('\n');
    expect(head[0]).toMatch(/^\d+ jobs: /);
    expect(head.slice(1, 3 + answerLines(a).length)).toEqual(['', `Answer for '${exp.name}'`, ...answerLines(a)]);
  });

  it("the dashboard's overview and curves data", async () => {
    const snap = readSnapshot(db, exp.name);
    const full = fullTrainingSizes(snap);
    const d = await dashboardAnswer(snap.results, full, undefined, { targetDice: TARGET });
    expect(d.method).toBe(DEFAULT_METHOD);
    // the overview shows the answer's lines as they are
    expect(d.lines).toEqual(answerLines(a));
    const said = new Map(
      d.curves.map((c): [string, Said] => {
        const m = d.answer!.models.find((x) => x.model === c.model)!;
        const N = full.get(c.model)!;
        // the curves view runs to twice the last n (the answer's 200%) and marks the engine's plateau
        const end = c.forecast[c.forecast.length - 1];
        expect(end.fraction).toBeCloseTo(2, 12);
        return [c.model, { dice100: m.at[0].dice, dice200: end.dice, target: m.target!.n, plateau: c.plateau === null ? null : c.plateau * N }];
      }),
    );
    expectSame('dashboard', said, want);
    // off a terminal the overview prints every answer line whole: no width to cut them to
    const printed = await cli(['dashboard', '--db', file, '--view', 'overview', '--target-dice', String(TARGET)]);
    expect(printed.exitCode, printed.stderr).toBe(0);
    const out = printed.stdout.split('\n').map((l) => l.trim());
    for (const line of answerLines(a)) expect(out).toContain(line.trim());
    // printed once, for a file or a pipe: no keys to press, no padding to a terminal's size
    const raw = printed.stdout.split('\n');
    expect(raw.filter((l) => l !== l.trimEnd())).toEqual([]);
    expect(printed.stdout).not.toMatch(/q quit/);
    expect(printed.stdout).not.toMatch(/\n\n\n/);
  });

  it("the report's Answer table (and its CSV at full precision)", async () => {
    const report = await buildReport(db, exp.name, 'lee2025', { targetDice: TARGET, lstmEpochs: 2 });
    const t = report.tables[0];
    expect(t.id).toBe('answer');
    expect(t.header).toEqual(ANSWER_TABLE_HEADER);
    const out = tmp();
    writeReport(report, out, ['csv']);
    const csv = readFileSync(join(out, 'answer.csv'), 'utf8').trim().split('\n').slice(1).map((l) => l.split(','));
    const num = (v: string | number | null | undefined) => (v === null || v === undefined || v === '' ? null : Number(v));
    for (const [cells, view] of [[t.rows, 'report table'], [csv, 'answer.csv']] as const) {
      const cell = (model: string, what: string, col: 'n' | 'Dice') => num(cells.find((r) => r[0] === model && r[1] === what)?.[ANSWER_TABLE_HEADER.indexOf(col)]);
      const said = new Map(
        DEPTHS.map((dep): [string, Said] => {
          const m = `resunet-d${dep}`;
          return [m, { dice100: cell(m, 'Dice at 100%', 'Dice')!, dice200: cell(m, 'Dice at 200%', 'Dice')!, target: cell(m, `n for Dice ${TARGET}`, 'n'), plateau: cell(m, 'plateau (+10% adds < 0.005)', 'n') }];
        }),
      );
      expectSame(view, said, want);
    }
  }, 120_000);
});

describe("an adaptive study's store (no job past 4/6 of the pool stored)", () => {
  it("every view forecasts at 100% of the pool (n = 120), not at the largest size stored", async () => {
    const { db, exp, file } = store(4 / 6);
    expect(Math.max(...resultRows(db, exp.name).map((r) => r.n_train))).toBe(80);
    expect([...plannedFullN(db, exp.name).values()]).toEqual(DEPTHS.map(() => 120));
    expect([...fullTrainingSizes(readSnapshot(db, exp.name)).values()]).toEqual(DEPTHS.map(() => 120));
    const r = await cli(['status', '--db', file, '--json']);
    expect(r.exitCode, r.stderr).toBe(0);
    const e = JSON.parse(r.stdout).experiments.find((x: { experiment: string }) => x.experiment === exp.name);
    for (const m of e.answer.models) expect(m.forecasts.find((f: { fraction: number }) => f.fraction === 1).n).toBe(120);
  }, 60_000);
});

describe('a store of one size (every model trained once, at 1/6 of the pool)', () => {
  it('every view answers each model from that one size (its analogues alone), the same numbers, at 100% of the pool, with no plateau claimed', async () => {
    const { db, exp, file } = store(1 / 6);
    expect(new Set(resultRows(db, exp.name).map((r) => r.n_train))).toEqual(new Set([20]));
    // one fraction agrees with pools 117–123 (round(p / 6) = 20): the one nearest n / f is taken
    expect([...plannedFullN(db, exp.name).values()]).toEqual(DEPTHS.map(() => 120));
    const a = await answer(curvesFromRows(resultRows(db, exp.name), exp.name, plannedFullN(db, exp.name)), { targetDice: TARGET });
    expect(a.models).toHaveLength(DEPTHS.length);
    for (const m of a.models) {
      expect(m.fit.points).toBe(1);
      expect(m.composition).toMatch(/at the same level \(one size: no shape to compare\)/);
      expect(m.plateau.n).toBeNull();
      expect(m.at[0].n).toBe(120);
    }
    const want = new Map(a.models.map((m): [string, Said] => [m.model, { dice100: m.at[0].dice, dice200: m.at[2].dice, target: m.target!.n, plateau: null }]));
    const f = await cli(['forecast', '--db', file, '--json', '--target-dice', String(TARGET)]);
    expect(f.exitCode, f.stderr).toBe(0);
    expectSame('forecast --json', fromJson(JSON.parse(f.stdout).models), want);
    const s = await cli(['status', '--db', file, '--json', '--target-dice', String(TARGET)]);
    expect(s.exitCode, s.stderr).toBe(0);
    const e = JSON.parse(s.stdout).experiments.find((x: { experiment: string }) => x.experiment === exp.name);
    expectSame('status --json', fromJson(e.answer.models), want);
    const printed = await cli(['dashboard', '--db', file, '--view', 'overview', '--target-dice', String(TARGET)]);
    expect(printed.exitCode, printed.stderr).toBe(0);
    for (const line of answerLines(a)) expect(printed.stdout).toContain(line.trim());
    expect(answerLines(a).at(-1)).toMatch(/pilots of 1 size \(its analogues alone\)/);
  }, 60_000);
});

describe('a model of the grid with no finished run', () => {
  it('is named in a note by forecast and status, not silently left out of the answer', async () => {
    const { db, exp, file } = store();
    // every job of the deepest model failed: its results are gone
    db.prepare(`DELETE FROM metrics WHERE job IN (SELECT key FROM jobs WHERE model = 'resunet-d4')`).run();
    db.prepare(`UPDATE jobs SET status = 'failed' WHERE model = 'resunet-d4'`).run();
    const note = `experiment '${exp.name}': model 'resunet-d4' has no finished run yet`;
    const f = await cli(['forecast', '--db', file, '--json']);
    expect(f.exitCode, f.stderr).toBe(0);
    const out = JSON.parse(f.stdout);
    expect(out.models.map((m: { model: string }) => m.model)).toEqual(['resunet-d2', 'resunet-d3']);
    expect(out.notes).toEqual([note]);
    const s = await cli(['status', '--db', file]);
    expect(s.exitCode, s.stderr).toBe(0);
    expect(s.stdout).toContain(`note: ${note}`);
  }, 60_000);
});
