import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT } from '../helpers';

/** The reference results test/stats/golden.py computed with statsmodels, and the CSVs they came from. */
export const GOLDEN = join(ROOT, 'test', 'stats', 'golden');

export interface GoldenCase {
  kind: 'design' | 'ols' | 'anova' | 'glm' | 'tukey' | 'gam';
  formula?: string;
  typ?: 1 | 2 | 3;
  link?: 'log' | 'identity';
  value?: string;
  group?: string;
  alpha?: number | number[];
  smooth?: string[];
  df?: number[];
  degree?: number[];
  result: Record<string, unknown>;
}

export interface GoldenDataset {
  dataset: string;
  csv: string;
  rows: number;
  cases: GoldenCase[];
}

export function goldenDatasets(): GoldenDataset[] {
  return readdirSync(GOLDEN)
    .filter((f) => f.endsWith('.json') && f !== 'distributions.json')
    .sort()
    .map((f) => JSON.parse(readFileSync(join(GOLDEN, f), 'utf8')) as GoldenDataset);
}

export const goldenDistributions = () =>
  JSON.parse(readFileSync(join(GOLDEN, 'distributions.json'), 'utf8')) as Record<string, number[][]>;

/**
 * |actual - expected| <= rtol * max(|actual|, |expected|) + atol. A null in the reference
 * (statsmodels' NaN or inf, which JSON cannot hold) must be non-finite here too.
 */
export function closeTo(actual: number, expected: number | null, rtol: number, atol = 0): boolean {
  if (expected === null) return !Number.isFinite(actual);
  if (!Number.isFinite(actual)) return false;
  return Math.abs(actual - expected) <= rtol * Math.max(Math.abs(actual), Math.abs(expected)) + atol;
}

/** Mismatches between two lists of numbers, as readable lines (empty when all agree). */
export function mismatches(label: string, actual: ArrayLike<number>, expected: (number | null)[], rtol: number, atol = 0): string[] {
  const out: string[] = [];
  if (actual.length !== expected.length) return [`${label}: ${actual.length} values, reference has ${expected.length}`];
  for (let i = 0; i < expected.length; i++) {
    if (!closeTo(actual[i], expected[i], rtol, atol)) out.push(`${label}[${i}]: ${actual[i]} vs statsmodels ${expected[i]}`);
  }
  return out;
}

/** Absolute tolerance relative to a vector's scale: for entries that are zero up to rounding. */
export const scaleOf = (v: (number | null)[]) => Math.max(0, ...v.map((x) => Math.abs(x ?? 0)));
