/**
 * CLI benchmark (issue 13): how long a user waits for `plateau --help` and `plateau status`, against
 * bare Node (`node -e 0`) and against the same sources run through tsx (how bin/plateau ran before
 * the bundle), all measured in this run, interleaved, median of REPS; then how long a rerun of a finished
 * grid takes against the fresh run that trained it (a tiny image-folder experiment, 4 jobs).
 * `status` is also timed on a store like the default experiment's (60 jobs, 3 curves; written by
 * bench/lib/defaultStore.ts, not trained): the first status after a new result (one job's result
 * written again before each run: one curve changes, the fits of the others are kept), and a status
 * with nothing kept (answers and fits cleared before each run).
 * Goals: --help and status ≤ 0.3 s wall; a rerun of a stored grid ≤ 1 s.
 * Run: bash scripts/node.sh --import tsx bench/cli.ts [reps]
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { cpus as cpus_, loadavg, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { execa } from 'execa';
import { stringify } from 'yaml';
import { defaultDice, defaultExperimentStore, restoreWith } from './lib/defaultStore';

const ROOT = resolve(import.meta.dirname, '..');
const REPS = Number(process.argv[2] ?? 9);
const PYTHON = process.env.PLATEAU_PYTHON ?? join(ROOT, '.venv', 'bin', 'python');
const BIN = join(ROOT, 'bin', 'plateau');
const NODE = process.execPath;
const dir = mkdtempSync(join(tmpdir(), 'plateau-bench-cli-'));
// the answers and fits status keeps (and V8's code cache) go here, not into the checkout's .plateau/cache
const env = { PLATEAU_CACHE_DIR: join(dir, 'cache'), PLATEAU_CACHE: join(dir, 'kept'), NO_COLOR: '1' };

/** Wall seconds of a command, and its CPU seconds (user + system, from bash's `times`: what the wall would be on an idle core). */
async function measure(cmd: string, args: string[]): Promise<{ wall: number; cpu: number }> {
  const script = '"$@" >/dev/null 2>/tmp/plateau-bench-cli.err; rc=$?; times; exit $rc';
  const t0 = performance.now();
  const r = await execa('bash', ['-c', script, '_', cmd, ...args], { reject: false, cwd: ROOT, env });
  const wall = (performance.now() - t0) / 1000;
  if (r.exitCode !== 0) throw new Error(`${cmd} ${args.join(' ')} exited ${r.exitCode}`);
  // `times` prints the shell's own user/system time, then its children's: "0m0.120s 0m0.020s"
  const children = String(r.stdout).trim().split('\n').pop()!;
  const cpu = [...children.matchAll(/(\d+)m([\d.]+)s/g)].reduce((t, m) => t + Number(m[1]) * 60 + Number(m[2]), 0);
  return { wall, cpu };
}
const seconds = async (cmd: string, args: string[]) => (await measure(cmd, args)).wall;
const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};
const f = (x: number) => x.toFixed(3);

// --- a real store: a tiny image-folder grid trained once (also the resume benchmark) ---------------
const root = join(dir, 'kvasir');
await execa(PYTHON, ['-c', `
import sys, numpy as np
from pathlib import Path
from PIL import Image
root = Path(sys.argv[1]); (root / "images").mkdir(parents=True); (root / "masks").mkdir(parents=True)
rng = np.random.default_rng(0)
for i in range(40):
    yy, xx = np.mgrid[:64, :64]
    cy, cx, r = rng.integers(16, 48, size=2).tolist() + [int(rng.integers(6, 14))]
    disc = (yy - cy) ** 2 + (xx - cx) ** 2 < r * r
    img = np.clip(rng.normal(60, 20, (64, 64, 3)) + disc[..., None] * 120, 0, 255).astype(np.uint8)
    Image.fromarray(img).save(root / "images" / f"case{i:03d}.jpg")
    Image.fromarray((disc * 255).astype(np.uint8)).save(root / "masks" / f"case{i:03d}.jpg")
`, root]);
const file = join(dir, 'folder.yaml');
writeFileSync(file, stringify({
  name: 'folder',
  dataset: { kind: 'image-folder', root, size: [32, 32], channels: 3 },
  split: { train: 24, val: 8, test: 8 },
  fractions: [0.25, 0.5, 0.75, 1],
  models: [{ family: 'resunet', depths: [2], channels: 4, res_units: 1 }],
  training: { epochs: 1, batch_size: 8, lr: 0.01 },
}));
const db = join(dir, 'store.db');
const fresh = await seconds(BIN, ['run', file, '--db', db, '--workers', '1', '--no-dashboard']);
const reruns: number[] = [];
for (let i = 0; i < 5; i++) reruns.push(await seconds(BIN, ['run', file, '--db', db, '--no-dashboard']));

