import { type Decision, nextJob } from './choose';
import { type ModelInterval, assessModel } from './interval';
import { FEWEST_TO_CHOOSE, FIXED_LADDER, ladder } from './ladder';
import { pointsOf } from './points';
import type { GridSize, Job, Run, Study, StrategyOptions } from './study';
import { type World, gridSeconds, reveal, trueTargetN, truth } from './world';

export interface Replay {
  strategy: string;
  /** seconds spent, and as a share of the full grid's (one seed per cell) */
  spent: number;
  share: number;
  jobs: { job: Job; kind: string; cost: number; reason: string }[];
  stop: string;
  /** the final answer per model, from the answer engine on every point revealed */
  answers: ModelInterval[];
}

const studyOf = (w: World, runs: Run[]): Study => ({ models: w.models.map(({ model, depth }) => ({ model, depth })), sizes: w.sizes, nFull: w.nFull, runs });

/** The engine's answer per model on every point revealed; a model stopped short of the points a fit needs has none. */
async function finalAnswers(w: World, runs: Run[], o: StrategyOptions): Promise<ModelInterval[]> {
  const fitted = w.models.filter((m) => pointsOf(runs, m.model).length >= FEWEST_TO_CHOOSE);
  return Promise.all(fitted.map((m) => assessModel(pointsOf(runs, m.model), m.model, m.depth, w.nFull, o)));
}

const fewestSeeds = (w: World) => Math.min(...w.models.flatMap((m) => m.dice.map((d) => d.length)));

/**
 * The adaptive strategy, replayed: ask for a job, reveal it, repeat until it stops. Seeds beyond
 * what the world stored are not offered (maxRepeats is capped at the fewest seeds of any cell).
 */
export async function replayAdaptive(w: World, o: StrategyOptions = {}, maxJobs = 1000): Promise<Replay> {
  const opts = { ...o, maxRepeats: Math.min(o.maxRepeats ?? Infinity, fewestSeeds(w)) };
  const runs: Run[] = [];
  const jobs: Replay['jobs'] = [];
  let d: Decision | null = null;
  while (jobs.length < maxJobs) {
    d = await nextJob(studyOf(w, runs), opts);
    if (d.action !== 'train') break;
    runs.push(reveal(w, d.job));
    jobs.push({ job: d.job, kind: d.kind, cost: d.cost, reason: d.reason });
  }
  const stop = d && d.action !== 'train' ? d.reason : `replay cut at ${maxJobs} jobs`;
  return finish(w, 'adaptive', runs, jobs, stop, opts);
}

/** A fixed design, replayed: the given sizes for every model, one seed each; then the engine on them all. */
export async function replayFixed(w: World, strategy: string, sizes: GridSize[], o: StrategyOptions = {}): Promise<Replay> {
  const jobs = w.models.flatMap((m) => sizes.map((s) => ({ job: { model: m.model, fraction: s.fraction, n: s.n, repeat: 0 }, kind: 'fixed', cost: 0, reason: `${strategy}: fixed design` })));
  const runs = jobs.map((j) => reveal(w, j.job));
  jobs.forEach((j, i) => (j.cost = runs[i].seconds!));
  return finish(w, strategy, runs, jobs, `${strategy}: every job of the design trained`, o);
}

export const replayGrid = (w: World, o: StrategyOptions = {}) => replayFixed(w, 'full grid', w.sizes, o);
/** The fixed geometric ladder 5/10/20/40/80/100%, snapped to the grid like the adaptive ladder. */
export const replayLadder = (w: World, o: StrategyOptions = {}, rungs = FIXED_LADDER) => replayFixed(w, 'fixed ladder', ladder(w.sizes, rungs), o);

async function finish(w: World, strategy: string, runs: Run[], jobs: Replay['jobs'], stop: string, o: StrategyOptions): Promise<Replay> {
  const spent = runs.reduce((t, r) => t + (r.seconds ?? 0), 0);
  return { strategy, spent, share: spent / gridSeconds(w), jobs, stop, answers: await finalAnswers(w, runs, o) };
}

export interface ModelError {
  model: string;
  /** |Dice at 100% − the true Dice at 100%| (dice question) */
  dice: number | null;
  /** |ln(n̂ / n)| for a target, where both exist */
  target: number | null;
  /** whether the 95% interval holds the true value */
  covered: boolean | null;
  /** the 95% interval's width: hi − lo for a Dice; null for a target n */
  width: number | null;
  /** how the answer stood: forecast, or for a target n also observed / undetermined / unreachable */
  status: ModelInterval['status'];
}

/** The error of a replay's answers against the world's truth at 100% (its largest size) or at the target. */
export function errors(w: World, r: Replay, targetDice?: number): ModelError[] {
  return r.answers.map((a) => {
    const m = w.models.find((x) => x.model === a.model)!;
    const y = truth(m);
    if (a.question === 'dice') {
      const t = y[w.sizes.findIndex((s) => s.n === w.nFull)] ?? y[y.length - 1];
      return { model: a.model, dice: Math.abs(a.value! - t), target: null, covered: a.lo! <= t && t <= a.hi!, width: a.hi! - a.lo!, status: a.status };
    }
    const n = trueTargetN(w, m, targetDice!);
    const err = n !== null && a.value !== null ? Math.abs(Math.log(a.value / n)) : null;
    return { model: a.model, dice: null, target: err, covered: n !== null && a.lo !== null ? (a.openBelow || a.lo <= n) && n <= (a.hi ?? Infinity) : null, width: null, status: a.status };
  });
}
