import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { Curve } from './curve';
import { fileStamp, remembered, rememberedDoubles } from './fitMemo';
import { interp } from './interp';

/**
 * The analogue forecast: what happened next to the real learning curves that looked most like
 * this one so far. Each corpus curve is cut at each of its sizes; a cut's shape is the drop of its
 * score at fixed distances back in ln n (so the sizes of the two curves need not match), and its
 * level is its last score. The K nearest cuts (shape, then level) each give their gain over
 * their last score at the same ln-distance ahead; the forecast gain is their median, its
 * uncertainty their spread. Matching real curves is what learning-curve priors such as LC-PFN
 * learn from a corpus; done directly, it needs no training and beats every fitted family on
 * held-out LCDB curves (bench/forecast.ts). The corpus is `analogues.json`, written by
 * `bench/analogues.ts` from LCDB's calibration half only.
 */
export const ANALOGUES_FILE = fileURLToPath(new URL('./analogues.json', import.meta.url));

/** distances back in ln n at which a shape is compared (ln 2^(k/2), LCDB's spacing) */
const BACK = [0, 0.35, 0.69, 1.04, 1.39, 1.73, 2.08];
const K = 20;
/**
 * With one size observed (or sizes closer than the first distance back) there is no shape to
 * compare, only the level: the median gain then rests on more cuts (100 rather than 20 took the
 * error of 1,000 one-size pilots of LCDB's calibration half at 25% from 0.0391 to 0.0383 with
 * their whole gain, 0.0365 to 0.0364 with half of it; a one-off check, not kept).
 */
const K_LEVEL = 100;
/** weight of the level's squared difference against the shape's mean squared difference */
const W_LEVEL = 0.1;
const STEPS = 48;

interface Entries {
  curves: { id: number; ln: ArrayLike<number>; y: ArrayLike<number> }[];
  feats: Float64Array;
  lnLast: Float64Array;
  reach: Float64Array;
  curve: Int32Array;
  size: number;
  maxReach: number;
}

function features(ln: number[], y: number[], lnLast: number, out: Float64Array, at: number): void {
  BACK.forEach((t, i) => {
    const q = lnLast - t;
    out[at + i] = q < ln[0] - 1e-9 ? Number.NaN : interp(ln, y, q);
  });
}

let cached: Entries | null | undefined;
/**
 * The corpus cut at every size, built once per process (about 30k cuts; tens of milliseconds),
 * or read back as raw doubles where a command keeps the engine's pieces (fitMemo.ts).
 */
function entries(): Entries | null {
  if (cached !== undefined) return cached;
  if (!existsSync(ANALOGUES_FILE)) return (cached = null);
  return (cached = rememberedDoubles('corpus', analogueStamp, cutCorpus, packEntries, unpackEntries));
}

/** The entries as one run of doubles: counts, each curve's id and length, the curves' ln n and scores, then the cuts. */
function packEntries(e: Entries): Float64Array {
  const points = e.curves.reduce((s, c) => s + c.ln.length, 0);
  const a = new Float64Array(3 + 2 * e.curves.length + 2 * points + e.size * (BACK.length + 3));
  let at = 0;
  a[at++] = e.curves.length;
  a[at++] = e.size;
  a[at++] = e.maxReach;
  for (const c of e.curves) {
    a[at++] = c.id;
    a[at++] = c.ln.length;
  }
  for (const c of e.curves) {
    a.set(c.ln, at);
    a.set(c.y, at + c.ln.length);
    at += 2 * c.ln.length;
  }
  for (const part of [e.feats, e.lnLast, e.reach, Float64Array.from(e.curve)]) {
    a.set(part, at);
    at += part.length;
  }
  return a;
}

function unpackEntries(a: Float64Array): Entries {
  const count = a[0];
  const size = a[1];
  let at = 3 + 2 * count;
  const curves = Array.from({ length: count }, (_, i) => {
    const len = a[4 + 2 * i];
    const c = { id: a[3 + 2 * i], ln: a.subarray(at, at + len), y: a.subarray(at + len, at + 2 * len) };
    at += 2 * len;
    return c;
  });
  const take = (n: number) => a.subarray(at, (at += n));
  const feats = take(size * BACK.length);
  const lnLast = take(size);
  const reach = take(size);
  const curve = Int32Array.from(take(size));
  if (at !== a.length) throw new Error('corpus file of the wrong length');
  return { curves, feats, lnLast, reach, curve, size, maxReach: a[2] };
}

function cutCorpus(): Entries {
  const raw = JSON.parse(readFileSync(ANALOGUES_FILE, 'utf8')) as { curves: { id: number; n: number[]; y: number[] }[] };
  const curves = raw.curves.map((c) => ({ id: c.id, ln: c.n.map(Math.log), y: c.y.map((v) => v / 1e4) }));
  const size = curves.reduce((s, c) => s + c.ln.length - 1, 0);
  const e: Entries = { curves, feats: new Float64Array(size * BACK.length), lnLast: new Float64Array(size), reach: new Float64Array(size), curve: new Int32Array(size), size, maxReach: 0 };
  let k = 0;
  curves.forEach((c, ci) => {
    for (let j = 1; j < c.ln.length; j++, k++) {
      features(c.ln, c.y, c.ln[j], e.feats, k * BACK.length);
      e.lnLast[k] = c.ln[j];
      e.reach[k] = c.ln[c.ln.length - 1] - c.ln[j];
      e.curve[k] = ci;
      e.maxReach = Math.max(e.maxReach, e.reach[k]);
    }
  });
  return e;
}

