/**
 * Small jobs packed onto one GPU (issue 13, item 5): the same grid trained twice on fresh stores,
 * with one worker (one job at a time on the device) and with --workers K (K jobs at once: local
 * workers share the GPUs round robin by slot, plateau/worker.py), timed in the same run, with the
 * largest difference in Dice between the two runs' jobs and the devices the workers reported.
 * Goal where a GPU is lent: the default experiment's grid ≥ 3× faster packed, with the same Dice.
 *
 *   bash scripts/node.sh --import tsx bench/pack.ts [--workers 4[,8,...]] [--file experiments/synthetic-2d.yaml] [--set field=value ...]
 *
 * Several K (comma-separated) are each timed against the one reference run.
 *
 * Without a GPU it runs on the CPU, where the ratio says only how the cores were shared; `--set`
 * shrinks the grid for a quick look (e.g. --set 'fractions=[0.25,0.5]' --set training.epochs=1).
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { execa } from 'execa';
import { openDb } from '../ts/store/db';
import { resultRows } from '../ts/store/results';

const ROOT = resolve(import.meta.dirname, '..');
const { values: args } = parseArgs({
  options: {
    workers: { type: 'string', default: '4' },
    file: { type: 'string', default: join(ROOT, 'experiments', 'synthetic-2d.yaml') },
    set: { type: 'string', multiple: true, default: [] },
  },
});
const dir = mkdtempSync(join(tmpdir(), 'plateau-pack-'));

async function train(workers: number) {
  const db = join(dir, `w${workers}.db`);
  const t0 = performance.now();
  const r = await execa('bash', [join(ROOT, 'bin', 'plateau'), 'run', args.file, '--workers', String(workers), '--db', db, ...args.set.flatMap((s) => ['--set', s])], { reject: false, env: { NO_COLOR: '1' } });
  const wall = (performance.now() - t0) / 1000;
  if (r.exitCode !== 0) throw new Error(`plateau run --workers ${workers} exited ${r.exitCode}: ${String(r.stderr).trim().split('\n').pop()}`);
  const store = openDb(db, { readonly: true });
  const dice = new Map(resultRows(store).map((x) => [x.key, x.dice]));
  const devices = [...new Set((store.prepare('SELECT DISTINCT device FROM workers').all() as { device: string }[]).map((d) => d.device))];
  store.close();
  return { wall, dice, devices };
}

const ks = args.workers.split(',').map(Number);
if (!ks.every((k) => Number.isInteger(k) && k > 1)) throw new Error(`--workers: whole numbers above 1, comma-separated (got '${args.workers}')`);
// the data check runs once per data set and is remembered: done first, so no run pays for it
await execa('bash', [join(ROOT, 'bin', 'plateau'), 'data', 'check', args.file, ...args.set.flatMap((s) => ['--set', s])], { env: { NO_COLOR: '1' } });
const one = await train(1);
console.log(`${one.dice.size} jobs; devices: ${one.devices.join(', ')}`);
console.log(`one job at a time: ${one.wall.toFixed(1)} s wall (reference)`);
for (const k of ks) {
  const packed = await train(k);
  const diff = Math.max(...[...one.dice].map(([key, d]) => Math.abs(d - (packed.dice.get(key) ?? Number.NaN))));
  console.log(`${k} workers: ${packed.wall.toFixed(1)} s wall; ratio ${(one.wall / packed.wall).toFixed(2)}× faster; largest |ΔDice| between the runs' jobs ${diff.toFixed(4)}; devices: ${packed.devices.join(', ')}`);
}
