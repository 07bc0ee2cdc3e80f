/**
 * Surrogate benchmark.
 * 1. Fits all four LSTM variants to 4 depths × 50 fractions (the size of the paper's Table 2) and
 *    scores them by the paper's protocol; prints the wall time and its ratio to the 60 s goal.
 * 2. Extrapolation MAE of every surrogate on the stored synthetic runs (a copy of
 *    .plateau/plateau.db under /tmp, or of the store named by PLATEAU_BENCH_DB; skipped, with a
 *    note, when there is no store).
 * Run: bash scripts/node.sh --import tsx bench/surrogates.ts
 */
import { copyFileSync, existsSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { openDb } from '../ts/store/db';
import { experimentNames } from '../ts/store/jobs';
import { tfBackend } from '../ts/surrogate/backend';
import { extrapolationBacktest, paperBacktest } from '../ts/surrogate/backtest';
import { type Curve, curvesFromStore } from '../ts/surrogate/curve';
import { normal, rng } from '../ts/surrogate/random';
import { extrapolationTable, paperTable } from '../ts/surrogate/tables';

const GOAL_S = 60;
const ROOT = resolve(import.meta.dirname, '..');

// Kvasir-like curves: 700 training images, 50 fractions 2%..100%, depths 3–6, a saturating
// curve whose ceiling and speed grow with depth, seeded noise (sd 0.01) like run-to-run spread.
function kvasirLike(): Curve[] {
  const r = rng(42);
  return [3, 4, 5, 6].map((d) => {
    const n = Array.from({ length: 50 }, (_, i) => Math.round((700 * (i + 1)) / 50));
    const dice = n.map((v) => {
      const u = v / 700;
      const y = 0.72 + 0.035 * (d - 3) - 0.25 * Math.exp(-(3 + d) * u) + 0.01 * normal(r);
      return Math.min(1, Math.max(0, y));
    });
    return { model: `resunet-d${d}`, depth: d, n, dice };
  });
}

const backend = await tfBackend();
console.log(`tfjs backend: ${backend}; ${cpus().length} CPU core(s)`);
const curves = kvasirLike();
const t0 = performance.now();
const paper = await paperBacktest(curves, { seed: 0 });
const seconds = (performance.now() - t0) / 1000;
console.log(`\n1. four LSTM variants on ${curves.length} depths × ${curves[0].n.length} fractions, fitted and scored (paper protocol, in-sample):`);
console.log(paperTable(paper.rows));
console.log(`wall time ${seconds.toFixed(1)} s; goal ${GOAL_S} s; ratio ${(seconds / GOAL_S).toFixed(2)} (< 1 meets the goal)`);

const stored = process.env.PLATEAU_BENCH_DB ?? join(ROOT, '.plateau', 'plateau.db');
if (!existsSync(stored)) {
  console.log(`\n2. no stored runs at ${stored}: extrapolation on stored runs skipped`);
} else {
  const copy = join(tmpdir(), `plateau-bench-${process.pid}.db`);
  copyFileSync(stored, copy);
  if (existsSync(`${stored}-wal`)) copyFileSync(`${stored}-wal`, `${copy}-wal`);
  const db = openDb(copy, { readonly: true });
  for (const name of experimentNames(db)) {
    let runs: Curve[];
    try {
      runs = curvesFromStore(db, name, `${copy}, ${name}`);
    } catch (e) {
      console.log(`\n2. ${name}: ${(e as Error).message}; skipped`);
      continue;
    }
    const t1 = performance.now();
    const rows = await extrapolationBacktest(runs, { seed: 0 });
    console.log(`\n2. extrapolation on stored runs '${name}' (${runs.length} curves × ${runs[0].n.length} sizes), MAE; ${((performance.now() - t1) / 1000).toFixed(1)} s:`);
    console.log(extrapolationTable(rows));
  }
  db.close();
}