export interface Analogue {
  /** the analogues' median gain over the last observed score at n: 0 up to the last n, non-decreasing, flat past their reach */
  gain: (n: number) => number;
  /** their spread at n (interquartile range / 1.349) */
  spread: (n: number) => number;
  /** how many corpus cuts were matched */
  neighbours: number;
  /** the data sets (OpenML ids) they came from */
  sources: number[];
}

let sameSource: ((model: string) => number | null) | null = null;
/**
 * For calibration on the corpus's own data sets: `source` names the data set (OpenML id) a
 * curve came from, and cuts of that data set are never its analogues, as a user's curve is never
 * in the corpus. Null restores the default.
 */
export function leaveSourceOut(source: ((model: string) => number | null) | null): void {
  sameSource = source;
}

/** True when the corpus file is there (it is committed; a checkout without it answers without analogues). */
export const haveAnalogues = () => entries() !== null;

/**
 * The analogue gain of an observed curve, for n up to `upTo`. Cuts that reach that far ahead are
 * preferred; where the corpus has too few, those reaching furthest are taken and held flat after.
 */
export function analogue(obs: Curve, upTo: number): Analogue | null {
  // a match left out of its own data set (calibration) is never kept: the memo is for users' curves
  if (sameSource) return fromTable(match(obs, upTo));
  const same = (t: Table | null) => t;
  return fromTable(remembered('analogue', analogueStamp, [obs.n, obs.dice, upTo], () => match(obs, upTo), same, same));
}

/** The code and the corpus a match depends on. */
const analogueStamp = () => `${fileStamp(fileURLToPath(import.meta.url))}|${fileStamp(ANALOGUES_FILE)}`;

/** A match as plain numbers: the median gain and spread on a grid of ln-distances past the last observed n. */
interface Table {
  lastN: number;
  lnLast: number;
  need: number;
  hs: number[];
  med: number[];
  iqr: number[];
  neighbours: number;
  sources: number[];
}

function fromTable(t: Table | null): Analogue | null {
  if (!t) return null;
  const { lastN, lnLast, need, hs } = t;
  const over = (ys: number[]) => (n: number) => (n <= lastN || need === 0 ? 0 : interp(hs, ys, Math.log(n) - lnLast));
  return { gain: over(t.med), spread: over(t.iqr), neighbours: t.neighbours, sources: t.sources };
}

function match(obs: Curve, upTo: number): Table | null {
  const e = entries();
  if (!e || obs.n.length < 1) return null;
  const ln = obs.n.map(Math.log);
  const lnLast = ln[ln.length - 1];
  const yLast = obs.dice[obs.dice.length - 1];
  const need = Math.max(0, Math.log(upTo) - lnLast);
  const q = new Float64Array(BACK.length);
  features(ln, obs.dice, lnLast, q, 0);
  const have = q.reduce((s, v) => s + (Number.isNaN(v) ? 0 : 1), 0);
  const minReach = Math.min(need, e.maxReach) - 1e-9;
  const own = sameSource?.(obs.model) ?? null;
  const k = have > 1 ? K : K_LEVEL;
  // the K nearest, kept sorted by insertion: one pass over the cuts, no sort of all of them
  const bestD: number[] = [];
  const bestK: number[] = [];
  for (let cut = 0; cut < e.size; cut++) {
    if (e.reach[cut] < minReach || (own !== null && e.curves[e.curve[cut]].id === own)) continue;
    const at = cut * BACK.length;
    const c0 = e.feats[at];
    let s = 0;
    let count = 0;
    for (let i = 0; i < BACK.length; i++) {
      const c = e.feats[at + i];
      if (Number.isNaN(q[i]) || Number.isNaN(c)) continue;
      s += (q[0] - q[i] - (c0 - c)) ** 2;
      count++;
    }
    if (count < Math.min(have, 3)) continue;
    const d = s / count + W_LEVEL * (c0 - yLast) ** 2;
    if (bestD.length === k && d >= bestD[k - 1]) continue;
    let j = bestD.length;
    while (j > 0 && bestD[j - 1] > d) j--;
    bestD.splice(j, 0, d);
    bestK.splice(j, 0, cut);
    if (bestD.length > k) {
      bestD.pop();
      bestK.pop();
    }
  }
  if (!bestK.length) return null;
  const near = bestK;
  const hs = Array.from({ length: STEPS + 1 }, (_, i) => (need * i) / STEPS);
  const med: number[] = [];
  const iqr: number[] = [];
  let run = 0;
  const ranks = near.map((_, i) => i / (near.length - 1 || 1));
  for (const h of hs) {
    const g = near
      .map((k) => {
        const c = e.curves[e.curve[k]];
        return interp(c.ln, c.y, e.lnLast[k] + Math.min(h, e.reach[k])) - interp(c.ln, c.y, e.lnLast[k]);
      })
      .sort((a, b) => a - b);
    const at = (p: number) => interp(ranks, g, p);
    // never below 0 and never falling: a forecast that drops with more data is not one plateau gives
    run = Math.max(run, at(0.5), 0);
    med.push(Math.min(run, 1 - yLast));
    iqr.push((at(0.75) - at(0.25)) / 1.349);
  }
  return { lastN: obs.n[obs.n.length - 1], lnLast, need, hs, med, iqr, neighbours: near.length, sources: [...new Set(near.map((k) => e.curves[e.curve[k]].id))] };
}
