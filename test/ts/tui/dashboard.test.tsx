import { join } from 'node:path';
import { render } from 'ink-testing-library';
import { describe, expect, it } from 'vitest';
import { expandGrid } from '../../../ts/experiment/grid';
import { openDb } from '../../../ts/store/db';
import { markFailed, markRunning, registerExperiment } from '../../../ts/store/jobs';
import { storeResult } from '../../../ts/store/results';
import { recordEvent, workerBusy, workerProgress, workerReady } from '../../../ts/store/workers';
import { DashboardView } from '../../../ts/tui/Dashboard';
import { colourIndex, sampleRows } from '../../../ts/tui/Heatmap';
import { etaSeconds, readSnapshot } from '../../../ts/tui/snapshot';
import { tiny, tmp } from '../helpers';

function seeded() {
  const exp = tiny({ fractions: [0.25, 0.5, 1] });
  const jobs = expandGrid(exp);
  const db = openDb(join(tmp(), 'dash.db'));
  registerExperiment(db, exp, jobs);
  const metrics = (dice: number) => ({ dice, iou: 0.5, recall: 0.5, precision: 0.5, bce: 0.3, n_test: 8, epochs_run: 1, train_seconds: 1, params: 10 });
  storeResult(db, jobs[0].key, { epochs: [], metrics: [metrics(0.412)] }, { worker: 'w1', seconds: 10 });
  storeResult(db, jobs[1].key, { epochs: [], metrics: [metrics(0.634)] }, { worker: 'w1', seconds: 20 });
  workerReady(db, { worker: 'host-1-w1', host: 'h', pid: 1, device: 'cpu', torch: '2', monai: '1', threads: 1 }, exp.name);
  markRunning(db, jobs[2].key, 'host-1-w1');
  workerBusy(db, 'host-1-w1', jobs[2].key, 5);
  workerProgress(db, 'host-1-w1', { job: jobs[2].key, epoch: 3, epochs: 5, train_loss: 0.4, val_loss: 0.4, val_dice: 0.777, seconds: 1 });
  markFailed(db, jobs[3].key, 'RuntimeError: out of memory');
  recordEvent(db, { experiment: exp.name, kind: 'failed', job: jobs[3].key, message: 'RuntimeError: out of memory' });
  return { db, exp, jobs };
}

describe('dashboard', () => {
  it('shows progress, the worker at its epoch, the DSC heat map and the last error', () => {
    const { db, exp } = seeded();
    const snap = readSnapshot(db, exp.name);
    const { lastFrame } = render(<DashboardView snap={snap} colour={false} />);
    const frame = lastFrame()!;
    if (process.env.SHOW_FRAME) console.log(frame);
    expect(frame).toContain('2/6 done · 1 running · 1 failed');
    expect(frame).toMatch(/resunet-d2 @ 50%\s+epoch 3\/5\s+val DSC 0\.777/);
    expect(frame).toMatch(/25%\s+0\.412\s+0\.634/);
    expect(frame).toMatch(/50%\s+…\s+fail/);
    expect(frame).toContain('last error');
    expect(frame).toContain('out of memory');
  });

  it('estimates the time left from the mean job time and the workers', () => {
    const { db, exp } = seeded();
    // 3 jobs left (1 running + 2 queued) × mean (10 + 20) / 2 s, on 1 worker.
    expect(etaSeconds(readSnapshot(db, exp.name))).toBe(45);
  });

  it('samples rows evenly and maps values onto the colour scale', () => {
    expect(sampleRows([1, 2, 3, 4, 5, 6, 7, 8, 9], 3)).toEqual([1, 5, 9]);
    expect(colourIndex(0, 0, 1)).toBe(0);
    expect(colourIndex(1, 0, 1)).toBe(4);
    expect(colourIndex(0.5, 0, 1)).toBe(2);
  });
});
