import type { Run } from './study';

/**
 * Expected seconds of a job. Training time grows with the images seen, so a model's cost is
 * k·n·epochs with k its seconds per image·epoch, measured as Σ seconds / Σ n·epochs over its
 * runs (a ratio of sums: the large, costly jobs dominate, as they dominate the budget). A model
 * not yet measured takes the mean k of the measured ones; before any run, a prior constant.
 */
export const PRIOR_SECONDS_PER_IMAGE_EPOCH = 0.01;

export interface CostModel {
  /** seconds per image·epoch for the model, and where it came from */
  rate: (model: string) => { k: number; source: 'measured' | 'other models' | 'prior' };
  epochs: (model: string) => number;
  /** expected seconds of training the model on n images */
  seconds: (model: string, n: number) => number;
}

export interface CostOptions {
  prior?: number;
  /** epochs a job will run (per model or for all); default: the mean its runs ran, else 1 */
  epochs?: number | Record<string, number>;
}

const measured = (r: Run): r is Run & { seconds: number } => r.seconds !== undefined && Number.isFinite(r.seconds) && r.seconds > 0;

export function costModel(runs: Run[], o: CostOptions = {}): CostModel {
  const prior = o.prior ?? PRIOR_SECONDS_PER_IMAGE_EPOCH;
  const byModel = new Map<string, { s: number; x: number; epochs: number[] }>();
  for (const r of runs) {
    const m = byModel.get(r.model) ?? { s: 0, x: 0, epochs: [] };
    if (r.epochs !== undefined) m.epochs.push(r.epochs);
    if (measured(r)) {
      m.s += r.seconds;
      m.x += r.n * (r.epochs ?? 1);
    }
    byModel.set(r.model, m);
  }
  const ks = [...byModel.values()].filter((m) => m.x > 0).map((m) => m.s / m.x);
  const pooled = ks.length ? ks.reduce((a, b) => a + b, 0) / ks.length : null;
  const rate: CostModel['rate'] = (model) => {
    const m = byModel.get(model);
    if (m && m.x > 0) return { k: m.s / m.x, source: 'measured' };
    return pooled !== null ? { k: pooled, source: 'other models' } : { k: prior, source: 'prior' };
  };
  const epochs = (model: string) => {
    if (typeof o.epochs === 'number') return o.epochs;
    if (o.epochs?.[model] !== undefined) return o.epochs[model];
    const e = byModel.get(model)?.epochs ?? [];
    return e.length ? e.reduce((a, b) => a + b, 0) / e.length : 1;
  };
  return { rate, epochs, seconds: (model, n) => rate(model).k * n * epochs(model) };
}
