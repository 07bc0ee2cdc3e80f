import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cli, ROOT } from '../helpers';

const dryRun = async (file: string, ...sets: string[]) => {
  const r = await cli(['run', join(ROOT, 'experiments', file), '--dry-run', '--json', ...sets.flatMap((s) => ['--set', s])]);
  expect(r.stderr).toBe('');
  return JSON.parse(r.stdout) as { count: number; jobs: Record<string, unknown>[] };
};

describe("the papers' experiments", () => {
  it('kvasir-seg: 4 depths × 50 fractions = 200 runs on 700 training images', async () => {
    const g = await dryRun('kvasir-seg.yaml');
    expect(g.count).toBe(200);
    expect(new Set(g.jobs.map((j) => j.depth))).toEqual(new Set([3, 4, 5, 6]));
    expect(g.jobs.filter((j) => j.fraction === 0.02).map((j) => j.n_train)).toEqual([14, 14, 14, 14]);
    expect(g.jobs.filter((j) => j.fraction === 1).map((j) => j.n_train)).toEqual([700, 700, 700, 700]);
  });

  it('brats2020: depths 3 and 5 × 20 fractions = 40 runs', async () => {
    const g = await dryRun('brats2020.yaml');
    expect(g.count).toBe(40);
    expect(new Set(g.jobs.map((j) => j.fraction)).size).toBe(20);
  });

  it('lv-families: 6 networks × 6 sizes × 3 lr × 3 L2 × 5 folds = 1620 runs', async () => {
    const g = await dryRun('lv-families.yaml');
    expect(g.count).toBe(1620);
    expect(new Set(g.jobs.map((j) => j.model)).size).toBe(6);
    expect(new Set(g.jobs.map((j) => j.count))).toEqual(new Set([200, 500, 1000, 2500, 5000, 10000]));
    expect(new Set(g.jobs.map((j) => j.lr))).toEqual(new Set([0.01, 0.001, 0.0001]));
    expect(new Set(g.jobs.map((j) => j.weight_decay))).toEqual(new Set([0.01, 0.0001, 0.000001]));
    expect(new Set(g.jobs.map((j) => j.fold))).toEqual(new Set([0, 1, 2, 3, 4]));
    expect(g.jobs.every((j) => j.patience === 5 && j.epochs === 50)).toBe(true);
    expect(new Set(g.jobs.map((j) => j.key)).size).toBe(1620);
  });

  it('--set points a paper at other data and is validated like the file', async () => {
    const g = await dryRun('kvasir-seg.yaml', 'dataset.root=/data/Kvasir-SEG', 'training.epochs=5');
    expect(g.jobs[0].epochs).toBe(5);
    const bad = await cli(['run', join(ROOT, 'experiments', 'kvasir-seg.yaml'), '--dry-run', '--set', 'dataset.size=[256]']);
    expect(bad.exitCode).toBe(2);
    expect(bad.stderr).toMatch(/kvasir-seg\.yaml: invalid experiment[\s\S]*dataset\.size/);
  });

  it('repeats run each configuration under consecutive seeds', async () => {
    const g = await dryRun('synthetic-3d.yaml', 'repeats=3');
    expect(g.count).toBe(24);
    expect(new Set(g.jobs.map((j) => `${j.repeat}:${j.seed}`))).toEqual(new Set(['0:0', '1:1', '2:2']));
  });
});
