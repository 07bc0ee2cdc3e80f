import * as tf from '@tensorflow/tfjs';
import { type TfBackend, tfBackend } from './backend';
import type { Curve } from './curve';
import { LSTM_VARIANTS, type LstmVariant } from './methods';
import { pretrained } from './pretrain';
import { normal, rng } from './random';
import { syntheticCurves } from './synthetic';

/**
 * The paper's four LSTM surrogates (Lee et al. 2025, "Performance prediction model"), with the
 * protocol the paper leaves open written down here.
 *
 * A curve is a sequence of steps t = 0..T−1 in increasing n; the network works on the logit of the
 * Dice, v = logit(clip(y, 0.001, 0.999)), and on log n, so forecasts lie in (0, 1) by construction
 * and nothing depends on the data set's size. The input at step s ≥ 1 is
 *   [ dx_s = ln(n_s / n_{s−1}) (the step in log size; times 4),
 *     v_{s−1} = the logit Dice at the previous step (divided by 4),
 *     z = the model's depth scaled to [0, 1] across the curves fitted together
 *         (the curve's position when depths are unknown),
 *     1 (a "step present" flag) ].
 * To predict step t the network reads the window of the last W = 6 steps s = t−W+1..t (zero
 * vectors before s = 1), so it sees the size it is asked about and the Dice values *before* t only;
 * a bi-directional LSTM reads that window both ways and so never sees y_t either. The LSTM's
 * Dense(1) output is a slope g_t (logit Dice per unit of ln n) and the model's output is the
 * increment v_t − v_{t−1} = g_t·dx_t: a step twice as long in log n moves twice as far, which is
 * what lets a forecast run past the observed sizes.
 *
 * - one-step: the previous Dice values are the observed ones wherever observed; an unobserved
 *   previous point (past the last observation) is replaced by the network's own prediction.
 * - full-step (autoregressive): after the first `warmup` observed points, every later step reads
 *   the network's own previous predictions, even where observations exist.
 * - Wherever the previous value is itself a prediction, the increment is floored at 0: a forecast
 *   of the mean curve never decreases with more data. Past the last observed value read, every
 *   step is also at least the previous step's prediction, the first one included: the forecast
 *   starts no lower than the network's one-step prediction at the last observed size (see `roll`).
 *
 * Training, in two stages.
 * 1. Pre-training (once per direction, window, units, seed, pre-training options and backend;
 *    shared by the one-step and full-step variant of a direction, cached in memory and on disk
 *    by `pretrain.ts`, bump PRETRAIN_VERSION when it changes):
 *    `pretrain` = 160 synthetic saturating curves (`synthetic.ts`: pow3, exp3 and logistic-in-log-n
 *    shapes, random ceilings, speeds, grids and noise, seeded), every step t ≥ 1; even-numbered
 *    curves read their noisy values, odd-numbered ones their clean values, the target always the
 *    clean v_t minus the value read at t − 1 — so the network learns a prior of learning-curve
 *    shapes, to see through noise, and to carry on from its own (smooth) predictions. z is drawn
 *    uniformly per curve (it carries no information there). Adam (lr 0.005), `pretrainEpochs` =
 *    12 epochs, mini-batches of 256 in a seeded shuffle.
 * 2. Fine-tuning on the curves given: all steps t ≥ 1 of the observed part of every curve fitted
 *    together, targets from the observed values, full-batch Adam, no shuffling. One-step: lr
 *    0.002, 60 epochs (a light touch keeps the prior where few points are observed). Full-step:
 *    lr 0.01, 150 epochs, and two extra noisy copies of the inputs (previous Dice shifted by a
 *    common N(0, 0.01) offset plus N(0, 0.005) each, targets measured from the noisy previous
 *    value) so they learn to pull a drifting forecast back onto the curve; a chained forecast
 *    needs the curve learnt closely. `epochs` and `lr` given as options apply to both.
 * With `pretrain: 0` stage 1 is skipped and stage 2 starts from seeded Glorot/orthogonal weights.
 * Uni: LSTM(16 units). Bi: Bidirectional(LSTM(8 units)), concatenated. Then Dense(1).
 */
export { LSTM_VARIANTS, type LstmVariant };

export interface LstmOptions {
  window?: number;
  units?: number;
  /** fine-tuning epochs */
  epochs?: number;
  /** fine-tuning learning rate */
  lr?: number;
  seed?: number;
  noise?: number;
  /** synthetic curves to pre-train on (0 = no pre-training) */
  pretrain?: number;
  pretrainEpochs?: number;
}

const DEFAULTS = { window: 6, units: 16, epochs: 60, lr: 0.002, seed: 0, noise: 0.01, pretrain: 160, pretrainEpochs: 12 };
/** full-step variants fine-tune longer: their chained forecasts need the curve learnt closely */
const FULL_FINE_TUNE = { epochs: 150, lr: 0.01 };
const FEATURES = 4;
const PRE_LR = 0.005;
const PRE_BATCH = 256;

