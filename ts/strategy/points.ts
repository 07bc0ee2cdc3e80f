import { type Curve, pointsBySize } from '../surrogate/curve';
import type { Job, Run, Study } from './study';

/** What a model has at one size: the mean Dice over its seeds, their sd (≥ 2 seeds) and count. */
export interface Point {
  n: number;
  dice: number;
  sd: number | null;
  count: number;
}

/** A model's points, one per trained size, in increasing n (repeats averaged, as a stored grid's curves are). */
export function pointsOf(runs: Run[], model: string): Point[] {
  return pointsBySize(runs.filter((r) => r.model === model), (r) => r.n, (r) => r.dice);
}

/**
 * A fantasy: the points as they would be if a job returned what the forecast expects there. A new
 * size gets the forecast mean; another seed at a trained size keeps its mean and sd and adds one to
 * its count, so only the standard error of that point shrinks.
 */
export function withFantasy(points: Point[], job: Pick<Job, 'n'>, forecast: (n: number) => number): Point[] {
  const i = points.findIndex((p) => p.n === job.n);
  if (i >= 0) return points.map((p, j) => (j === i ? { ...p, count: p.count + 1 } : p));
  return [...points, { n: job.n, dice: forecast(job.n), sd: null, count: 1 }].sort((a, b) => a.n - b.n);
}

/**
 * The engine's input for one model: its points as a Curve whose 100% (`nFull`: the engine's nRef,
 * and the scale its priors were learnt on) is the full training set, not the largest size trained
 * so far.
 */
export function engineInput(points: Point[], model: string, depth: number | null, nFull: number): Curve {
  const repeats = points.some((p) => p.count > 1);
  return {
    model, depth, n: points.map((p) => p.n), dice: points.map((p) => p.dice), nFull,
    ...(repeats ? { sd: points.map((p) => p.sd), count: points.map((p) => p.count) } : {}),
  };
}

/** The sizes a model has (trained or in flight) with their seeds, so no job is asked for twice. */
export function seedsAt(study: Study, model: string): Map<number, number> {
  const seeds = new Map<number, number>();
  for (const r of [...study.runs, ...(study.pending ?? [])]) if (r.model === model) seeds.set(r.n, (seeds.get(r.n) ?? 0) + 1);
  return seeds;
}
