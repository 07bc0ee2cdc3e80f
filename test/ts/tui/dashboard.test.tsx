import { describe, expect, it } from 'vitest';
import { resultRows } from '../../../ts/store/results';
import { curvesFromRows } from '../../../ts/surrogate/curve';
import { answer, answerLines } from '../../../ts/surrogate/engine';
import { DEFAULT_METHOD } from '../../../ts/surrogate/surrogate';
import { DashboardView, initialViewState, onKey, type View } from '../../../ts/tui/Dashboard';
import { colourIndex, sampleRows } from '../../../ts/tui/Heatmap';
import { dashboardAnswer } from '../../../ts/tui/forecasts';
import { etaSeconds, fullTrainingSizes, readSnapshot, rowLabel } from '../../../ts/tui/snapshot';
import { frameOf, seededStore } from './seed';
import { resultsText } from '../../../ts/tui/views/Overview';

const state = (view: View) => ({ ...initialViewState, view });

describe('dashboard overview', () => {
  it('shows progress, throughput, the worker at its epoch and the failures', () => {
    const { db, exp, failed, running } = seededStore();
    const snap = readSnapshot(db, exp.name);
    const f = frameOf(<DashboardView snap={snap} colour={false} />);
    expect(f).toContain(`${snap.counts.done}/${snap.counts.total} done · 1 running · 1 failed`);
    expect(f).toMatch(new RegExp(`${running.model.name} @ 100%\\s+epoch 3/5\\s+val DSC 0\\.777`));
    expect(f).toMatch(/throughput [\d.]+ jobs\/h/);
    expect(f).toContain(`failures (1)`);
    expect(f).toContain(`[${failed.key}]: RuntimeError: out of memory`);
  });

  it("shows the engine's answer lines so far, cut to the width, within 80×24", async () => {
    const { db, exp } = seededStore();
    const snap = readSnapshot(db, exp.name);
    const dash = await dashboardAnswer(snap.results, fullTrainingSizes(snap));
    const a = await answer(curvesFromRows(snap.results, exp.name, fullTrainingSizes(snap)));
    expect(dash.method).toBe(DEFAULT_METHOD);
    expect(dash.lines).toEqual(answerLines(a));
    const f = frameOf(<DashboardView snap={snap} colour={false} answer={dash} width={80} height={24} />);
    const lines = f.split('\n');
    expect(lines.length).toBeLessThanOrEqual(24);
    for (const l of lines) expect(l.length).toBeLessThanOrEqual(80);
    // "so far" only while jobs are queued or running; "1 result", not "1 results"
    const c = snap.counts;
    expect(f).toContain(`answer (${DEFAULT_METHOD}, on ${snap.results.length} results${c.queued + c.running > 0 ? ' so far' : ''})`);
    expect(resultsText({ ...snap, results: snap.results.slice(0, 1), counts: { ...c, queued: 0, running: 0 } })).toBe('on 1 result');
    expect(resultsText({ ...snap, counts: { ...c, queued: 1 } })).toBe(`on ${snap.results.length} results so far`);
    // the first lines of the answer, as forecast and status print them (cut at 80 columns)
    for (const l of dash.lines.slice(0, 3)) expect(f).toContain(l.length <= 78 ? l : l.slice(0, 60));
    // the progress and the failures are still there
    expect(f).toContain('1 running');
    expect(f).toContain('failures (1)');
    // on a wider, taller terminal every line of the answer fits (the longest, the reliability line
    // of a grid of single runs, is about 210 columns)
    const tall = frameOf(<DashboardView snap={snap} colour={false} answer={dash} width={240} height={60} />);
    for (const l of dash.lines) expect(tall).toContain(l);
  });

  it('says the answer is being fitted until the engine returns', () => {
    const { db, exp } = seededStore();
    const f = frameOf(<DashboardView snap={readSnapshot(db, exp.name)} colour={false} answer={null} />);
    expect(f).toMatch(/answer\s+fitting…/);
  });

  it('estimates the time left from the mean job time and the workers', () => {
    const { db, exp } = seededStore();
    const snap = readSnapshot(db, exp.name);
    const rows = resultRows(db, exp.name);
    const mean = rows.reduce((s, r) => s + r.seconds!, 0) / rows.length;
    // the running job (the failed one is final) × the mean job time, on one worker
    expect(etaSeconds(snap)).toBeCloseTo((snap.counts.queued + snap.counts.running) * mean, 9);
  });

  it('fits 80×24 and draws no colour codes when colour is off', () => {
    const { db, exp } = seededStore();
    const snap = readSnapshot(db, exp.name);
    for (const view of ['overview', 'grid', 'job'] as View[]) {
      const f = frameOf(<DashboardView snap={readSnapshot(db, exp.name, snap.cells[0].key)} colour={false} state={state(view)} width={80} height={24} />);
      const lines = f.split('\n');
      expect(lines.length).toBeLessThanOrEqual(24);
      for (const l of lines) expect(l.length).toBeLessThanOrEqual(80);
      expect(f).not.toMatch(/\u001b\[/);
    }
  });
});

describe('dashboard grid', () => {
  it('shows each test metric over fraction × model as stored', () => {
    const { db, exp } = seededStore();
    const snap = readSnapshot(db, exp.name);
    const rows = resultRows(db, exp.name);
    for (const metric of ['dice', 'iou', 'recall', 'precision'] as const) {
      const f = frameOf(<DashboardView snap={snap} colour={false} state={{ ...initialViewState, view: 'grid', metric }} />);
      for (const frac of [0.25, 0.625]) {
        const [d2, d3] = ['resunet-d2', 'resunet-d3'].map((m) => rows.find((r) => r.model === m && r.fraction === frac)![metric] as number);
        expect(f).toMatch(new RegExp(`${rowLabel(frac)}\\s+${d2.toFixed(3)}\\s+${d3.toFixed(3)}`));
      }
      expect(f).toMatch(/100%\s+…\s+fail/); // the running and the failed job
    }
  });

  it('samples rows evenly and maps values onto the colour scale', () => {
    expect(sampleRows([1, 2, 3, 4, 5, 6, 7, 8, 9], 3)).toEqual([1, 5, 9]);
    expect(colourIndex(0, 0, 1)).toBe(0);
    expect(colourIndex(1, 0, 1)).toBe(4);
    expect(colourIndex(0.5, 0, 1)).toBe(2);
  });
});

describe('dashboard keys', () => {
  it('tab, arrows and number keys switch views; ↑/↓ change metric, model or job', () => {
    let s = initialViewState;
    s = onKey(s, '\t', { tab: true }, 10);
    expect(s.view).toBe('grid');
    s = onKey(s, '', { downArrow: true }, 10);
    expect(s.metric).toBe('iou');
    s = onKey(s, '', { rightArrow: true }, 10);
    expect(s.view).toBe('curves');
    s = onKey(s, '', { tab: true, shift: true }, 10);
    expect(s.view).toBe('grid');
    s = onKey(s, '4', {}, 10);
    expect(s.view).toBe('job');
    s = onKey(s, '', { upArrow: true }, 10);
    expect(s.job).toBe(0);
    s = onKey(onKey(s, '', { downArrow: true }, 2), '', { downArrow: true }, 2);
    expect(s.job).toBe(1);
    expect(onKey(s, '', { leftArrow: true }, 10).view).toBe('curves');
  });
});
