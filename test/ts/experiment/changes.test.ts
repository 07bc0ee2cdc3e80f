import { join } from 'node:path';
import { writeFileSync } from 'node:fs';
import { stringify } from 'yaml';
import { describe, expect, it } from 'vitest';
import { changedSettings } from '../../../ts/experiment/changes';
import { expandGrid } from '../../../ts/experiment/grid';
import { openDb } from '../../../ts/store/db';
import { jobCounts, markFailed, registerExperiment } from '../../../ts/store/jobs';
import { cli, tiny, tinySpec, tmp } from '../helpers';

describe('a changed setting under an existing experiment name', () => {
  it('lets the grid grow, and names every other change', () => {
    const before = tiny();
    expect(changedSettings(before, tiny({ fractions: [0.25, 0.5, 1], repeats: 2, training: { ...tinySpec().training, lr: [0.01, 0.1] } }))).toEqual([]);
    expect(changedSettings(before, tiny({ training: { ...tinySpec().training, epochs: 5 } }))).toEqual(['training.epochs: 1 → 5']);
    expect(changedSettings(before, tiny({ models: [{ family: 'resunet', depths: [2], channels: 8, res_units: 1 }] }))).toEqual([
      'models resunet-d2: other settings under the same name',
    ]);
  });

  it('stops a run with exit 2 and stores nothing; --merge goes on', async () => {
    const dir = tmp();
    const file = join(dir, 'e.yaml');
    const db = join(dir, 's.db');
    writeFileSync(file, stringify(tinySpec({ fractions: [1], models: [{ family: 'resunet', depths: [2], channels: 4, res_units: 0 }] })));
    const first = await cli(['run', file, '--db', db, '--json', '--workers', '1']);
    expect(first.exitCode, first.stderr).toBe(0);
    const changed = await cli(['run', file, '--db', db, '--set', 'training.epochs=2', '--workers', '1']);
    expect(changed.exitCode).toBe(2);
    expect(changed.stderr).toContain("experiment 'tiny' is stored with other settings (training.epochs: 1 → 2): give this one a new name (e.g. --set name=tiny-2), or pass --merge");
    const status = JSON.parse((await cli(['status', '--db', db, '--json'])).stdout);
    expect(status.jobs).toMatchObject({ total: 1, done: 1 });
    const merged = await cli(['run', file, '--db', db, '--set', 'training.epochs=2', '--merge', '--json', '--workers', '1']);
    expect(merged.exitCode, merged.stderr).toBe(0);
    expect(JSON.parse((await cli(['status', '--db', db, '--json'])).stdout).jobs).toMatchObject({ total: 2, done: 2 });
  });

  it('--merge trains the new settings\' jobs only: the old settings\' failed jobs stay stored as they are, and the count is of the new grid', async () => {
    const dir = tmp();
    const file = join(dir, 'e.yaml');
    const db = join(dir, 's.db');
    const model = { family: 'resunet' as const, depths: [2], channels: 4, res_units: 0 };
    // the old settings (epochs 1, two fractions), both jobs failed, in a real store
    const old = tiny({ fractions: [0.5, 1], models: [model] });
    const store = openDb(db);
    const oldJobs = expandGrid(old);
    registerExperiment(store, old, oldJobs, file);
    for (const j of oldJobs) markFailed(store, j.key, 'an old failure');
    store.close();
    writeFileSync(file, stringify(tinySpec({ fractions: [1], models: [model], training: { ...tinySpec().training, epochs: 2 } })));
    const merged = await cli(['run', file, '--db', db, '--merge', '--workers', '1', '--no-dashboard']);
    expect(merged.exitCode, merged.stderr).toBe(0);
    expect(merged.stdout).toContain("training 1 of 1 jobs of 'tiny'");
    expect(merged.stdout).toMatch(/finished 'tiny': 1 trained, 0 failed in [\d.]+ s; 1\/1 stored/);
    const after = openDb(db, { readonly: true });
    try {
      expect(jobCounts(after, 'tiny')).toMatchObject({ total: 3, done: 1, failed: 2, queued: 0 });
      const rows = after.prepare(`SELECT key, status, error, attempts FROM jobs WHERE key IN (SELECT value FROM json_each(?)) ORDER BY position`).all(JSON.stringify(oldJobs.map((j) => j.key)));
      expect(rows).toEqual(oldJobs.map((j) => ({ key: j.key, status: 'failed', error: 'an old failure', attempts: 0 })));
    } finally {
      after.close();
    }
  });
});
