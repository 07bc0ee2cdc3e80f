import { render } from 'ink-testing-library';
import type { ReactElement } from 'react';
import { join } from 'node:path';
import { expandGrid } from '../../../ts/experiment/grid';
import { openDb } from '../../../ts/store/db';
import { markFailed, markRunning, registerExperiment } from '../../../ts/store/jobs';
import { acquireRunLock } from '../../../ts/store/lock';
import { storeResult } from '../../../ts/store/results';
import { recordEvent, workerBusy, workerProgress, workerReady } from '../../../ts/store/workers';
import { tiny, tmp } from '../helpers';

/**
 * A store as a run leaves it mid-way: 2 depths × 8 fractions; every job done with a saturating
 * Dice curve and three epochs except the last two (one training at epoch 3 of 5, one failed),
 * the run's lock held by this process.
 */
export function seededStore(file = join(tmp(), 'dash.db')) {
  const exp = tiny({ fractions: [0.125, 0.25, 0.375, 0.5, 0.625, 0.75, 0.875, 1] });
  const jobs = expandGrid(exp);
  const db = openDb(file);
  // a live run holds the store: without its lock a 'running' job counts as queued (a killed run's)
  acquireRunLock(db, file, { experiment: exp.name });
  registerExperiment(db, exp, jobs);
  const done = jobs.slice(0, -2);
  done.forEach((j, i) => {
    const depth = j.model.family === 'resunet' ? j.model.depth : 0;
    const dice = 0.9 - 0.5 * Math.exp(-6 * (j.fraction ?? 0)) - 0.05 * (3 - depth) + 0.003 * (i % 3);
    const epochs = [1, 2, 3].map((epoch) => ({ epoch, train_loss: 0.7 - 0.1 * epoch, val_loss: 0.75 - 0.08 * epoch, val_dice: dice * (0.6 + 0.1 * epoch), seconds: 0.5 }));
    const metrics = { dice, iou: dice / (2 - dice), recall: Math.min(1, dice + 0.04), precision: dice - 0.03, bce: 0.3, global_dice: dice + 0.01, n_train: j.n_train, n_test: 8, epochs_run: 3, best_epoch: 3, train_seconds: 1.5, params: 1000 * depth, flops: 1e6 * depth, throughput: 100 / depth, device: 'cpu' };
    storeResult(db, j.key, { epochs, metrics: [metrics] }, { worker: 'host-1-w1', seconds: 10 + i });
  });
  const [running, failed] = jobs.slice(-2);
  workerReady(db, { worker: 'host-1-w1', host: 'h', pid: 1, device: 'cpu', torch: '2', monai: '1', threads: 1 }, exp.name);
  markRunning(db, running.key, 'host-1-w1');
  workerBusy(db, 'host-1-w1', running.key, 5);
  workerProgress(db, 'host-1-w1', { job: running.key, epoch: 3, epochs: 5, train_loss: 0.4, val_loss: 0.4, val_dice: 0.777, seconds: 1 });
  markFailed(db, failed.key, 'RuntimeError: out of memory');
  recordEvent(db, { experiment: exp.name, kind: 'failed', job: failed.key, message: 'RuntimeError: out of memory' });
  return { db, exp, jobs, file, running, failed };
}

/** The last frame an Ink element renders (SHOW_FRAME=1 prints it). */
export function frameOf(el: ReactElement): string {
  const { lastFrame, unmount } = render(el);
  const f = lastFrame() ?? '';
  unmount();
  if (process.env.SHOW_FRAME) console.log(f);
  return f;
}
