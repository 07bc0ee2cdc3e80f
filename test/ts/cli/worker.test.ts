import { cpSync, readFileSync, renameSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { execa } from 'execa';
import { stringify } from 'yaml';
import { expect, it } from 'vitest';
import { openDb } from '../../../ts/store/db';
import { PYTHON, ROOT, tmp } from '../helpers';

/** The CLI from its sources, in a project folder of the test's own (its .plateau/, the repo's schemas and Python). */
const plateau = (project: string, args: string[]) =>
  execa(process.execPath, ['--import', join(ROOT, 'node_modules/tsx/dist/loader.mjs'), join(ROOT, 'ts/cli.ts'), ...args], {
    reject: false, cwd: project, env: { NO_COLOR: '1', PLATEAU_ROOT: project, PLATEAU_PYTHON: PYTHON }, timeout: 120_000,
  });

/** A small Kvasir-like image folder (bright discs on noise), written with Pillow. */
async function imageFolder(root: string, n: number) {
  await execa(PYTHON, ['-c', `
import sys, numpy as np
from pathlib import Path
from PIL import Image
root = Path(sys.argv[1]); (root / "images").mkdir(parents=True); (root / "masks").mkdir(parents=True)
rng = np.random.default_rng(0)
for i in range(int(sys.argv[2])):
    yy, xx = np.mgrid[:32, :32]
    disc = (yy - rng.integers(10, 22)) ** 2 + (xx - rng.integers(10, 22)) ** 2 < rng.integers(4, 8) ** 2
    Image.fromarray(np.clip(rng.normal(60, 20, (32, 32, 3)) + disc[..., None] * 120, 0, 255).astype(np.uint8)).save(root / "images" / f"c{i:02d}.png")
    Image.fromarray((disc * 255).astype(np.uint8)).save(root / "masks" / f"c{i:02d}.png")
`, root, String(n)]);
}

it("plateau worker: keygen, CURVE with the project's broker key, its own copy of the data (--data-root), a line per job and epoch", async () => {
  const dir = tmp();
  symlinkSync(join(ROOT, 'schemas'), join(dir, 'schemas'));
  const control = join(dir, 'control', 'kvasir');
  const copy = join(dir, 'worker', 'kvasir');
  await imageFolder(control, 20);
  cpSync(control, copy, { recursive: true });
  const file = join(dir, 'e.yaml');
  writeFileSync(file, stringify({
    name: 'remote', dataset: { kind: 'image-folder', root: control, size: [32, 32], channels: 3 }, split: { train: 12, val: 4, test: 4 },
    fractions: [0.5, 1], models: [{ family: 'resunet', depths: [2], channels: 4, res_units: 1 }], training: { epochs: 2, batch_size: 4, lr: 0.01 },
  }));
  const keygen = await plateau(dir, ['worker', '--keygen', join(dir, 'w.json')]);
  expect(keygen.exitCode, keygen.stderr).toBe(0);
  writeFileSync(join(dir, 'workers.txt'), `${keygen.stdout.trim()}\n`);

  const run = plateau(dir, ['run', file, '--db', join(dir, 'stores', 's.db'), '--bind', 'tcp://127.0.0.1:*', '--authorized-keys', join(dir, 'workers.txt'), '--workers', '0', '--no-dashboard']);
  // The run prints the command for a worker elsewhere; take the endpoint and key from it.
  const hint = await new Promise<RegExpExecArray>((resolve, reject) => {
    let err = '';
    run.stderr!.on('data', (b: Buffer) => {
      err += b.toString();
      const m = /plateau worker --connect (\S+) --server-key='([^']+)'/.exec(err);
      if (m) resolve(m);
    });
    void run.then(() => reject(new Error(`run ended before it listened: ${err}`)));
  });
  // The control plane's copy goes away: only the worker's own copy can be read from now on.
  renameSync(control, join(dir, 'control', 'moved'));
  const worker = await plateau(dir, ['worker', '--connect', hint[1], `--server-key=${hint[2]}`, '--key-file', join(dir, 'w.json'), '--data-root', copy, '--id', 'remote1', '-v']);
  const r = await run;
  expect(r.exitCode, `${r.stdout}\n${r.stderr}\n${worker.stdout}\n${worker.stderr}`).toBe(0);
  expect(worker.exitCode, worker.stderr).toBe(0);
  const lines = worker.stdout.split('\n');
  expect(lines.filter((l) => /^plateau worker remote1: start resunet-d2 (50|100)% \[[0-9a-f]{16}\]$/.test(l))).toHaveLength(2);
  expect(lines.filter((l) => /^plateau worker remote1: {3}epoch [12]\/2 train_loss=/.test(l))).toHaveLength(4);
  expect(lines.filter((l) => /^plateau worker remote1: done resunet-d2 (50|100)% dice=[01]\.\d{4} \d+\.\ds \[[0-9a-f]{16}\]$/.test(l))).toHaveLength(2);
  // The broker's key pair is the project's (.plateau/curve/, owner-only), not kept beside --db.
  const keys = join(dir, '.plateau', 'curve', 'broker.json');
  expect(JSON.parse(readFileSync(keys, 'utf8')).publicKey).toBe(hint[2]);
  expect(statSync(keys).mode & 0o777).toBe(0o600);
  expect(() => statSync(join(dir, 'stores', 'curve'))).toThrow();
  const db = openDb(join(dir, 'stores', 's.db'), { readonly: true });
  try {
    expect(db.prepare(`SELECT status, worker FROM jobs`).all()).toEqual([{ status: 'done', worker: 'remote1' }, { status: 'done', worker: 'remote1' }]);
  } finally {
    db.close();
  }
}, 120_000);
