import type { Method } from '../surrogate/surrogate';

/**
 * What an adaptive study knows and asks. The strategy is pure: given the grid, the runs finished
 * so far and the jobs in flight, it says which job to train next or why to stop. The dispatcher
 * (plateau run --adaptive) owns training, the store and resuming; the simulator replays curves.
 */

/** One finished run: a model trained on n images (one seed), its test Dice, and what it cost. */
export interface Run {
  model: string;
  n: number;
  dice: number;
  /** wall seconds of the job, and the epochs it ran; absent where the cost was not measured */
  seconds?: number;
  epochs?: number;
}

/** One size of the grid: a fraction of the full training set and its number of images. */
export interface GridSize {
  fraction: number;
  n: number;
}

/** A job the strategy asks for: a model at a grid size; repeat 0 is the first seed there. */
export interface Job {
  model: string;
  fraction: number;
  n: number;
  repeat: number;
}

export interface Study {
  /** the grid's models; depth feeds the engine as it does for a stored grid */
  models: { model: string; depth: number | null }[];
  /** the grid's sizes, shared by every model */
  sizes: GridSize[];
  /** the full training set's size: "100%", where the Dice answer is asked */
  nFull: number;
  runs: Run[];
  /** jobs started and not finished: never chosen twice, and counted as if they returned the forecast */
  pending?: Job[];
  /** seconds spent so far; default: the sum of the runs' seconds */
  spent?: number;
}

export interface StrategyOptions {
  /** ask for the n that reaches this Dice; without it, the question is the Dice at 100% */
  targetDice?: number;
  /** the precision asked: max hi/lo of the target n's 95% interval (default 1.25), or the Dice's ± half-width (default 0.01) */
  precision?: number;
  /** seconds the study may spend in all; no job is started that is expected to overrun it */
  budget?: number;
  /** the starting ladder, as fractions of the full set (default 1.25, 2.5, 5, 10%) */
  ladder?: number[];
  /** seeds per size at most (default 3; 1 = never another seed) */
  maxRepeats?: number;
  /** candidate sizes scored per model and step, spread over the untrained ones (default 6): each costs one engine fit */
  maxCandidates?: number;
  /** a job must narrow its model's interval by at least this share of the precision asked (default 0.05) */
  minNarrowing?: number;
  /** where the precision asked is out of the grid's reach, an interval within this share above the full grid's is answered (default 0.25) */
  gridSlack?: number;
  /** seconds per image·epoch before any run was measured (default 0.01) */
  priorSecondsPerImageEpoch?: number;
  /** epochs a job will run, per model or for all (default: the mean measured, else 1) */
  epochs?: number | Record<string, number>;
  method?: Method;
  seed?: number;
}

export const DEFAULTS = {
  targetPrecision: 1.25,
  dicePrecision: 0.01,
  maxRepeats: 3,
  maxCandidates: 6,
  minNarrowing: 0.05,
} as const;

/** Seconds spent: as told, else what the finished runs measured. */
export const spentOf = (s: Study) => s.spent ?? s.runs.reduce((t, r) => t + (r.seconds ?? 0), 0);

export { pct } from '../surrogate/words';
