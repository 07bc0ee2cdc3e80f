import { describe, expect, it } from 'vitest';
import { campaign } from '../../../bench/lib/chaos';
import { tmp } from '../helpers';

/**
 * The fault campaign of issues 12 and 17, short: the real CLI on a small grid while a seeded plan
 * SIGKILLs a worker mid-job, SIGKILLs the control plane (then restarts it) and stops it with SIGHUP (SIGINT and SIGTERM: lock.test.ts).
 * bench/chaos.ts runs the long version (hundreds of kills).
 */
describe('fault campaign', () => {
  it('every job trained exactly once, the store intact, no worker outlives its control plane', async () => {
    // 40 epochs: a job lasts a few seconds, long enough for the plan to catch it mid-training on an idle machine
    const r = await campaign({ dir: tmp(), seed: 12, jobs: 4, epochs: 40, workers: 1, workerKills: 1, planeKills: 1, signals: ['SIGHUP'], workerTimeoutS: 3 });
    expect(r.problems).toEqual([]);
    expect({ workerKills: r.workerKills, planeKills: r.planeKills, stops: r.stops }).toEqual({ workerKills: 1, planeKills: 1, stops: 1 });
    expect(r).toMatchObject({ jobs: 4, done: 4, lost: 0, duplicated: 0, trainings: 4, integrity: 'ok' });
  }, 300_000);
});
