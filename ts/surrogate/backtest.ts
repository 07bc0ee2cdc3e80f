import type { TfBackend } from './backend';
import type { Curve, CurveSet } from './curve';
import { fitLinear } from './linear';
import { LSTM_VARIANTS, type LstmOptions, type LstmVariant, fitLstm, isFull, roll } from './lstm';
import { mean, sd } from './random';
import { METHODS, type Method, fitSurrogate } from './surrogate';

/**
 * Backtests of every surrogate on curves with known answers (stored runs or a CSV).
 *
 * (a) The paper's protocol (Tables 2–3), which is in-sample: each LSTM variant is fitted on all
 *     points of all curves; one-step predicts every point t ≥ WARMUP from the observed points
 *     before it, full-step starts from the first WARMUP observed points and feeds its own
 *     predictions forward. MAE (mean ± sd of |error| over those points) per curve (depth). The
 *     linear baseline is a line fitted to each whole curve, scored on the same points.
 * (b) Extrapolation, the honest test: each surrogate sees only the points with n ≤ f0·max(n)
 *     (f0 = 0.1, 0.2, 0.3, 0.5) and forecasts the rest; MAE at the largest n (mean ± sd over
 *     curves) and over all unseen points (mean ± sd over points, pooled across curves).
 */
export const WARMUP = 3;

/**
 * The curves a backtest can score: the paper's protocol warms up on WARMUP points and scores the
 * ones after, so a curve the engine answers from 2 or 3 points has nothing to score; it is left
 * out, said as the views say a model left out of the answer (the same CurveSet).
 */
export function backtestable(curves: Curve[]): CurveSet {
  const short = curves.filter((c) => c.n.length <= WARMUP);
  return {
    curves: curves.filter((c) => c.n.length > WARMUP),
    notes: short.map((c) => `model '${c.model}' has ${c.n.length} point(s); the paper's protocol warms up on ${WARMUP} and scores from the next, so a backtest needs at least ${WARMUP + 1}`),
  };
}
export const CUTS = [0.1, 0.2, 0.3, 0.5];

export interface PaperRow {
  model: string;
  depth: number | null;
  method: LstmVariant | 'linear';
  mae: number;
  sd: number;
  points: number;
}

export interface ExtrapolationRow {
  cut: number;
  method: Method;
  /** curves the surrogate could fit at this cut, of all curves */
  curves: number;
  of: number;
  maeAtFull: number | null;
  sdAtFull: number | null;
  maeUnseen: number | null;
  sdUnseen: number | null;
  points: number;
}

export interface BacktestResult {
  backend: TfBackend | null;
  paper: PaperRow[];
  extrapolation: ExtrapolationRow[];
  seconds: number;
}

const row = (c: Curve, method: PaperRow['method'], errs: number[]): PaperRow => ({
  model: c.model, depth: c.depth, method, mae: mean(errs), sd: sd(errs), points: errs.length,
});

/** Called after each fit with what was fitted, so a command can show progress (backtestFits says how many). */
export type OnFit = (next: string) => void;

export async function paperBacktest(curves: Curve[], opts: { seed?: number; lstm?: LstmOptions; onFit?: OnFit } = {}): Promise<{ rows: PaperRow[]; backend: TfBackend | null }> {
  const rows: PaperRow[] = [];
  let backend: TfBackend | null = null;
  for (const variant of LSTM_VARIANTS) {
    const net = await fitLstm(curves, variant, { ...opts.lstm, seed: opts.lstm?.seed ?? opts.seed ?? 0 });
    backend = net.backend;
    try {
      for (const c of curves) {
        const steps = c.n.map((n, i) => ({ n, y: c.dice[i] as number | null }));
        const rolled = roll(net, c.model, steps, isFull(variant) ? 'full' : 'one', WARMUP);
        rows.push(row(c, variant, rolled.slice(WARMUP).map((p, i) => Math.abs(p.dice - c.dice[i + WARMUP]))));
      }
    } finally {
      net.dispose();
    }
    opts.onFit?.(`fitted ${variant}`);
  }
  for (const c of curves) {
    const lin = fitLinear(c.n, c.dice, c.n[c.n.length - 1]);
    rows.push(row(c, 'linear', c.n.slice(WARMUP).map((n, i) => Math.abs(lin.at(n) - c.dice[i + WARMUP]))));
  }
  return { rows, backend };
}

export async function extrapolationBacktest(curves: Curve[], opts: { seed?: number; lstm?: LstmOptions; cuts?: number[]; methods?: readonly Method[]; onFit?: OnFit } = {}): Promise<ExtrapolationRow[]> {
  const rows: ExtrapolationRow[] = [];
  for (const cut of opts.cuts ?? CUTS) {
    for (const method of opts.methods ?? METHODS) {
      const res = await fitSurrogate(curves, method, { observedUpTo: cut, seed: opts.seed, lstm: opts.lstm });
      const atFull: number[] = [];
      const unseen: number[] = [];
      for (const fit of res.fits) {
        const c = curves.find((k) => k.model === fit.model)!;
        c.n.forEach((n, i) => {
          if (n <= fit.observedMaxN) return;
          const e = Math.abs(fit.mean(n) - c.dice[i]);
          unseen.push(e);
          if (i === c.n.length - 1) atFull.push(e);
        });
      }
      rows.push({
        cut, method, curves: res.fits.length, of: curves.length,
        maeAtFull: atFull.length ? mean(atFull) : null, sdAtFull: atFull.length ? sd(atFull) : null,
        maeUnseen: unseen.length ? mean(unseen) : null, sdUnseen: unseen.length ? sd(unseen) : null,
        points: unseen.length,
      });
      opts.onFit?.(`fitted ${method} on ${Math.round(cut * 100)}%`);
    }
  }
  return rows;
}

/** Both backtests, every surrogate. */
/** How many fits `backtest` makes (its `onFit` calls): the LSTMs of the paper's protocol, then every method at every cut. */
export const backtestFits = (opts: { cuts?: number[]; methods?: readonly Method[] } = {}) =>
  LSTM_VARIANTS.length + (opts.cuts ?? CUTS).length * (opts.methods ?? METHODS).length;

export async function backtest(curves: Curve[], opts: { seed?: number; lstm?: LstmOptions; cuts?: number[]; methods?: readonly Method[]; onFit?: OnFit } = {}): Promise<BacktestResult> {
  const t0 = performance.now();
  const paper = await paperBacktest(curves, opts);
  const extrapolation = await extrapolationBacktest(curves, opts);
  return { backend: paper.backend, paper: paper.rows, extrapolation, seconds: (performance.now() - t0) / 1000 };
}
