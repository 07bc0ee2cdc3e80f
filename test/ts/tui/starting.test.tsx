import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { expandGrid } from '../../../ts/experiment/grid';
import { openDb } from '../../../ts/store/db';
import { registerExperiment } from '../../../ts/store/jobs';
import { storeResult } from '../../../ts/store/results';
import { DashboardView, initialViewState } from '../../../ts/tui/Dashboard';
import { readSnapshot } from '../../../ts/tui/snapshot';
import { tiny, tmp } from '../helpers';
import { frameOf } from './seed';

/** The overview while a run starts: jobs queued and no worker connected yet is a wait, not a fault. */
describe('dashboard while workers start', () => {
  it('says workers are starting while jobs are left, and plain "no workers" once none are', () => {
    const exp = tiny();
    const jobs = expandGrid(exp);
    const db = openDb(join(tmp(), 'start.db'));
    registerExperiment(db, exp, jobs);
    const frame = () => frameOf(<DashboardView snap={readSnapshot(db, exp.name)} colour={false} state={initialViewState} width={100} height={30} />);
    expect(frame()).toContain('no workers yet: each one starts Python, torch and MONAI before its first job');
    for (const j of jobs) {
      const metrics = { dice: 0.5, iou: 0.33, recall: 0.6, precision: 0.5, bce: 0.3, global_dice: 0.5, n_train: j.n_train, n_test: 8, epochs_run: 1, best_epoch: 1, train_seconds: 1, params: 10, flops: 10, throughput: 10, device: 'cpu' };
      storeResult(db, j.key, { epochs: [{ epoch: 1, train_loss: 0.5, val_loss: 0.5, val_dice: 0.5, seconds: 1 }], metrics: [metrics] }, { worker: 'w1', seconds: 1 });
    }
    const after = frame();
    expect(after).toContain('no workers');
    expect(after).not.toContain('no workers yet');
    db.close();
  });
});
