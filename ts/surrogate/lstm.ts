import * as tf from '@tensorflow/tfjs';
import { type TfBackend, tfBackend } from './backend';
import type { Curve } from './curve';
import { normal, rng } from './random';

/**
 * The paper's four LSTM surrogates (Lee et al. 2025, "Performance prediction model"), with the
 * protocol the paper leaves open written down here.
 *
 * A curve is a sequence of steps t = 0..T−1 in increasing n. The input at step s is
 *   [ x_s = n_s / N (the data ratio; N = the full data set, the curves' largest n),
 *     z   = the model's depth scaled to [0, 1] across the curves fitted together
 *           (the curve's position when depths are unknown),
 *     y_{s−1} = the DSC at the previous step (0 at s = 0) ].
 * To predict step t the network reads the window of the last W = 6 steps s = t−W+1..t (zero
 * vectors before s = 0), so it sees the size it is asked about and the DSCs *before* t only; a
 * bi-directional LSTM reads that window both ways and so never sees y_t either. The output is the
 * increment y_t − y_{t−1} (times 10): curves are smooth, increments are what carries information.
 *
 * - one-step: the previous DSCs are the observed ones wherever observed; an unobserved previous
 *   point (past the last observation) is replaced by the network's own prediction.
 * - full-step (autoregressive): after the first `warmup` observed points, every later step reads
 *   the network's own previous predictions, even where observations exist.
 * Training (both): all steps t ≥ 1 of the observed part of every curve fitted together, full-batch
 * Adam (lr 0.01, 150 epochs), seeded Glorot/orthogonal initialisers, no shuffling. Full-step
 * variants are trained on two extra noisy copies of the inputs (the previous DSCs shifted by a
 * common N(0, 0.01) offset plus N(0, 0.005) each) with targets measured from the noisy previous
 * DSC, so they learn to pull a drifting forecast back onto the curve; that is what makes them a
 * fit of their own rather than the one-step network run differently.
 * Uni: LSTM(16 units). Bi: Bidirectional(LSTM(8 units)), concatenated. Then Dense(1).
 */
export const LSTM_VARIANTS = ['lstm-uni-one', 'lstm-uni-full', 'lstm-bi-one', 'lstm-bi-full'] as const;
export type LstmVariant = (typeof LSTM_VARIANTS)[number];

export interface LstmOptions {
  window?: number;
  units?: number;
  epochs?: number;
  lr?: number;
  seed?: number;
  noise?: number;
}

const DEFAULTS = { window: 6, units: 16, epochs: 150, lr: 0.01, seed: 0, noise: 0.01 };
const SCALE = 10;

export const isBi = (v: LstmVariant) => v.startsWith('lstm-bi');
export const isFull = (v: LstmVariant) => v.endsWith('-full');

export interface LstmNet {
  variant: LstmVariant;
  backend: TfBackend;
  net: tf.LayersModel;
  window: number;
  /** reference size N: x = n / N */
  nRef: number;
  z: Map<string, number>;
  /** sd of in-sample one-step residuals (observed previous DSCs) */
  residualSd: number;
  epochsRun: number;
  finalLoss: number;
  dispose: () => void;
}

/** z per curve: depth scaled to [0, 1], else the curve's position. */
export function depthFeature(curves: Curve[]): Map<string, number> {
  const known = curves.every((c) => c.depth !== null);
  const d = curves.map((c, i) => (known ? (c.depth as number) : i));
  const lo = Math.min(...d);
  const hi = Math.max(...d);
  return new Map(curves.map((c, i) => [c.model, hi > lo ? (d[i] - lo) / (hi - lo) : 0]));
}

/** One step's features; the window for step t from x[], prevY[] (prevY[s] = DSC used for step s). */
function windowAt(t: number, x: number[], used: number[], z: number, w: number): number[][] {
  const out: number[][] = [];
  for (let s = t - w + 1; s <= t; s++) {
    out.push(s < 0 ? [0, 0, 0] : [x[s], z, s === 0 ? 0 : used[s - 1]]);
  }
  return out;
}

