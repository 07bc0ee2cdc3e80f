import type { CostModel } from './cost';
import { seedsAt } from './points';
import { DEFAULTS, type GridSize, type Job, type Study, type StrategyOptions } from './study';

/** A job the strategy may choose: a new size for a model, or another seed at a size it has. */
export interface Candidate extends Job {
  kind: 'size' | 'seed';
  /** expected seconds */
  cost: number;
}

/** The `max` sizes nearest the focus in ln n (where the answer is asked), in increasing n. */
export function nearest(sizes: GridSize[], focus: number, max: number): GridSize[] {
  const d = (s: GridSize) => Math.abs(Math.log(s.n / focus));
  return [...sizes].sort((a, b) => d(a) - d(b)).slice(0, max).sort((a, b) => a.n - b.n);
}

/**
 * A model's candidates: the grid sizes it has not trained (nor has in flight) above its smallest
 * trained size (below it a fantasy would rest on the forecast carried backwards, and the answer
 * is asked at or above it), the `maxCandidates`
 * nearest the focus (each is scored by one engine fit; sizes near where the answer is asked —
 * 100%, or the target n — narrow it most); and another seed at its largest trained size and at
 * the trained size nearest the focus, below `maxRepeats` seeds.
 */
export function candidates(study: Study, model: string, cost: CostModel, o: StrategyOptions, focus: number = study.nFull): Candidate[] {
  const seeds = seedsAt(study, model);
  const at = (s: GridSize, kind: Candidate['kind']): Candidate => ({ model, fraction: s.fraction, n: s.n, repeat: seeds.get(s.n) ?? 0, kind, cost: cost.seconds(model, s.n) });
  const grid = [...study.sizes].sort((a, b) => a.n - b.n);
  const trained = grid.filter((s) => seeds.has(s.n));
  const above = grid.filter((s) => !seeds.has(s.n) && (!trained.length || s.n > trained[0].n));
  const fresh = nearest(above, focus, o.maxCandidates ?? DEFAULTS.maxCandidates).map((s) => at(s, 'size'));
  const maxRepeats = o.maxRepeats ?? DEFAULTS.maxRepeats;
  const again = [...new Set([trained[trained.length - 1], ...nearest(trained, focus, 1)])]
    .filter((s): s is GridSize => !!s && (seeds.get(s.n) ?? 0) < maxRepeats)
    .map((s) => at(s, 'seed'));
  return [...fresh, ...again];
}
