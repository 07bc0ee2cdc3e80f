/**
 * Statistics benchmark: OLS of the second paper's formula (design matrix from the formula
 * included), its type-2 ANOVA, and Tukey HSD of DICE by model, on the 1620-row golden table,
 * timed here and with statsmodels in the same run (bench/stats_reference.py). The goal is to be
 * faster than statsmodels: the ratio printed is plateau's median time over statsmodels'. Then the
 * CSV reader on the same table four times over (6480 rows) against pandas.read_csv
 * (bench/csv_reference.py), both reading the file from disk into typed columns.
 * Run: bash scripts/node.sh --import tsx bench/stats.ts [reps]
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { execa } from 'execa';
import { anova } from '../ts/stats/anova';
import { readCsvFrame } from '../ts/stats/frame';
import { ols } from '../ts/stats/ols';
import { tukeyHsd } from '../ts/stats/tukey';

const ROOT = resolve(import.meta.dirname, '..');
const REPS = Number(process.argv[2] ?? 30);
const CSV = join(ROOT, 'test', 'stats', 'golden', 'paper.csv');
const golden = JSON.parse(readFileSync(join(ROOT, 'test', 'stats', 'golden', 'paper.json'), 'utf8')) as { cases: { kind: string; formula?: string }[] };
const FORMULA = golden.cases.find((c) => c.kind === 'ols')!.formula!;
const PYTHON = process.env.PLATEAU_PYTHON ?? join(ROOT, '.venv', 'bin', 'python');

const frame = readCsvFrame(CSV);
const work = () => {
  const fit = ols(frame, FORMULA);
  const table = anova(fit, 2);
  const hsd = tukeyHsd(frame, 'DICE', 'model');
  return [fit, table, hsd] as const;
};
for (let i = 0; i < 5; i++) work(); // JIT warm-up, as the reference warms up too
const times: number[] = [];
for (let i = 0; i < REPS; i++) {
  const t = performance.now();
  work();
  times.push(performance.now() - t);
}
const median = (v: number[]) => [...v].sort((a, b) => a - b)[Math.floor(v.length / 2)];
const mine = median(times);

const py = await execa(PYTHON, [join(ROOT, 'bench', 'stats_reference.py'), CSV, FORMULA, String(REPS)], { cwd: ROOT });
const ref = JSON.parse(py.stdout.trim().split('\n').at(-1)!) as { median_ms: number; versions: Record<string, string> };

console.log(`OLS + type-2 ANOVA + Tukey HSD (DICE by model) on ${frame.rows} rows, median of ${REPS}:`);
console.log(`  formula: ${FORMULA}`);
console.log(`  plateau (TypeScript, Node ${process.versions.node}): ${mine.toFixed(2)} ms`);
console.log(`  statsmodels ${ref.versions.statsmodels} (scipy ${ref.versions.scipy}):  ${ref.median_ms.toFixed(2)} ms`);
console.log(`  ratio plateau / statsmodels: ${(mine / ref.median_ms).toFixed(3)} (< 1 meets the goal: faster than statsmodels)`);

// The CSV reader: 6480 rows (the golden table four times), from disk into typed columns.
const lines = readFileSync(CSV, 'utf8').trimEnd().split('\n');
const big = join(mkdtempSync(join(tmpdir(), 'plateau-bench-')), 'paper4.csv');
writeFileSync(big, `${[lines[0], ...Array.from({ length: 4 }, () => lines.slice(1)).flat()].join('\n')}\n`);
for (let i = 0; i < 5; i++) readCsvFrame(big);
const csvTimes: number[] = [];
let rows = 0;
for (let i = 0; i < REPS; i++) {
  const t = performance.now();
  rows = readCsvFrame(big).rows;
  csvTimes.push(performance.now() - t);
}
const csvMine = median(csvTimes);
const pyCsv = await execa(PYTHON, [join(ROOT, 'bench', 'csv_reference.py'), big, String(REPS)], { cwd: ROOT });
const csvRef = JSON.parse(pyCsv.stdout.trim().split('\n').at(-1)!) as { median_ms: number; pandas: string };
console.log(`CSV read (${rows} rows, 8 columns) into typed columns, median of ${REPS}:`);
console.log(`  plateau (papaparse + pandas' typing rules): ${csvMine.toFixed(2)} ms`);
console.log(`  pandas ${csvRef.pandas} read_csv:             ${csvRef.median_ms.toFixed(2)} ms`);
console.log(`  ratio plateau / pandas: ${(csvMine / csvRef.median_ms).toFixed(3)}`);
