import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { describe, expect, it } from 'vitest';
import { UserError } from '../../../ts/errors';
import { loadExperiment } from '../../../ts/experiment/load';
import { ROOT, tinySpec, tmp } from '../helpers';

const write = (text: string) => {
  const file = join(tmp(), 'exp.yaml');
  writeFileSync(file, text);
  return file;
};

describe('loadExperiment', () => {
  it('loads the default experiment', () => {
    const e = loadExperiment(join(ROOT, 'experiments', 'synthetic-2d.yaml'));
    expect(e.name).toBe('synthetic-2d');
    expect(e.models[0]).toMatchObject({ family: 'resunet', depths: [3, 4, 5] });
  });

  it('names the file and every bad field', () => {
    const file = write(stringify({ ...tinySpec(), training: { epochs: 0, batch_size: 'eight' } }));
    const err = (() => { try { loadExperiment(file); } catch (e) { return e as UserError; } })();
    expect(err).toBeInstanceOf(UserError);
    expect(err!.code).toBe(2);
    expect(err!.message).toContain(file);
    expect(err!.message).toMatch(/training\.epochs/);
    expect(err!.message).toMatch(/training\.batch_size/);
  });

  it('reports broken YAML with the file name', () => {
    const file = write('name: [unclosed\n');
    expect(() => loadExperiment(file)).toThrow(new RegExp(`${file}: not valid YAML`));
  });

  it('says which values a field of a few takes (image channels: 1 or 3, not "expected 1")', () => {
    const file = write(stringify({ ...tinySpec(), dataset: { kind: 'image-folder', root: tmp(), size: [32, 32], channels: 4 } }));
    expect(() => loadExperiment(file)).toThrow(/dataset\.channels: must be 1 \(grey\) or 3 \(RGB\)$/);
  });

  it('reports a missing file', () => {
    expect(() => loadExperiment('/nonexistent/x.yaml')).toThrow(/x\.yaml: cannot read/);
  });

  it('applies --set overrides, read as YAML values, then validates them', () => {
    const file = write(stringify(tinySpec()));
    const e = loadExperiment(file, ['training.epochs=5', 'models[0]=x'].slice(0, 1));
    expect(e.training.epochs).toBe(5);
    expect(loadExperiment(file, ['fractions=[0.2, 0.4]']).fractions).toEqual([0.2, 0.4]);
    expect(() => loadExperiment(file, ['training.epochs=-3'])).toThrow(/training\.epochs/);
    expect(() => loadExperiment(file, ['training.epochs'])).toThrow(/FIELD=VALUE/);
  });

  it('--set reaches a list entry by index, as errors write it (models[0].depths) or dotted (models.0.depths)', () => {
    const file = write(stringify(tinySpec()));
    const first = tinySpec().models[0] as Record<string, unknown>;
    expect(loadExperiment(file, ['models[0].depths=[4]']).models[0]).toMatchObject({ ...first, depths: [4] });
    expect(loadExperiment(file, ['models.0.depths=[3]']).models[0]).toMatchObject({ depths: [3] });
    // the next index adds an entry
    expect(loadExperiment(file, [`models[1]={family: resunet, depths: [4], channels: 4, res_units: 1}`]).models).toHaveLength(2);
    // past the end, or a name on a list, is refused (a name on a list was dropped unseen, so the grid ran as written)
    expect(() => loadExperiment(file, ['models[3].depths=[3]'])).toThrow(/--set models\[3\]\.depths=\[3\]: models has 1 entry; an index goes up to 1/);
    expect(() => loadExperiment(file, ['models.depths=[3]'])).toThrow(/models is a list; give an index, e.g\. models\[0\]/);
    expect(() => loadExperiment(file, ['models[0].depths.x=1'])).toThrow(/models\[0\]\.depths is a list/);
  });
});