export const isBi = (v: LstmVariant) => v.startsWith('lstm-bi');
export const isFull = (v: LstmVariant) => v.endsWith('-full');

export interface LstmNet {
  variant: LstmVariant;
  backend: TfBackend;
  net: tf.LayersModel;
  window: number;
  /** reference size N (the full data set); kept for reports, the features are scale-free */
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

export const logit = (y: number) => {
  const p = Math.min(0.999, Math.max(0.001, y));
  return Math.log(p / (1 - p));
};
export const sigmoid = (v: number) => 1 / (1 + Math.exp(-v));

/** The window for step t: lx[] = ln n, used[s] = logit Dice read for step s + 1. */
function windowAt(t: number, lx: number[], used: number[], z: number, w: number): number[][] {
  const out: number[][] = [];
  for (let s = t - w + 1; s <= t; s++) {
    out.push(s < 1 ? [0, 0, 0, 0] : [4 * (lx[s] - lx[s - 1]), used[s - 1] / 4, z, 1]);
  }
  return out;
}

function build(bi: boolean, o: typeof DEFAULTS): tf.LayersModel {
  const init = (k: number) => tf.initializers.glorotUniform({ seed: o.seed * 7919 + k });
  const cell = (units: number) =>
    tf.layers.lstm({ units, kernelInitializer: init(1), recurrentInitializer: tf.initializers.orthogonal({ seed: o.seed * 7919 + 2 }) });
  const seq = tf.input({ shape: [o.window, FEATURES] });
  const dx = tf.input({ shape: [1] });
  // tfjs types the wrapped layer as RNN; an LSTM is one
  const h = bi ? tf.layers.bidirectional({ layer: cell(o.units / 2) as unknown as tf.RNN, mergeMode: 'concat' }).apply(seq) : cell(o.units).apply(seq);
  const g = tf.layers.dense({ units: 1, kernelInitializer: init(3) }).apply(h) as tf.SymbolicTensor;
  const out = tf.layers.multiply().apply([g, dx]) as tf.SymbolicTensor;
  return tf.model({ inputs: [seq, dx], outputs: out });
}

interface Samples {
  xs: number[][][];
  dx: number[];
  ys: number[];
}

function addCurve(s: Samples, n: number[], used: number[], target: number[], z: number, w: number) {
  const lx = n.map(Math.log);
  for (let t = 1; t < n.length; t++) {
    s.xs.push(windowAt(t, lx, used, z, w));
    s.dx.push(lx[t] - lx[t - 1]);
    s.ys.push(target[t] - used[t - 1]);
  }
}

async function train(net: tf.LayersModel, s: Samples, lr: number, epochs: number, batch: number): Promise<number> {
  net.compile({ optimizer: tf.train.adam(lr), loss: 'meanSquaredError' });
  const X = tf.tensor3d(s.xs);
  const D = tf.tensor2d(s.dx, [s.dx.length, 1]);
  const Y = tf.tensor2d(s.ys, [s.ys.length, 1]);
  try {
    const h = await net.fit([X, D], Y, { epochs, batchSize: batch, shuffle: false, verbose: 0 });
    return Number(h.history.loss.at(-1));
  } finally {
    X.dispose();
    D.dispose();
    Y.dispose();
  }
}

/**
 * Bump when anything the pre-trained weights depend on changes in code (features, architecture,
 * the synthetic family, the pre-training loop): the disk cache is keyed on it.
 */
const PRETRAIN_VERSION = 1;

/**
 * Stage 1: the pre-trained weights for a direction (cached in memory and on disk, `pretrain.ts`).
 * The key holds every input to them; the backend and tfjs version too, as their float32 rounding
 * differs and a cached prior must equal the one this process would train.
 */
async function pretrainedWeights(bi: boolean, o: typeof DEFAULTS, backend: TfBackend) {
  const key = JSON.stringify([
    PRETRAIN_VERSION, backend, tf.version_core, PRE_LR, PRE_BATCH,
    bi, o.window, o.units, o.seed, o.pretrain, o.pretrainEpochs,
  ]);
  return pretrained(key, async () => {
    const r = rng(o.seed + 202);
    const s: Samples = { xs: [], dx: [], ys: [] };
    syntheticCurves(o.pretrain, o.seed).forEach((c, i) => {
      const clean = c.clean.map(logit);
      // alternately reading the noisy values and the clean ones
      addCurve(s, c.n, i % 2 ? clean : c.dice.map(logit), clean, r(), o.window);
    });
    // a seeded shuffle, so mini-batches mix curves
    const idx = s.ys.map((_, i) => i);
    for (let i = idx.length - 1; i > 0; i--) {
      const j = Math.floor(r() * (i + 1));
      [idx[i], idx[j]] = [idx[j], idx[i]];
    }
    const shuffled: Samples = { xs: idx.map((i) => s.xs[i]), dx: idx.map((i) => s.dx[i]), ys: idx.map((i) => s.ys[i]) };
    const net = build(bi, o);
    try {
      await train(net, shuffled, PRE_LR, o.pretrainEpochs, PRE_BATCH);
      return net.getWeights().map((w) => w.clone());
    } finally {
      net.dispose();
    }
  });
}

/**
 * Fits one variant on curves fitted together (their observed parts). `nRef` is the full data set
 * size (defaults to the largest n given).
 */
export async function fitLstm(curves: Curve[], variant: LstmVariant, opts: LstmOptions & { nRef?: number } = {}): Promise<LstmNet> {
  const o = { ...DEFAULTS, ...(isFull(variant) ? FULL_FINE_TUNE : {}), ...Object.fromEntries(Object.entries(opts).filter(([, v]) => v !== undefined)) } as typeof DEFAULTS;
  const backend = await tfBackend();
  const nRef = opts.nRef ?? Math.max(...curves.map((c) => c.n[c.n.length - 1]));
  const z = depthFeature(curves);
  const r = rng(o.seed + 101);
  const s: Samples = { xs: [], dx: [], ys: [] };
  const copies = isFull(variant) ? 3 : 1;
  for (const c of curves) {
    const target = c.dice.map(logit);
    for (let copy = 0; copy < copies; copy++) {
      const shift = copy === 0 ? 0 : o.noise * normal(r);
      const used = c.dice.map((y) => logit(copy === 0 ? y : y + shift + (o.noise / 2) * normal(r)));
      addCurve(s, c.n, used, target, z.get(c.model)!, o.window);
    }
  }
  if (!s.ys.length) throw new Error('an LSTM needs at least 2 observed points on some curve');
  const net = build(isBi(variant), o);
  if (o.pretrain > 0) {
    const pre = await pretrainedWeights(isBi(variant), o, backend);
    const ws = pre.values.map((v, i) => tf.tensor(v, pre.shapes[i]));
    net.setWeights(ws);
    ws.forEach((w) => w.dispose());
  }
  const finalLoss = o.epochs > 0 ? await train(net, s, o.lr, o.epochs, s.ys.length) : NaN;
  const fitted: LstmNet = {
    variant, backend, net, window: o.window, nRef, z, residualSd: 0, epochsRun: o.epochs,
    finalLoss, dispose: () => net.dispose(),
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
 *
 * Past the last observed value read (the forecast proper) the rolled mean never goes down: each
 * step is at least the previous step's forecast, starting from the network's own one-step
 * prediction at the last read step (what the rolled curve shows at that size). That floor, not the
 * observed value there, because the observation is one noisy draw: the network may rightly step
 * down from an outlying high last point (it was pre-trained to see through noise), but never below
 * its own mean, so the curve is continuous and non-decreasing across the last observed size.
 */
export function roll(fit: LstmNet, model: string, steps: { n: number; y: number | null }[], mode: 'one' | 'full', warmup: number): RolledPoint[] {
  const z = fit.z.get(model) ?? 0;
  if (steps[0].y === null) throw new Error('the first step of a rolled curve must be observed');
  const reads = (t: number) => steps[t].y !== null && (mode === 'one' || t < warmup);
  const last = lastRead(steps.length, reads);
  const lx = steps.map((s) => Math.log(s.n));
  const used: number[] = [logit(steps[0].y)];
  const pred: number[] = [used[0]];
  const chained: number[] = [0];
  const out: RolledPoint[] = [{ n: steps[0].n, dice: steps[0].y, chained: 0 }];
  for (let t = 1; t < steps.length; t++) {
    const win = windowAt(t, lx, used, z, fit.window);
    const dx = lx[t] - lx[t - 1];
    const delta = tf.tidy(() => (fit.net.predict([tf.tensor3d([win]), tf.tensor2d([[dx]])]) as tf.Tensor).dataSync()[0]);
    const forecast = t > last;
    // wherever the previous value is a prediction, a forecast of the mean curve never decreases
    let v = used[t - 1] + (chained[t - 1] > 0 ? Math.max(0, delta) : delta);
    if (forecast) v = Math.max(v, pred[t - 1]);
    const c = chained[t - 1] + 1;
    // in Dice too, so float rounding (or a given step 0 outside logit's clip) cannot break it
    const dice = forecast ? Math.max(sigmoid(v), out[t - 1].dice) : sigmoid(v);
    out.push({ n: steps[t].n, dice, chained: c });
    pred.push(v);
    const observedUse = reads(t);
    used.push(observedUse ? logit(steps[t].y as number) : v);
    chained.push(observedUse ? 0 : c);
  }
  return out;
}

/** The last step whose observed value is read (0 when only the given step 0 is). */
function lastRead(length: number, reads: (t: number) => boolean): number {
  for (let t = length - 1; t > 0; t--) if (reads(t)) return t;
  return 0;
}
