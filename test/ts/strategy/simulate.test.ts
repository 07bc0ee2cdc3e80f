import { describe, expect, it } from 'vitest';
import { errors, replayAdaptive, replayGrid, replayLadder } from '../../../ts/strategy/simulate';
import { type World, gridSeconds, reveal, trueTargetN, worldFromRows } from '../../../ts/strategy/world';
import { intervalLine } from '../../../ts/strategy/interval';
import { POOL, saturatingWorld } from './worlds';

describe('a simulated adaptive study', () => {
  it('on 5 saturating curves spends less than the full grid and gets within 0.02 of the true Dice at 100%', async () => {
    const { world, clean } = saturatingWorld(5, 0.003, 11);
    const adaptive = await replayAdaptive(world);
    const grid = await replayGrid(world);
    expect(grid.share).toBeCloseTo(1, 12);
    expect(grid.spent).toBeCloseTo(gridSeconds(world), 9);
    expect(adaptive.spent).toBeLessThan(grid.spent);
    expect(adaptive.share).toBeCloseTo(adaptive.spent / grid.spent, 12);
    expect(adaptive.answers).toHaveLength(5);
    for (const a of adaptive.answers) {
      const truth = clean[Number(a.model.slice(1))](POOL);
      expect(Math.abs(a.value! - truth)).toBeLessThanOrEqual(0.02);
    }
    // every job has its reason, and the study says why it stopped
    for (const j of adaptive.jobs) expect(j.reason).toMatch(new RegExp(`^${j.job.model}`));
    expect(adaptive.stop).toMatch(/^(answered|diminishing returns|no candidates|budget)/);
    const errs = errors(world, adaptive);
    expect(errs.every((e) => e.dice !== null && e.dice <= 0.02)).toBe(true);
  });

  it('reveals stored values with their cost, and the fixed ladder trains 5/10/20/40/80/100%', async () => {
    const { world } = saturatingWorld(1, 0, 3);
    const run = reveal(world, { model: 'm0', fraction: 0.5, n: 200, repeat: 0 });
    expect(run.dice).toBe(world.models[0].dice[9][0]);
    expect(run.seconds).toBeCloseTo(0.05 * 200, 12);
    expect(() => reveal(world, { model: 'm0', fraction: 0.5, n: 200, repeat: 1 })).toThrow(/1 seed/);
    const ladder = await replayLadder(world);
    expect(ladder.jobs.map((j) => j.job.fraction)).toEqual([0.05, 0.1, 0.2, 0.4, 0.8, 1]);
    expect(ladder.share).toBeCloseTo((0.05 + 0.1 + 0.2 + 0.4 + 0.8 + 1) / 10.5, 9);
  });
});

describe('a target reached before the smallest size a study trains', () => {
  it('is answered "n ≤ …" (open below) and counted as covered: the points cannot say how few images would do', async () => {
    // a curve flat from its first size (as many of LCDB's are): the target, its value, is reached at
    // the grid's smallest size, which the adaptive ladder (from 1.25% of 4,096) never trains
    const ns = Array.from({ length: 17 }, (_, k) => Math.round(16 * 2 ** (k / 2)));
    const w: World = { name: 'flat', nFull: ns[16], sizes: ns.map((n) => ({ n, fraction: n / ns[16] })), models: [{ model: 'm', depth: null, dice: ns.map((_, k) => [0.864 + 0.001 * Math.sin(k)]) }] };
    const target = w.models[0].dice[0][0];
    expect(trueTargetN(w, w.models[0], target)).toBe(16);
    const r = await replayAdaptive(w, { targetDice: target });
    const smallest = Math.min(...r.jobs.map((j) => j.job.n));
    expect(smallest).toBeGreaterThan(16);
    const [a] = r.answers;
    expect(a.openBelow).toBe(true);
    expect(a.lo).toBe(smallest);
    expect(errors(w, r, target)[0].covered).toBe(true);
    expect(intervalLine(a)).not.toMatch(new RegExp(`n ≥ ${smallest}\\b|\\[${smallest},`));
  });
});

describe('a world from stored runs', () => {
  const row = (model: string, fraction: number, repeat: number, dice: number, seconds: number) => ({ model, depth: Number(model.slice(-1)), fraction, n_train: Math.round(fraction * 360), repeat, dice, seconds, epochs_run: 8 });
  const rows = [0.25, 0.5, 1].flatMap((f, i) => ['resunet-d3', 'resunet-d4'].flatMap((m) => [row(m, f, 0, 0.5 + i / 10, 10 * f), row(m, f, 1, 0.52 + i / 10, 11 * f)]));

  it('holds every cell with its seeds and measured seconds; 100% is the size asked as fraction 1', () => {
    const w = worldFromRows(rows, 'tiny');
    expect(w.nFull).toBe(360);
    expect(w.sizes).toEqual([{ n: 90, fraction: 0.25 }, { n: 180, fraction: 0.5 }, { n: 360, fraction: 1 }]);
    expect(w.models.map((m) => [m.model, m.depth])).toEqual([['resunet-d3', 3], ['resunet-d4', 4]]);
    expect(w.models[0].dice[2]).toEqual([0.7, 0.72]);
    expect(reveal(w, { model: 'resunet-d4', fraction: 0.5, n: 180, repeat: 1 })).toEqual({ model: 'resunet-d4', n: 180, dice: 0.62, seconds: 5.5, epochs: 8 });
  });

  it('refuses a store with a missing cell', () => {
    expect(() => worldFromRows(rows.filter((r) => !(r.model === 'resunet-d4' && r.fraction === 0.5)), 'tiny')).toThrow(/resunet-d4 has no run at n = 180/);
  });
});
