import { existsSync, mkdirSync, readdirSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { describe, expect, it } from 'vitest';
import { dataFingerprint } from '../../../ts/bridge/checked';
import { checkData } from '../../../ts/cli/data';
import { Experiment } from '../../../ts/experiment/schema';
import { cli, tmp, writeImageFolder } from '../helpers';


const spec = (root: string) => ({
  name: 'folder',
  dataset: { kind: 'image-folder', root, size: [32, 32], channels: 3 },
  split: { train: 12, val: 4, test: 4 },
  fractions: [0.5, 1],
  models: [{ family: 'resunet', depths: [2], channels: 4, res_units: 1 }],
  training: { epochs: 1, batch_size: 4, lr: 0.01 },
});

describe('resume at once', () => {
  it('a rerun of a finished grid asks the store first: it exits without Python and without scanning the data', async () => {
    const dir = tmp();
    const root = join(dir, 'kvasir');
    await writeImageFolder(root, 20);
    const file = join(dir, 'folder.yaml');
    writeFileSync(file, stringify(spec(root)));
    const db = join(dir, 's.db');
    const cache = join(dir, 'cache');
    const first = await cli(['run', file, '--db', db, '--json', '--workers', '1'], { PLATEAU_CACHE_DIR: cache });
    expect(first.exitCode, first.stderr).toBe(0);
    expect(JSON.parse(first.stdout)).toMatchObject({ trained: 2, failed: 0 });
    // the check that passed is remembered under the data set's fingerprint
    expect(readdirSync(cache).filter((f) => f.startsWith('checked-'))).toHaveLength(1);

    // No Python at all: the rerun would exit 3 if it needed one before asking the store.
    const again = await cli(['run', file, '--db', db], { PLATEAU_CACHE_DIR: cache, PLATEAU_PYTHON: '/nonexistent/python3' });
    expect(again.stderr).toBe('');
    expect(again.exitCode).toBe(0);
    expect(again.stdout).toContain("all 2 jobs of 'folder' are already stored");

    // A grid with a job not stored yet does need Python: the same setting is now exit 3.
    writeFileSync(file, stringify({ ...spec(root), fractions: [0.25, 0.5, 1] }));
    const more = await cli(['run', file, '--db', db], { PLATEAU_CACHE_DIR: cache, PLATEAU_PYTHON: '/nonexistent/python3' });
    expect(more.exitCode, more.stderr).toBe(3);
  });

  it('the data check is remembered by names, sizes and mtimes: unchanged files need no Python, a touched one does', async () => {
    const dir = tmp();
    const root = join(dir, 'data');
    mkdirSync(join(root, 'images'), { recursive: true });
    mkdirSync(join(root, 'masks'), { recursive: true });
    writeFileSync(join(root, 'images', 'a.png'), 'x');
    writeFileSync(join(root, 'masks', 'a.png'), 'y');
    const dataset = Experiment.parse(spec(root)).dataset;
    const before = dataFingerprint(dataset)!;
    expect(before).toMatch(/^[0-9a-f]{64}$/);
    expect(dataFingerprint(dataset)).toBe(before);
    utimesSync(join(root, 'masks', 'a.png'), new Date(2001, 1, 1), new Date(2001, 1, 1));
    const touched = dataFingerprint(dataset)!;
    expect(touched).not.toBe(before);
    writeFileSync(join(root, 'images', 'b.png'), 'z');
    expect(dataFingerprint(dataset)).not.toBe(touched);
    expect(dataFingerprint({ ...dataset, root: join(dir, 'missing') } as typeof dataset)).toBeUndefined();
    expect(existsSync(join(dir, 'missing'))).toBe(false);
  });

  it('a data list is fingerprinted by the list and the files it names (relative to its folder, DICOM series folders by their files)', () => {
    const dir = tmp();
    mkdirSync(join(dir, 'cases', 'series1'), { recursive: true });
    for (const f of ['a.png', 'a_seg.png', 'unlisted.png', 'series1/1.dcm']) writeFileSync(join(dir, 'cases', f), f);
    const list = join(dir, 'cases', 'list.json');
    writeFileSync(list, JSON.stringify({ training: [{ image: 'a.png', label: 'a_seg.png', subject: 'p1' }, { image: 'series1', label: 'a_seg.png' }] }));
    const dataset = Experiment.parse({ ...spec(dir), dataset: { kind: 'datalist', datalist: list } }).dataset;
    const before = dataFingerprint(dataset)!;
    expect(before).toMatch(/^[0-9a-f]{64}$/);
    // a file the list does not name changes nothing; one it names (or one inside a named series) does
    writeFileSync(join(dir, 'cases', 'unlisted.png'), 'changed');
    expect(dataFingerprint(dataset)).toBe(before);
    writeFileSync(join(dir, 'cases', 'series1', '2.dcm'), 'another slice');
    const grown = dataFingerprint(dataset)!;
    expect(grown).not.toBe(before);
    utimesSync(join(dir, 'cases', 'a_seg.png'), new Date(2001, 1, 1), new Date(2001, 1, 1));
    expect(dataFingerprint(dataset)).not.toBe(grown);
    expect(dataFingerprint({ ...dataset, datalist: join(dir, 'missing.json') } as typeof dataset)).toBeUndefined();
  });

  it('checkData answers from the remembered check without starting Python', async () => {
    const dir = tmp();
    const root = join(dir, 'kvasir');
    await writeImageFolder(root, 6);
    const exp = Experiment.parse({ ...spec(root), split: { train: 4, val: 1, test: 1 } });
    const env = { PLATEAU_CACHE_DIR: process.env.PLATEAU_CACHE_DIR, PLATEAU_PYTHON: process.env.PLATEAU_PYTHON };
    process.env.PLATEAU_CACHE_DIR = join(dir, 'cache');
    try {
      const fresh = await checkData(exp, 'folder.yaml');
      expect(fresh).toMatchObject({ cases: 6, patients: 6 });
      process.env.PLATEAU_PYTHON = '/nonexistent/python3';
      expect(await checkData(exp, 'folder.yaml')).toEqual(fresh);
      // a file added: the remembered check no longer applies, so Python is needed (and missing)
      writeFileSync(join(root, 'images', 'extra.txt'), 'not a case');
      await expect(checkData(exp, 'folder.yaml')).rejects.toThrow(/No Python found/);
    } finally {
      for (const [k, v] of Object.entries(env)) {
        if (v === undefined) delete process.env[k];
        else process.env[k] = v;
      }
    }
  });
});
