import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { describe, expect, it } from 'vitest';
import { openDb } from '../../../ts/store/db';
import { ROOT, cli, tmp, writeImageFolder } from '../helpers';


const imageFolderSpec = (root: string) => ({
  name: 'folder',
  dataset: { kind: 'image-folder', root, size: [32, 32], channels: 3 },
  split: { train: 12, val: 4, test: 4 },
  fractions: [0.5, 1],
  models: [{ family: 'resunet', depths: [2], channels: 4, res_units: 1 }],
  training: { epochs: 2, batch_size: 4, lr: 0.01 },
});

describe('data sets end to end through the broker into the store', () => {
  it('an image-folder (Kvasir-SEG layout) fixture', async () => {
    const dir = tmp();
    const root = join(dir, 'kvasir');
    await writeImageFolder(root, 20);
    const file = join(dir, 'folder.yaml');
    writeFileSync(file, stringify(imageFolderSpec(root)));
    const check = await cli(['data', 'check', file, '--json']);
    expect(check.exitCode).toBe(0);
    expect(JSON.parse(check.stdout)).toMatchObject({ cases: 20, patients: 20 });
    const dbFile = join(dir, 's.db');
    const r = await cli(['run', file, '--db', dbFile, '--json', '--workers', '1']);
    expect(r.stderr).toBe('');
    expect(JSON.parse(r.stdout)).toMatchObject({ trained: 2, failed: 0 });
    const db = openDb(dbFile, { readonly: true });
    const rows = db.prepare(`SELECT j.n_train, m.n_test, m.dice, m.params, m.flops FROM jobs j JOIN metrics m ON m.job = j.key ORDER BY j.n_train`).all() as Record<string, number>[];
    expect(rows.map((x) => x.n_train)).toEqual([6, 12]);
    expect(rows.every((x) => x.n_test === 4 && x.flops > 0 && x.params > 0)).toBe(true);
    const cases = db.prepare(`SELECT case_id FROM cases`).all() as { case_id: string }[];
    expect(cases).toHaveLength(8);
    expect(cases.every((c) => /^case0\d\d$/.test(c.case_id))).toBe(true);
    db.close();
  });

  it('bad data: every bad case listed by path, exit 2, nothing stored', async () => {
    const dir = tmp();
    const root = join(dir, 'kvasir');
    await writeImageFolder(root, 20, { dropMask: 'case003.jpg', badFile: 'case999.jpg' });
    const file = join(dir, 'folder.yaml');
    writeFileSync(file, stringify(imageFolderSpec(root)));
    const dbFile = join(dir, 's.db');
    const r = await cli(['run', file, '--db', dbFile]);
    expect(r.exitCode).toBe(2);
    expect(r.stderr).toContain(join(root, 'images', 'case003.jpg'));
    expect(r.stderr).toContain('case999');
    expect(existsSync(dbFile)).toBe(false);
  });

  it('synthetic-3d.yaml, shrunk, trains 3D networks', async () => {
    const dir = tmp();
    const dbFile = join(dir, 's.db');
    const r = await cli(['run', join(ROOT, 'experiments', 'synthetic-3d.yaml'), '--db', dbFile, '--json',
      '--set', 'dataset.count=20', '--set', 'dataset.size=16', '--set', 'split={train: 12, val: 4, test: 4}',
      '--set', 'fractions=[0.5, 1]', '--set', 'models=[{family: resunet, depths: [2], channels: 2, res_units: 1}]',
      '--set', 'training.epochs=1']);
    expect(r.stderr).toBe('');
    expect(JSON.parse(r.stdout)).toMatchObject({ trained: 2, failed: 0 });
    const db = openDb(dbFile, { readonly: true });
    const m = db.prepare(`SELECT m.flops, m.n_test, m.global_dice FROM metrics m`).all() as Record<string, number>[];
    expect(m).toHaveLength(2);
    expect(m.every((x) => x.n_test === 4 && x.flops > 0 && x.global_dice >= 0 && x.global_dice <= 1)).toBe(true);
    db.close();
  });
});
