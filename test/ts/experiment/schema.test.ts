import { describe, expect, it } from 'vitest';
import { Experiment } from '../../../ts/experiment/schema';
import { issuePath, leafIssues } from '../../../ts/experiment/load';
import { tinySpec } from '../helpers';

const paths = (spec: unknown) => {
  const r = Experiment.safeParse(spec);
  return r.success ? [] : leafIssues(r.error.issues).map((i) => issuePath(i.path));
};

describe('experiment schema', () => {
  it('accepts a valid spec and fills defaults', () => {
    const e = Experiment.parse(tinySpec());
    expect(e.training.loss).toBe('bce');
    expect(e.training.optimizer).toBe('adam');
    expect(e.training.weight_decay).toBe(0);
  });

  it.each([
    ['negative epochs', { training: { epochs: -1 } }, 'training.epochs'],
    ['fraction above 1', { fractions: [0.5, 1.5] }, 'fractions[1]'],
    ['depth out of range', { models: [{ family: 'resunet', depths: [3, 9] }] }, 'models[0].depths[1]'],
    ['unknown model family', { models: [{ family: 'vit', depths: [3] }] }, 'models[0].family'],
    ['unknown dataset kind', { dataset: { kind: 'mnist' } }, 'dataset.kind'],
    ['split larger than the data set', { split: { train: 30, val: 8, test: 8 } }, 'split'],
    ['unknown field', { trainng: {} }, '(top level)'],
    ['bad name', { name: 'has space' }, 'name'],
  ])('rejects %s at its field path', (_, over, path) => {
    expect(paths({ ...tinySpec(), ...over })).toContain(path);
  });

  it('rejects image sides the network cannot halve exactly', () => {
    expect(paths({ ...tinySpec(), dataset: { kind: 'synthetic-2d', count: 40, size: 34 } })).toContain('dataset.size');
    expect(paths({ ...tinySpec(), dataset: { kind: 'image-folder', root: 'x', size: [256, 250] }, models: [{ family: 'unet-resnet18' }] })).toContain('dataset.size');
    expect(paths({ ...tinySpec(), dataset: { kind: 'image-folder', root: 'x', size: [256, 256] }, models: [{ family: 'unet-resnet18' }] })).toEqual([]);
  });

  it('rejects a range whose start exceeds its end', () => {
    expect(paths({ ...tinySpec(), fractions: { from: 0.9, to: 0.1, step: 0.1 } }).join()).toMatch(/fractions/);
  });
});
