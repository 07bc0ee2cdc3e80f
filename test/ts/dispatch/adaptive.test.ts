import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { render } from 'ink-testing-library';
import { createElement } from 'react';
import { describe, expect, it } from 'vitest';
import { openDb } from '../../../ts/store/db';
import { resultRows } from '../../../ts/store/results';
import { studyRecord } from '../../../ts/store/study';
import { DashboardView } from '../../../ts/tui/Dashboard';
import { readSnapshot } from '../../../ts/tui/snapshot';
import { cli, tinySpec, tmp } from '../helpers';

// A real adaptive study: the CLI, a real worker process over ZeroMQ, tiny MONAI networks, a
// SQLite file. One model × 10 sizes of 6..60 images, one epoch each: the grid is 10 jobs.
function experiment(dir: string) {
  const file = join(dir, 'adaptive.yaml');
  const spec = tinySpec({
    name: 'adaptive',
    dataset: { kind: 'synthetic-2d', count: 90, size: 32, objects: 3, radius_max: 6, noise: 0.3, seed: 1 },
    split: { train: 60, val: 15, test: 15 },
    fractions: [0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 1],
    models: [{ family: 'resunet', depths: [2], channels: 4, res_units: 1 }],
  });
  writeFileSync(file, stringify(spec));
  return file;
}

/** A fresh adaptive study of the tiny experiment with `workers` local workers: its files and its --json summary. */
async function adaptiveStudy(workers: number) {
  const dir = tmp('plateau-adaptive-');
  const file = experiment(dir);
  const db = join(dir, 'p.db');
  const r = await cli(['run', file, '--adaptive', '--precision', '0.2', '--budget', '5000', '--workers', String(workers), '--db', db, '--json']);
  expect(r.exitCode, r.stderr).toBe(0);
  return { file, db, out: JSON.parse(r.stdout.trim().split('\n').at(-1)!) };
}

