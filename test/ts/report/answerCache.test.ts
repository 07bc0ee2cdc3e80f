import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { storeResult } from '../../../ts/store/results';
import { cli, tmp } from '../helpers';
import { seededStore } from '../tui/seed';

// status on an unchanged store reads its answer back instead of fitting again; a new result (or
// other options) gives another key, so a stale answer is never printed.
describe('the answer cache behind status', () => {
  it('serves an unchanged store from the cache, and answers afresh once a result is added', async () => {
    const { db, file, running } = seededStore();
    const cache = tmp('plateau-cache-');
    const env = { PLATEAU_CACHE: cache };
    const status = async (...extra: string[]) => {
      const r = await cli(['status', '--db', file, '--json', ...extra], env);
      expect(r.exitCode, r.stderr).toBe(0);
      return JSON.parse(r.stdout).experiments[0];
    };
    const first = await status();
    expect(first.answer.models.length).toBeGreaterThan(0);
    const files = () => readdirSync(join(cache, 'answers')).filter((f) => f.endsWith('.json'));
    expect(files()).toHaveLength(1);

    // the second call prints what the cache holds: mark it, and the mark comes back
    const path = join(cache, 'answers', files()[0]);
    const held = JSON.parse(readFileSync(path, 'utf8'));
    writeFileSync(path, JSON.stringify({ ...held, notes: ['read back from the cache'] }));
    const second = await status();
    expect(second.notes).toEqual(['read back from the cache']);
    expect(second.answer).toEqual(first.answer);

    // other options are another answer
    const target = await status('--target-dice', '0.8');
    expect(target.notes).not.toEqual(['read back from the cache']);
    expect(files()).toHaveLength(2);

    // a new result changes the key: the answer is fitted again, with the new point
    const dice = 0.85;
    storeResult(db, running.key, { epochs: [], metrics: [{ dice, iou: dice / (2 - dice), recall: dice, precision: dice, bce: 0.3, global_dice: dice, n_train: running.n_train, n_test: 8, epochs_run: 1, best_epoch: 1, train_seconds: 1, params: 1, flops: 1, throughput: 1, device: 'cpu' }] }, { worker: 'host-1-w1', seconds: 5 });
    const third = await status();
    expect(third.notes).not.toEqual(['read back from the cache']);
    expect(files()).toHaveLength(3);
    const points = (a: typeof first) => a.answer.models.reduce((s: number, m: { points: number }) => s + m.points, 0);
    expect(points(third)).toBe(points(first) + 1);
    db.close();
  });
});
