import { describe, expect, it } from 'vitest';
import { expandGrid } from '../../../ts/experiment/grid';
import { Experiment } from '../../../ts/experiment/schema';
import { tinySpec as tiny } from '../helpers';

const segresnet = { _target_: 'monai.networks.nets.SegResNet', spatial_dims: 2, in_channels: 1, out_channels: 1, init_filters: 8 };

describe('models, losses, optimizers and schedules by _target_', () => {
  it('takes a network by import path beside the short names, shown as its class or its name:', () => {
    const exp = Experiment.parse({
      ...tiny(),
      models: [{ family: 'resunet', depths: [2] }, segresnet, { _target_: 'mynets:build', width: 4, name: 'mine', pretrained: 'w.pt' }],
    });
    const models = expandGrid(exp).map((j) => j.model).slice(0, 3); // the smallest subset
    expect(models.map((m) => m.name)).toEqual(['resunet-d2', 'SegResNet', 'mine']);
    expect(models[1]).toEqual({ name: 'SegResNet', family: 'target', target: segresnet });
    expect(models[2]).toEqual({ name: 'mine', family: 'target', target: { _target_: 'mynets:build', width: 4 }, pretrained: 'w.pt' });
  });

  it('puts every constructor argument into the job key', () => {
    const key = (args: object) => expandGrid(Experiment.parse({ ...tiny(), models: [{ ...segresnet, ...args }] }))[0].key;
    expect(key({})).toBe(key({}));
    expect(key({ init_filters: 16 })).not.toBe(key({}));
  });

  it('leaves the keys of experiments without the new fields as they were', () => {
    const before = expandGrid(Experiment.parse(tiny())).map((j) => j.key);
    const explicit = expandGrid(Experiment.parse({ ...tiny(), training: { ...tiny().training, optimizer: 'adam', loss: 'bce' } }));
    expect(explicit.map((j) => j.key)).toEqual(before);
    expect(expandGrid(Experiment.parse(tiny()))[0].training).not.toHaveProperty('scheduler');
  });

  it('takes SGD with the poly schedule, and any loss / optimizer / scheduler by _target_', () => {
    const training = {
      ...tiny().training,
      optimizer: { _target_: 'torch.optim.AdamW', betas: [0.8, 0.9] },
      loss: { _target_: 'monai.losses.DiceFocalLoss', sigmoid: true },
      scheduler: 'poly',
    };
    const job = expandGrid(Experiment.parse({ ...tiny(), training }))[0];
    expect(job.training).toMatchObject({ optimizer: training.optimizer, loss: training.loss, scheduler: 'poly' });
    expect(Experiment.parse({ ...tiny(), training: { ...tiny().training, optimizer: 'sgd' } }).training.optimizer).toBe('sgd');
  });

  it('rejects an import path that is not one, and two networks under one name', () => {
    const bad = Experiment.safeParse({ ...tiny(), models: [{ _target_: 'monai nets/SegResNet' }] });
    expect(bad.success).toBe(false);
    expect(JSON.stringify(bad.error?.issues)).toContain('import path');
    const twice = Experiment.safeParse({ ...tiny(), models: [segresnet, { ...segresnet, init_filters: 16 }] });
    expect(twice.success).toBe(false);
    expect(twice.error?.issues[0].message).toBe('SegResNet named more than once (a depth listed twice, or two entries of one name); list each depth once and give each entry a distinct name');
  });
});

describe('a MONAI bundle as a model', () => {
  it('is named after its folder unless named, with configs/train.json by default', () => {
    const exp = Experiment.parse({ ...tiny(), models: [{ bundle: '/b/spleen_ct_segmentation/' }, { bundle: '/b/x', name: 'mine', config: 'configs/train.yaml' }] });
    expect(expandGrid(exp).slice(0, 2).map((j) => j.model)).toEqual([
      { name: 'spleen_ct_segmentation', family: 'bundle', bundle: '/b/spleen_ct_segmentation/', config: 'configs/train.json' },
      { name: 'mine', family: 'bundle', bundle: '/b/x', config: 'configs/train.yaml' },
    ]);
  });
});
