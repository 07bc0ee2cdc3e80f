import { join } from 'node:path';
import { writeFileSync } from 'node:fs';
import { stringify } from 'yaml';
import { describe, expect, it } from 'vitest';
import { changedSettings } from '../../../ts/experiment/changes';
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
});
