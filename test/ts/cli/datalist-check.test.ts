import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { execa } from 'execa';
import { stringify } from 'yaml';
import { describe, expect, it } from 'vitest';
import { PYTHON, cli, tmp } from '../helpers';

/** A PNG data list of `n` cases (labels 0/1) beside `list.json`. */
async function writeList(dir: string, n: number) {
  const code = `
import json, sys, numpy as np
from pathlib import Path
from PIL import Image
d, n = Path(sys.argv[1]), int(sys.argv[2])
rng = np.random.default_rng(0)
entries = []
for i in range(n):
    m = np.zeros((32, 32), np.uint8); m[8:20, 8:20] = 1
    Image.fromarray(rng.integers(0, 255, (32, 32)).astype(np.uint8)).save(d / f"i{i}.png")
    Image.fromarray(m).save(d / f"l{i}.png")
    entries.append({"image": f"i{i}.png", "label": f"l{i}.png"})
(d / "list.json").write_text(json.dumps({"training": entries}))
`;
  await execa(PYTHON, ['-c', code, dir, String(n)]);
}

const experiment = (over: object = {}) => ({
  name: 'own-list',
  dataset: { kind: 'datalist', datalist: 'list.json', foreground: [1] },
  split: { train: 4, val: 2, test: 2 },
  fractions: [1],
  models: [{ family: 'resunet', depths: [2], channels: 4, res_units: 0 }],
  training: { epochs: 1 },
  ...over,
});

describe('data checked before training', () => {
  it('a bad data list stops run with exit 2 naming the file, and nothing is stored', async () => {
    const dir = tmp();
    await writeList(dir, 8);
    const list = JSON.parse(readFileSync(join(dir, 'list.json'), 'utf8'));
    const file = join(dir, 'e.yaml');
    const env = { PLATEAU_CACHE_DIR: join(dir, 'cache') };
    const db = join(dir, 's.db');
    const attempt = async (entries: unknown[], over: object = {}) => {
      writeFileSync(join(dir, 'list.json'), JSON.stringify({ training: entries }));
      writeFileSync(file, stringify(experiment(over)));
      return cli(['run', file, '--db', db, '--workers', '1'], env);
    };
    const noLabel = await attempt([...list.training.slice(0, 7), { image: 'i7.png' }]);
    expect(noLabel.exitCode).toBe(2);
    expect(noLabel.stderr).toContain('entry 7 has no label');
    // another image's label: 32x32 PNG vs a 16x16 one
    await execa(PYTHON, ['-c', `from PIL import Image; Image.new("L", (16, 16)).save("${join(dir, 'small.png')}")`]);
    const shape = await attempt([...list.training.slice(0, 7), { image: 'small.png', label: 'l7.png' }]);
    expect(shape.exitCode).toBe(2);
    expect(shape.stderr).toMatch(/l7\.png: label is 32x32 but image is 16x16/);
    const labels = await attempt(list.training, { dataset: { kind: 'datalist', datalist: 'list.json', foreground: [2] } });
    expect(labels.exitCode).toBe(2);
    expect(labels.stderr).toMatch(/label values \[1\] are not among the labels \[0, 2\]/);
    const split = await attempt(list.training, { split: { train: 6, val: 2, test: 2 } });
    expect(split.exitCode).toBe(2);
    expect(split.stderr).toContain('split: the split needs 10 cases but the data set has 8');
    const check = await cli(['data', 'check', file], env);
    expect(check.exitCode).toBe(2);
    expect(existsSync(db)).toBe(false);
  });
});

/**
 * `plateau run` on a tiny synthetic grid with these models and training settings, in a fresh folder
 * (`dir`, made first so a test can put files beside the experiment): its result, and the store path.
 */
async function runTiny(models: unknown[], training: Record<string, unknown>, dir = tmp()) {
  const file = join(dir, 'e.yaml');
  const db = join(dir, 's.db');
  writeFileSync(file, stringify({
    name: 'typo', dataset: { kind: 'synthetic-2d', count: 8, size: 16 }, split: { train: 4, val: 2, test: 2 }, fractions: [0.5, 1], models, training: { epochs: 1, ...training },
  }));
  return { r: await cli(['run', file, '--db', db, '--workers', '1']), db };
}

describe('_target_ entries and bundles checked before training', () => {
  it('a target that does not import stops run with exit 2 naming the field, and nothing is stored', async () => {
    const { r, db } = await runTiny([{ _target_: 'monai.networks.nets.SegResNett', spatial_dims: 2 }], { loss: { _target_: 'mylosses:focal' }, optimizer: { _target_: 'torch.optim.AdamW' } });
    expect(r.exitCode).toBe(2);
    expect(r.stderr).toContain('models SegResNett: monai.networks.nets.SegResNett is not an importable class or function');
    expect(r.stderr).toContain("training.loss: cannot import mylosses:focal (No module named 'mylosses')");
    expect(r.stderr).not.toContain('AdamW');
    expect(existsSync(db)).toBe(false);
  });

  it('an argument the target does not take stops run with exit 2, with the nearest it does take (jobs failed one by one before)', async () => {
    const { r, db } = await runTiny([{ _target_: 'monai.networks.nets.SegResNet', spatial_dims: 2, blocks_upp: [1] }], { optimizer: { _target_: 'torch.optim.SGD', momentum: 0.9 } });
    expect(r.exitCode).toBe(2);
    expect(r.stderr).toContain("models SegResNet: monai.networks.nets.SegResNet takes no argument 'blocks_upp' (did you mean 'blocks_up'?)");
    expect(r.stderr).not.toContain('SGD');
    expect(existsSync(db)).toBe(false);
  });

  it('a MONAI bundle without a training config stops run with exit 2 naming the file and what it lacks', async () => {
    const dir = tmp();
    mkdirSync(join(dir, 'b', 'configs'), { recursive: true });
    writeFileSync(join(dir, 'b', 'configs', 'train.json'), JSON.stringify({ network_def: { _target_: 'UNet' } }));
    const { r, db } = await runTiny([{ bundle: 'b' }, { bundle: 'missing' }], {}, dir);
    expect(r.exitCode).toBe(2);
    expect(r.stderr).toContain(`models b: ${join(dir, 'b', 'configs', 'train.json')} has no network, loss, train#trainer`);
    expect(r.stderr).toContain(`models missing: bundle ${join(dir, 'missing')}: no such folder`);
    expect(existsSync(db)).toBe(false);
  });
});
