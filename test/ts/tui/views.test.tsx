import { render } from 'ink-testing-library';
import { describe, expect, it } from 'vitest';
import { experimentStats } from '../../../ts/report/stats';
import { recordsFrame } from '../../../ts/stats/frame';
import { ols } from '../../../ts/stats/ols';
import { epochRows, resultRows } from '../../../ts/store/results';
import { curvesFromRows } from '../../../ts/surrogate/curve';
import { answer, answerLines, plateauLine } from '../../../ts/surrogate/engine';
import { DEFAULT_METHOD } from '../../../ts/surrogate/surrogate';
import { Dashboard, DashboardView, initialViewState } from '../../../ts/tui/Dashboard';
import { dashboardAnswer } from '../../../ts/tui/forecasts';
import { fullTrainingSizes, readSnapshot } from '../../../ts/tui/snapshot';
import { frameOf, seededStore } from './seed';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
async function until(get: () => string | undefined, test: (f: string) => boolean, ms = 5000): Promise<string> {
  const t0 = Date.now();
  for (;;) {
    const f = get() ?? '';
    if (test(f)) return f;
    if (Date.now() - t0 > ms) return f;
    await sleep(25);
  }
}

describe('dashboard curves', () => {
  it("draws the observed points, the engine's forecast past them with its 95% band, and its plateau point where one is claimed", async () => {
    const { db, exp } = seededStore();
    const rows = resultRows(db, exp.name);
    const full = fullTrainingSizes(readSnapshot(db, exp.name));
    // the full set is the 100% jobs' n_train (not trained yet), not the largest finished one
    expect(full.get('resunet-d2')).toBe(24);
    const N = full.get('resunet-d2')!;
    const dash = await dashboardAnswer(rows, full, 'pow3');
    const d2 = dash.curves.find((c) => c.model === 'resunet-d2')!;
    // the same engine call every view makes
    const curves = curvesFromRows(rows, exp.name, full);
    const a = await answer(curves, { method: 'pow3', seed: 0 });
    expect(dash.lines).toEqual(answerLines(a));
    const m = a.models.find((x) => x.model === 'resunet-d2')!;
    const last = d2.forecast[d2.forecast.length - 1];
    expect(last.dice).toBeCloseTo(m.fit.mean(last.fraction * N), 12);
    expect([last.lo, last.hi]).toEqual(m.fit.band(last.fraction * N, 0.95));
    // the forecast runs to the answer's 200% of the planned full set
    expect(m.at[2].fraction).toBe(2);
    expect(last.dice).toBeCloseTo(m.at[2].dice, 12);
    expect(d2.observed.map((p) => p[1])).toEqual(curves.find((c) => c.model === 'resunet-d2')!.dice);
    // d2 levels off within its data: its plateau point is said and marked
    expect(m.plateau.status).toBe('observed');
    expect(d2.plateau).toBeCloseTo(m.plateau.n! / N, 12);
    expect(d2.plateauText).toBe(plateauLine(m.plateau));
    const f = frameOf(<DashboardView snap={readSnapshot(db, exp.name)} colour={false} answer={dash} state={{ ...initialViewState, view: 'curves' }} />);
    expect(f).toContain('● resunet-d2*');
    expect(f).toContain('pow3 forecast, ░ 95% band');
    expect(f).toContain(`resunet-d2: ${plateauLine(m.plateau).slice(0, 40)}`);
    expect(f).toContain(`forecast DSC at ${Math.round(last.fraction * 100)}%: ${last.dice.toFixed(3)} [${last.lo.toFixed(3)}, ${last.hi.toFixed(3)}] (95%)`);
    expect(f).toContain('│'); // the plateau marker
    // trained to half, d2 would level off past its data, where the interval cannot support a plateau: said, not marked
    const half = rows.filter((r) => r.model !== 'resunet-d2' || r.n_train <= N / 2);
    const dh = await dashboardAnswer(half, full, 'pow3');
    const mh = (await answer(curvesFromRows(half, exp.name, full), { method: 'pow3', seed: 0 })).models.find((x) => x.model === 'resunet-d2')!;
    expect(mh.plateau.status).toBe('undetermined');
    expect(dh.curves.find((c) => c.model === 'resunet-d2')!.plateau).toBeNull();
    const g = frameOf(<DashboardView snap={readSnapshot(db, exp.name)} colour={false} answer={dh} state={{ ...initialViewState, view: 'curves' }} />);
    expect(g).toContain(`resunet-d2: ${plateauLine(mh.plateau).slice(0, 40)}`);
    expect(g).not.toContain('│');
  });

  it('a model with too few finished points is drawn without a forecast and says why; the others are still answered', async () => {
    const { db, exp } = seededStore();
    const rows = resultRows(db, exp.name);
    // resunet-d3 with only its first point: pow3 needs 3 (the default answers it from its analogues alone)
    const few = rows.filter((r) => r.model !== 'resunet-d3' || r.n_train <= 3);
    const dash = await dashboardAnswer(few, fullTrainingSizes(readSnapshot(db, exp.name)), 'pow3');
    const d3 = dash.curves.find((c) => c.model === 'resunet-d3')!;
    expect(d3.observed).toHaveLength(few.filter((r) => r.model === 'resunet-d3').length);
    expect(d3.forecast).toEqual([]);
    expect(d3.note).toBe('1 observed point(s); pow3 needs 3');
    expect(dash.curves.find((c) => c.model === 'resunet-d2')!.forecast.length).toBeGreaterThan(0);
    expect(dash.lines.at(-1)).toBe(`skipped resunet-d3: ${d3.note}`);
  });
});

