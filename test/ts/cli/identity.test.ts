import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { execa } from 'execa';
import { stringify } from 'yaml';
import { describe, expect, it } from 'vitest';
import { PYTHON, cli, tmp } from '../helpers';

/** PNG images and masks (a bright square on noise), written with Pillow. */
async function writeFolder(root: string, n: number) {
  const code = `
import sys, numpy as np
from pathlib import Path
from PIL import Image
root, n = Path(sys.argv[1]), int(sys.argv[2])
(root / "images").mkdir(parents=True); (root / "masks").mkdir(parents=True)
rng = np.random.default_rng(1)
for i in range(n):
    m = np.zeros((32, 32), np.uint8); y, x = rng.integers(4, 20, 2); m[y:y + 9, x:x + 9] = 255
    Image.fromarray(np.clip(rng.normal(60, 20, (32, 32)) + m / 2, 0, 255).astype(np.uint8)).save(root / "images" / f"c{i:02d}.png")
    Image.fromarray(m).save(root / "masks" / f"c{i:02d}.png")
`;
  await execa(PYTHON, ['-c', code, root, String(n)]);
}

describe('the same grid under two spellings of its root', () => {
  it('trains once: the second spelling finds every job stored', async () => {
    const dir = tmp();
    await writeFolder(join(dir, 'data', 'kvasir'), 12);
    mkdirSync(join(dir, 'exp'));
    const file = join(dir, 'exp', 'e.yaml');
    const write = (root: string) =>
      writeFileSync(file, stringify({
        name: 'spelling',
        dataset: { kind: 'image-folder', root, size: [32, 32], channels: 1 },
        split: { train: 6, val: 3, test: 3 },
        fractions: [1],
        models: [{ family: 'resunet', depths: [2], channels: 4, res_units: 0 }],
        training: { epochs: 1, batch_size: 4 },
      }));
    const env = { PLATEAU_CACHE_DIR: join(dir, 'cache') };
    const db = join(dir, 's.db');
    write('../data/kvasir'); // relative to the file's folder, not the working directory
    const first = await cli(['run', file, '--db', db, '--json', '--workers', '1'], env);
    expect(first.exitCode, first.stderr).toBe(0);
    expect(JSON.parse(first.stdout)).toMatchObject({ trained: 1, failed: 0 });
    write(`${join(dir, 'data', 'kvasir')}/`);
    const again = await cli(['run', file, '--db', db], env);
    expect(again.exitCode, again.stderr).toBe(0);
    expect(again.stdout).toContain("the 1 job of 'spelling' is already stored");
  });
});