function build(variant: LstmVariant, o: typeof DEFAULTS): tf.LayersModel {
  const init = (k: number) => tf.initializers.glorotUniform({ seed: o.seed * 7919 + k });
  const cell = (units: number, inputShape?: number[]) =>
    tf.layers.lstm({
      units, inputShape,
      kernelInitializer: init(1),
      recurrentInitializer: tf.initializers.orthogonal({ seed: o.seed * 7919 + 2 }),
    });
  const m = tf.sequential();
  if (isBi(variant)) {
    // tfjs types the wrapped layer as RNN; an LSTM is one
    m.add(tf.layers.bidirectional({ layer: cell(o.units / 2) as unknown as tf.RNN, inputShape: [o.window, 3], mergeMode: 'concat' }));
  } else {
    m.add(cell(o.units, [o.window, 3]));
  }
  m.add(tf.layers.dense({ units: 1, kernelInitializer: init(3) }));
  m.compile({ optimizer: tf.train.adam(o.lr), loss: 'meanSquaredError' });
  return m;
}

/**
 * Fits one variant on curves fitted together (their observed parts). `nRef` is the full data set
 * size (defaults to the largest n given).
 */
export async function fitLstm(curves: Curve[], variant: LstmVariant, opts: LstmOptions & { nRef?: number } = {}): Promise<LstmNet> {
  const o = { ...DEFAULTS, ...opts };
  const backend = await tfBackend();
  const nRef = opts.nRef ?? Math.max(...curves.map((c) => c.n[c.n.length - 1]));
  const z = depthFeature(curves);
  const r = rng(o.seed + 101);
  const xs: number[][][] = [];
  const ys: number[] = [];
  const copies = isFull(variant) ? 3 : 1;
  for (const c of curves) {
    const x = c.n.map((n) => n / nRef);
    for (let copy = 0; copy < copies; copy++) {
      const shift = copy === 0 ? 0 : o.noise * normal(r);
      const used = c.dice.map((y) => (copy === 0 ? y : y + shift + (o.noise / 2) * normal(r)));
      for (let t = 1; t < c.n.length; t++) {
        xs.push(windowAt(t, x, used, z.get(c.model)!, o.window));
        ys.push((c.dice[t] - used[t - 1]) * SCALE);
      }
    }
  }
  if (!ys.length) throw new Error('an LSTM needs at least 2 observed points on some curve');
  const net = build(variant, o);
  const X = tf.tensor3d(xs);
  const Y = tf.tensor2d(ys, [ys.length, 1]);
  const h = await net.fit(X, Y, { epochs: o.epochs, batchSize: ys.length, shuffle: false, verbose: 0 });
  X.dispose();
  Y.dispose();
  const fitted: LstmNet = {
    variant, backend, net, window: o.window, nRef, z, residualSd: 0, epochsRun: o.epochs,
    finalLoss: Number(h.history.loss.at(-1)), dispose: () => net.dispose(),
  };
  const res: number[] = [];
  for (const c of curves) {
    const steps = c.n.map((n, i) => ({ n, y: c.dice[i] as number | null }));
    roll(fitted, c.model, steps, 'one', 1).forEach((p, i) => i > 0 && res.push(p.dice - c.dice[i]));
  }
  fitted.residualSd = res.length > 1 ? Math.sqrt(res.reduce((s, e) => s + e * e, 0) / res.length) : 0.01;
  return fitted;
}

export interface RolledPoint {
  n: number;
  dice: number;
  /** how many of the network's own predictions are chained into this one (0 = given point) */
  chained: number;
}

/**
 * Runs a fitted network along `steps` (increasing n; y = null where unobserved). Step 0 is given.
 * `mode` 'one' reads observed previous DSCs wherever they exist; 'full' reads observed ones only
 * before `warmup` and its own predictions after. Every step t ≥ 1 gets a prediction.
 */
export function roll(fit: LstmNet, model: string, steps: { n: number; y: number | null }[], mode: 'one' | 'full', warmup: number): RolledPoint[] {
  const z = fit.z.get(model) ?? 0;
  if (steps[0].y === null) throw new Error('the first step of a rolled curve must be observed');
  const x = steps.map((s) => s.n / fit.nRef);
  const used: number[] = [steps[0].y];
  const chained: number[] = [0];
  const out: RolledPoint[] = [{ n: steps[0].n, dice: steps[0].y, chained: 0 }];
  for (let t = 1; t < steps.length; t++) {
    const win = windowAt(t, x, used, z, fit.window);
    const delta = tf.tidy(() => (fit.net.predict(tf.tensor3d([win])) as tf.Tensor).dataSync()[0]) / SCALE;
    const pred = used[t - 1] + delta;
    const c = chained[t - 1] + 1;
    out.push({ n: steps[t].n, dice: pred, chained: c });
    const y = steps[t].y;
    const observedUse = y !== null && (mode === 'one' || t < warmup);
    used.push(observedUse ? (y as number) : pred);
    chained.push(observedUse ? 0 : c);
  }
  return out;
}