describe('dashboard job', () => {
  it("shows one job's epoch curves and its test metrics as stored", () => {
    const { db, exp } = seededStore();
    const snap0 = readSnapshot(db, exp.name);
    const key = snap0.cells[2].key;
    const snap = readSnapshot(db, exp.name, key);
    const row = resultRows(db, exp.name).find((r) => r.key === key)!;
    const f = frameOf(<DashboardView snap={snap} colour={false} state={{ ...initialViewState, view: 'job', job: 2 }} />);
    expect(f).toContain(`job 3/${snap.cells.length}`);
    expect(f).toContain(`[${key}] done`);
    expect(f).toContain(`test  DSC ${row.dice.toFixed(4)}  IoU ${row.iou.toFixed(4)}  recall ${row.recall.toFixed(4)}`);
    expect(epochRows(db, key)).toHaveLength(3);
    expect(f.match(/t/g)?.length).toBeGreaterThan(3);
    expect(f).toContain('ep 3');
  });
});

describe('dashboard stats', () => {
  it('shows the OLS coefficients and the ANOVA with partial η² of the experiment', async () => {
    const { db, exp } = seededStore();
    const rows = resultRows(db, exp.name);
    const stats = await experimentStats(rows);
    if ('error' in stats) throw new Error(stats.error);
    const fit = ols(recordsFrame(rows as unknown as Record<string, unknown>[], 'x'), 'dice ~ np.log(n_train) + C(model)');
    const f = frameOf(<DashboardView snap={readSnapshot(db, exp.name)} colour={false} stats={stats} state={{ ...initialViewState, view: 'stats' }} width={100} height={30} />);
    expect(f).toContain('dice ~ np.log(n_train) + C(model)');
    const slope = fit.design.columnNames.indexOf('np.log(n_train)');
    expect(f).toMatch(new RegExp(`np\\.log\\(n_train\\)\\s+${fit.params[slope].toFixed(4)}\\s+${fit.bse[slope].toFixed(4)}`));
    expect(f).toContain('η²p');
    expect(f).toMatch(/Residuals\s+\d+/);
  });

  it('says R² is undefined where every job has the same Dice (it printed -Infinity)', async () => {
    const { db, exp } = seededStore();
    const rows = resultRows(db, exp.name).map((r) => ({ ...r, dice: 0.5 }));
    const stats = await experimentStats(rows);
    if ('error' in stats) throw new Error(stats.error);
    expect(stats.formula).toContain('R²=undefined (Dice is the same in every job)');
    expect(stats.formula).not.toMatch(/Infinity|NaN/);
  });
});

describe('Dashboard (polling the store)', () => {
  it('reads the store, switches views on key presses and follows new results', async () => {
    const { db, exp, running, file } = seededStore();
    const app = render(<Dashboard dbFile={file} experiment={exp.name} intervalMs={50} />);
    try {
      let f = await until(app.lastFrame, (x) => x.includes('done ·') && x.includes('answer ('), 20000);
      expect(f).toContain('1 running');
      // the overview answers from the results so far, with the engine's default method
      expect(f).toContain(`answer (${DEFAULT_METHOD}, on`);
      app.stdin.write('2');
      f = await until(app.lastFrame, (x) => x.includes('metric: [DSC]'));
      expect(f).toContain('metric: [DSC]');
      app.stdin.write('\u001B[B'); // ↓: next metric
      f = await until(app.lastFrame, (x) => x.includes('[IoU]'));
      expect(f).toContain('[IoU]');
      app.stdin.write('\t');
      f = await until(app.lastFrame, (x) => x.includes('forecast'), 20000);
      expect(f).toContain(`${DEFAULT_METHOD} forecast`);
      app.stdin.write('\u001B[C'); // →: job view
      f = await until(app.lastFrame, (x) => x.includes('job 1/'));
      expect(f).toContain('job 1/');
      app.stdin.write('5');
      f = await until(app.lastFrame, (x) => x.includes('OLS dice'), 20000);
      expect(f).toContain('Coefficients');
      // another process finishes the running job: the next poll shows it
      app.stdin.write('1');
      const { storeResult } = await import('../../../ts/store/results');
      storeResult(db, running.key, { epochs: [], metrics: [{ dice: 0.9, iou: 0.8 }] }, { worker: 'host-1-w1', seconds: 3 });
      f = await until(app.lastFrame, (x) => x.includes('0 running'));
      expect(f).toContain('0 running');
      expect(f).toContain('finished');
    } finally {
      app.unmount();
    }
  }, 60000);
});
