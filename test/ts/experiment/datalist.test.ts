import { describe, expect, it } from 'vitest';
import { Experiment } from '../../../ts/experiment/schema';
import { tinySpec } from '../helpers';

describe('dataset kind datalist and dict transforms', () => {
  it('takes a MONAI data list with defaults, and transforms lists for train and eval on any kind', () => {
    const exp = Experiment.parse({
      ...tinySpec(),
      dataset: { kind: 'datalist', datalist: 'data/list.json', patient_key: 'subject', transforms: { train: [{ _target_: 'RandFlipd', keys: ['image', 'label'], prob: 0.5 }] } },
    });
    expect(exp.dataset).toMatchObject({ kind: 'datalist', key: 'training', foreground: 'nonzero', transforms: { eval: [] } });
    const synth = Experiment.parse({ ...tinySpec(), dataset: { ...tinySpec().dataset, transforms: { eval: [{ _target_: 'monai.transforms.Identityd', keys: ['image'] }] } } });
    expect(synth.dataset.transforms?.train).toEqual([]);
  });

  it('checks a resize against what the network can halve, under dataset.size', () => {
    const bad = Experiment.safeParse({ ...tinySpec(), dataset: { kind: 'datalist', datalist: 'l.json', size: [30, 32] } });
    expect(bad.success).toBe(false);
    expect(bad.error?.issues[0].path).toEqual(['dataset', 'size']);
  });

  it('rejects a transform that is not a _target_ entry', () => {
    const bad = Experiment.safeParse({ ...tinySpec(), dataset: { kind: 'datalist', datalist: 'l.json', transforms: { train: [{ keys: ['image'] }] } } });
    expect(bad.success).toBe(false);
  });
});

describe('softmax over classes', () => {
  it('takes exclusive classes, and refuses regions that share labels', () => {
    const data = { kind: 'synthetic-3d', count: 40, size: 16, classes: { a: [1], b: [2] } };
    expect(Experiment.safeParse({ ...tinySpec(), dataset: data, training: { ...tinySpec().training, activation: 'softmax' } }).success).toBe(true);
    const regions = Experiment.safeParse({ ...tinySpec(), dataset: { ...data, classes: { WT: [1, 2], TC: [1] } }, training: { ...tinySpec().training, activation: 'softmax' } });
    expect(regions.error?.issues[0].path).toEqual(['training', 'activation']);
  });
});