// --- the default experiment's store: 60 jobs, every one done -----------------------------------------
const big = join(dir, 'default.db');
const { db: bigDb, jobs: bigJobs } = defaultExperimentStore(big);
let written = 0;
/** A new result: one job (each time another) stored again with another Dice, as a retrained job would be. */
const newResult = () => {
  const j = bigJobs[written++ % bigJobs.length];
  restoreWith(bigDb, j, defaultDice(j.model.family === 'resunet' ? j.model.depth : 3, j.fraction ?? 1, written));
};
const forget = () => ['answers', 'fits'].forEach((k) => rmSync(join(env.PLATEAU_CACHE, k), { recursive: true, force: true }));

// --- start-up, interleaved so load on the machine falls on every command alike ----------------------
await seconds(BIN, ['--help']); // the bundle is (re)built here if ts/ changed, not inside the timings
await seconds(BIN, ['status', '--db', big]); // the corpus and V8's code cache kept once, as after any first status
const cases: [string, string, string[], (() => void)?][] = [
  ['node -e 0 (bare Node)', NODE, ['-e', '0']],
  ['plateau --help', BIN, ['--help']],
  ['plateau status', BIN, ['status', '--db', db]],
  ['status, first after a new result', BIN, ['status', '--db', big], newResult],
  ['status, nothing kept (60 jobs)', BIN, ['status', '--db', big], forget],
  ['tsx ts/cli.ts --help (no bundle)', NODE, ['--import', join(ROOT, 'node_modules/tsx/dist/loader.mjs'), join(ROOT, 'ts/cli.ts'), '--help']],
  ['tsx ts/cli.ts status (no bundle)', NODE, ['--import', join(ROOT, 'node_modules/tsx/dist/loader.mjs'), join(ROOT, 'ts/cli.ts'), 'status', '--db', db]],
];
const times = cases.map(() => [] as number[]);
const cpus = cases.map(() => [] as number[]);
for (let r = 0; r < REPS; r++) {
  for (const [i, [, cmd, args, before]] of cases.entries()) {
    before?.();
    const m = await measure(cmd, args);
    times[i].push(m.wall);
    cpus[i].push(m.cpu);
  }
}
const bare = median(times[0]);

console.log(`CLI start-up, median of ${REPS} (interleaved); wall seconds with the ratio to bare Node measured in this run, and CPU seconds:`);
for (const [i, [name]] of cases.entries()) console.log(`  ${name.padEnd(36)} ${f(median(times[i]))} s wall  ×${(median(times[i]) / bare).toFixed(1)}   ${f(median(cpus[i]))} s CPU`);
const met = (i: number) => (median(times[i]) <= 0.3 ? 'met' : 'missed');
console.log(`goal ≤ 0.300 s wall: --help ${met(1)}, status ${met(2)}, status first after a new result ${met(3)} (load average now ${loadavg()[0].toFixed(1)} on ${cpus_().length} cores)`);
bigDb.close();
console.log();
console.log('resume (tiny image-folder grid, 4 jobs, 40 JPEGs):');
console.log(`  fresh run (scan + train)         ${fresh.toFixed(2)} s`);
console.log(`  rerun, every job stored          ${f(median(reruns))} s (median of 5)  = ${(median(reruns) / fresh).toFixed(3)} of the fresh run`);
console.log(`goal ≤ 1 s: ${median(reruns) <= 1 ? 'met' : 'missed'}`);
