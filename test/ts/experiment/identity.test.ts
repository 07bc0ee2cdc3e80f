import { cpSync, mkdirSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { stringify } from 'yaml';
import { describe, expect, it } from 'vitest';
import { expandGrid } from '../../../ts/experiment/grid';
import { loadExperiment } from '../../../ts/experiment/load';
import { jobKey } from '../../../ts/experiment/job';
import { tiny, tinySpec, tmp } from '../helpers';

/** A Kvasir-like folder whose files have the given sizes (keys read names and sizes, not pixels). */
function folder(root: string, sizes: number[]) {
  for (const sub of ['images', 'masks']) mkdirSync(join(root, sub), { recursive: true });
  sizes.forEach((n, i) => {
    writeFileSync(join(root, 'images', `c${i}.png`), 'x'.repeat(n));
    writeFileSync(join(root, 'masks', `c${i}.png`), 'y'.repeat(n));
  });
}

const experiment = (root: string) => ({ ...tinySpec(), dataset: { kind: 'image-folder', root, size: [32, 32] } });

function keysOf(file: string, doc: unknown, sets: string[] = []) {
  writeFileSync(file, stringify(doc));
  return expandGrid(loadExperiment(file, sets)).map((j) => j.key);
}

describe('job identity by content', () => {
  it('gives the same keys for the same data under any spelling of its root, or a copy elsewhere', () => {
    const dir = tmp();
    folder(join(dir, 'data', 'kvasir'), [10, 20, 30]);
    mkdirSync(join(dir, 'exp'));
    const file = join(dir, 'exp', 'e.yaml');
    const base = keysOf(file, experiment('../data/kvasir'));
    expect(keysOf(file, experiment('../data/kvasir/'))).toEqual(base);
    expect(keysOf(file, experiment(join(dir, 'data', 'kvasir')))).toEqual(base);
    cpSync(join(dir, 'data', 'kvasir'), join(dir, 'mounted', 'elsewhere'), { recursive: true });
    expect(keysOf(file, experiment(join(dir, 'mounted', 'elsewhere')))).toEqual(base);
    // other content: one file of another size
    writeFileSync(join(dir, 'mounted', 'elsewhere', 'masks', 'c0.png'), 'y'.repeat(11));
    expect(keysOf(file, experiment(join(dir, 'mounted', 'elsewhere')))).not.toEqual(base);
  });

  it("resolves the file's relative paths against its folder, and --set paths against the working directory", () => {
    const dir = tmp();
    mkdirSync(join(dir, 'exp'));
    const file = join(dir, 'exp', 'e.yaml');
    writeFileSync(file, stringify({ ...experiment('../data/kvasir'), models: [{ _target_: 'mynets:build', pretrained: 'w/best.pt' }] }));
    const exp = loadExperiment(file);
    expect(exp.dataset).toMatchObject({ root: join(dir, 'data', 'kvasir') });
    expect(expandGrid(exp)[0].model).toMatchObject({ pretrained: join(dir, 'exp', 'w', 'best.pt') });
    const set = loadExperiment(file, [`dataset.root=${relative(process.cwd(), join(dir, 'other'))}`]);
    expect(set.dataset).toMatchObject({ root: join(dir, 'other') });
  });

  it('keys a data list by its own bytes and the sizes of the files it names, not by its path', () => {
    const dir = tmp();
    const list = (at: string, size: number) => {
      mkdirSync(join(dir, at, 'cases'), { recursive: true });
      writeFileSync(join(dir, at, 'cases', 'a.png'), 'x'.repeat(size));
      writeFileSync(join(dir, at, 'cases', 'a_seg.png'), 'x'.repeat(size));
      writeFileSync(join(dir, at, 'list.json'), JSON.stringify({ training: [{ image: 'cases/a.png', label: 'cases/a_seg.png' }] }));
      return join(dir, at, 'list.json');
    };
    const file = join(dir, 'e.yaml');
    const doc = (datalist: string) => ({ ...tinySpec(), dataset: { kind: 'datalist', datalist } });
    const a = keysOf(file, doc(list('one', 5)));
    expect(keysOf(file, doc(list('two', 5)))).toEqual(a);
    expect(keysOf(file, doc(list('three', 6)))).not.toEqual(a);
  });

  it('keys a bundle by its files and pretrained weights by their bytes, not by where they lie', () => {
    const dir = tmp();
    const bundleAt = (at: string) => {
      mkdirSync(join(dir, at, 'configs'), { recursive: true });
      writeFileSync(join(dir, at, 'configs', 'train.json'), '{"network_def": {}}');
      return join(dir, at);
    };
    const file = join(dir, 'e.yaml');
    const withModel = (model: object) => ({ ...tinySpec(), models: [model] });
    const a = keysOf(file, withModel({ bundle: bundleAt('one'), name: 'b' }));
    expect(keysOf(file, withModel({ bundle: bundleAt('two'), name: 'b' }))).toEqual(a);
    writeFileSync(join(dir, 'two', 'configs', 'train.json'), '{"network_def": {"x": 1}}');
    expect(keysOf(file, withModel({ bundle: join(dir, 'two'), name: 'b' }))).not.toEqual(a);
    writeFileSync(join(dir, 'w1.pt'), 'weights');
    writeFileSync(join(dir, 'w2.pt'), 'weights');
    writeFileSync(join(dir, 'w3.pt'), 'Weights');
    const net = (pretrained: string) => withModel({ _target_: 'mynets:build', pretrained });
    expect(keysOf(file, net('w1.pt'))).toEqual(keysOf(file, net('w2.pt')));
    expect(keysOf(file, net('w3.pt'))).not.toEqual(keysOf(file, net('w1.pt')));
  });

  it('leaves the keys of generated data sets as they were: the hash of the job itself', () => {
    for (const job of expandGrid(tiny())) {
      const { key, ...spec } = job;
      expect(key).toBe(jobKey(spec));
    }
  });
});