describe('plateau run --adaptive', () => {
  it('trains the starting ladder and the jobs it chooses, each with a reason, stops saying why, and a grid run on the same store trains only the rest', async () => {
    // a loose precision: the study can stop before the grid is done
    const { file, db, out } = await adaptiveStudy(1);
    expect(out.strategy).toBe('adaptive');
    expect(out.grid).toBe(10);
    expect(out.reason.length).toBeGreaterThan(10);
    expect(out.trained).toBeGreaterThanOrEqual(4); // the ladder's 4 sizes (LADDER_MIN_SIZES)
    expect(out.trained).toBeLessThan(10);

    const store = openDb(db, { readonly: true });
    const rec = studyRecord(store, 'adaptive')!;
    const results = resultRows(store, 'adaptive');
    const snap = readSnapshot(store, 'adaptive');
    store.close();
    // what it was asked and what it spent are kept beside the choices
    expect(rec.settings).toMatchObject({ precision: 0.2, budget: 5000, target_dice: null });
    expect(rec.spent).toBeCloseTo(results.reduce((s, x) => s + x.seconds!, 0), 6);
    expect(rec.spent).toBeGreaterThan(0);
    // the dashboard's overview shows the study: its choices, its spending against the budget, the latest reason
    const frame = render(createElement(DashboardView, { snap, colour: false, width: 400, height: 40 })).lastFrame()!;
    expect(frame).toContain(`adaptive study: ${out.trained} job(s) chosen in ${new Set(rec.choices.map((c) => c.wave)).size} wave(s)`);
    expect(frame).toMatch(/of training of 1h23m budget/);
    expect(frame).toContain(`stopped: ${out.reason}`);
    expect(frame).toContain(rec.choices.at(-1)!.reason.slice(0, 60));
    expect(rec.choices).toHaveLength(out.trained);
    expect(new Set(rec.choices.map((c) => c.key))).toEqual(new Set(results.map((x) => x.key)));
    for (const c of rec.choices) expect(c.reason).toMatch(/resunet-d2/);
    expect(rec.stop!.reason).toBe(out.reason);

    // status --json has the same record
    const st = await cli(['status', '--db', db, '--json']);
    expect(st.exitCode, st.stderr).toBe(0);
    const study = JSON.parse(st.stdout).experiments[0].study;
    expect(study.choices.map((c: { reason: string }) => c.reason)).toEqual(rec.choices.map((c) => c.reason));
    expect(study.stop.reason).toBe(out.reason);

    // the same study again: it resumes from the store, trains nothing new, and stops for the same reason
    const again = await cli(['run', file, '--adaptive', '--precision', '0.2', '--budget', '5000', '--workers', '1', '--db', db, '--json']);
    expect(again.exitCode, again.stderr).toBe(0);
    expect(JSON.parse(again.stdout.trim().split('\n').at(-1)!).trained).toBe(0);

    // the grid shares the study's results by their content keys: only the jobs left are trained
    const grid = await cli(['run', file, '--workers', '1', '--db', db, '--json']);
    expect(grid.exitCode, grid.stderr).toBe(0);
    expect(JSON.parse(grid.stdout.trim().split('\n').at(-1)!).trained).toBe(10 - out.trained);
  }, 300_000);

  it('starts its workers once for the whole study: each job goes to a free worker as it is chosen, in more than one batch', async () => {
    const { db, out } = await adaptiveStudy(2);
    const store = openDb(db, { readonly: true });
    const rec = studyRecord(store, 'adaptive')!;
    const results = resultRows(store, 'adaptive');
    const events = (kind: string) => (store.prepare('SELECT COUNT(*) AS n FROM events WHERE kind = ?').get(kind) as { n: number }).n;
    const ready = events('ready');
    const exits = events('exit');
    store.close();
    // the choices came in several batches, and yet each of the two workers said READY once
    const batches = new Set(rec.choices.map((c) => c.wave));
    expect(batches.size).toBeGreaterThan(1);
    expect(out.waves).toBe(batches.size);
    expect(ready).toBe(2);
    expect(exits).toBe(0);
    // every job chosen was trained once and stored; the stop is recorded with its reason
    expect(out.failed).toBe(0);
    expect(rec.choices.map((c) => c.key).sort()).toEqual(results.map((x) => x.key).sort());
    expect(out.trained).toBe(rec.choices.length);
    expect(out.reason).toMatch(/^(answered|diminishing returns|budget|no candidates remain)/);
    expect(rec.stop).toMatchObject({ reason: out.reason, trained: out.trained });
  }, 300_000);

  it('treats each learning rate of a grid as a curve of its own, and chooses jobs of both', async () => {
    const dir = tmp('plateau-adaptive-');
    const file = join(dir, 'lr.yaml');
    const spec = tinySpec({
      name: 'adaptive-lr',
      dataset: { kind: 'synthetic-2d', count: 60, size: 32, objects: 3, radius_max: 6, noise: 0.3, seed: 1 },
      split: { train: 40, val: 10, test: 10 },
      fractions: [0.1, 0.2, 0.4, 0.6, 0.8, 1],
      models: [{ family: 'resunet', depths: [2], channels: 4, res_units: 1 }],
      training: { epochs: 1, batch_size: 8, lr: [0.01, 0.001] },
    });
    writeFileSync(file, stringify(spec));
    const db = join(dir, 'p.db');
    const r = await cli(['run', file, '--adaptive', '--precision', '0.3', '--workers', '1', '--db', db, '--json']);
    expect(r.exitCode, r.stderr).toBe(0);
    const store = openDb(db, { readonly: true });
    const rec = studyRecord(store, 'adaptive-lr')!;
    store.close();
    // both settings get the starting ladder (4 sizes each), under their own names
    const models = new Map<string, number>();
    for (const c of rec.choices) models.set(c.model, (models.get(c.model) ?? 0) + 1);
    expect([...models.keys()].sort()).toEqual(['resunet-d2 lr=0.001', 'resunet-d2 lr=0.01']);
    for (const count of models.values()) expect(count).toBeGreaterThanOrEqual(4);
    expect(new Set(rec.choices.map((c) => c.key)).size).toBe(rec.choices.length);
  }, 300_000);
});
