/**
 * Learns `ts/surrogate/calibration.json` from real learning curves (LCDB 1.0, F1 and AUC
 * databases; data sets with an even OpenML id; the odd ones are held out for the reliability
 * rows, and the accuracy database is never read here):
 *   1. sigma0 and the empirical-Bayes priors: every bounded family fitted to whole curves; the
 *      median residual sd, and a robust mean / sd of each shape parameter (log scale);
 *   2. the ensemble's stack (calibration.ts: Stack) by least absolute deviations of the final
 *      value's gain over the last observation, on leave-future-out fits at 10/25/50% and on pilot
 *      grids of 4 points;
 *   3. per method and bucket of observed points, conformal quantiles of |error| / scale, from the
 *      scores of both halves (the stack and scales never saw the held-out half, so its scores are
 *      out of sample for them), and from each half alone;
 *      Within the data, the same from |fit − observed| / scale at each observed size below the
 *      last (with the forecast's quantiles the default's band held only 0.73–0.91 of those sizes);
 *   4. reliability: MAE and median error on the held-out data sets per cut-off, and 95% coverage
 *      cross-fitted (each half's curves against the quantiles the other half gave), at the largest
 *      n and at the observed sizes;
 *   5. the default's answer from 2 points, its analogues alone (surrogate.ts: analoguesAlone): a
 *      forecaster of its own, so its own quantiles (`ANALOGUES_ALONE`), from 2-point pilots (50/100%
 *      of what was observed to 25%) of both halves, each half kept; and from one size (the last
 *      observed to 25%): the share of its analogues' gain it adds, learnt on the calibration half,
 *      then its own quantiles (`ONE_SIZE`) the same way;
 *   6. a single run's scatter about the mean over seeds (`sigmaRun`, the prior of a grid of single
 *      runs' noise, band.ts: singleRunSd): the median over the calibration half's single runs (seed
 *      0) of the RMS of run − mean at every size a forecast can observe (all but the largest);
 *   7. the default's reliability on grids of those single runs (`SINGLE_RUNS`), scored against the
 *      mean over seeds, the rows an answer from a grid without repeats quotes.
 *
 *   bash scripts/node.sh --import tsx bench/calibrate.ts [--curves all|N] [--lstm-curves 200] [--ensemble-only | --quantiles-only | --analogues-only | --runs-only]
 */
import { writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { ANALOGUES_ALONE, CALIBRATION_FILE, ONE_SIZE, SINGLE_RUNS, quantilesOf, type Calibration, calibration, type Half, LEVELS, type MethodCalibration, type PointsBucket, type QuantileTable, type Quantiles, type Reliability, type ScaleWeights, type Stratum, UNCALIBRATED, bucketOf, useCalibration } from '../ts/surrogate/calibration';
import { type Curve, observedPart } from '../ts/surrogate/curve';
import { LSTM_VARIANTS } from '../ts/surrogate/lstm';
import { BOUNDED_MODELS, type CurveModelName, MODELS, type ParamPrior, fitModel } from '../ts/surrogate/parametric';
import { quantile } from '../ts/surrogate/random';
import { ANALOGUE_REACH, type Method, type ScaleParts, fitSurrogate, fromAnaloguesAlone, recentSlope } from '../ts/surrogate/surrogate';
import { analogue } from '../ts/surrogate/analogue';
import { corpus, leaveOwnDataSetOut, otherHalf, runCurve, runsCorpus } from './lib/corpus';
import { type Scored, type Summary, byName, pilotPart, scoreMethod, summarise } from './lib/evaluate';

const { values: args } = parseArgs({ options: { curves: { type: 'string', default: 'all' }, 'lstm-curves': { type: 'string', default: '200' }, 'quantiles-only': { type: 'boolean', default: false }, 'ensemble-only': { type: 'boolean', default: false }, 'analogues-only': { type: 'boolean', default: false }, 'runs-only': { type: 'boolean', default: false } } });
// --ensemble-only: keep sigma0, the priors, the shared scale and every other method's quantiles;
// relearn the stack, the ensemble's own scale, quantiles and reliability (minutes, not half an hour)
const only = args['ensemble-only'];
// --quantiles-only: keep sigma0, the priors, the stack and the scales; relearn every method's
// quantiles, target spreads and reliability
const quantilesOnly = args['quantiles-only'];
// --analogues-only: keep everything else; learn only the answers from 2 points and one (5. below; seconds)
const analoguesOnly = args['analogues-only'];
// --runs-only: keep everything else; learn only a single run's scatter and the reliability on single runs (6. and 7. below; minutes)
const runsOnly = args['runs-only'];
if ([only, quantilesOnly, analoguesOnly, runsOnly].filter(Boolean).length > 1) throw new Error('--ensemble-only, --quantiles-only, --analogues-only and --runs-only: one of them');
// the stack and the scales as they are
const keepStack = quantilesOnly || analoguesOnly;
const previous = calibration();
const CUTS = [0.1, 0.25, 0.5];
const TAU = 4;
const t0 = performance.now();
const log = (s: string) => console.log(`[${((performance.now() - t0) / 1000).toFixed(0)} s] ${s}`);

// 'all': every curve of the half; a sample of a few hundred leaves the quantiles to a few dozen data sets
const count = args.curves === 'all' ? Number.POSITIVE_INFINITY : Number(args.curves);

// the even half's single runs, drawn once: 6. learns their scatter, 7. scores them
const evenRuns = runsCorpus('dev', count, 1, 'calibrate');

// 6. a single run's scatter about the mean over seeds, at every size but the largest
function runScatter(): { sigmaRun: number; runs: number } {
  const rms = evenRuns.map((c) => {
    const d = c.run.slice(0, -1).map((v, i) => (v - c.mean[i]) ** 2);
    return Math.sqrt(d.reduce((t, v) => t + v, 0) / d.length);
  });
  return { sigmaRun: quantile(rms.sort((a, b) => a - b), 0.5), runs: rms.length };
}
const scatter = runScatter();
log(`sigmaRun ${scatter.sigmaRun.toFixed(4)} from ${scatter.runs} single runs`);

// 7. the default's reliability on grids of one run per size, the grids most users have (the rows of
// 4. score means over about 25 seeds): each curve's single run observed to 10/25/50%, and pilots of
// 2 sizes and 1 to 25% (its analogues alone), forecast at the largest n and scored against the
// seeds' mean there (the Dice to expect). MAE and median on the held-out half; 95% coverage
// cross-fitted, each half's runs under the quantiles the other half gave.
const RUN_SCENARIOS = [...CUTS.map((cut) => ({ cut, pilot: 0 })), { cut: 0.25, pilot: 2 }, { cut: 0.25, pilot: 1 }];
async function singleRunReliability(active: Calibration): Promise<Reliability[]> {
  const runs: Record<Half, Curve[]> = {
    calibrate: evenRuns.map((c) => runCurve(c, c.run, c.mean.at(-1)!)),
    'held-out': runsCorpus('dev', count, 2, 'held-out').map((c) => runCurve(c, c.run, c.mean.at(-1)!)),
  };
  const rows: Reliability[] = [];
  for (const { cut, pilot } of RUN_SCENARIOS) {
    const s = {} as Record<Half, Summary>;
    for (const half of ['calibrate', 'held-out'] as Half[]) {
      useCalibration(quantilesOf(active, otherHalf(half)));
      s[half] = summarise(await scoreMethod(runs[half], 'ensemble', cut, pilot));
    }
    const both = s.calibrate.curves + s['held-out'].curves;
    const h = s['held-out'];
    rows.push({
      cut, ...(pilot ? { points: pilot } : {}), singleRuns: true, curves: h.curves, mae: h.mae, median: h.median,
      coverage95: (s.calibrate.coverage95 * s.calibrate.curves + h.coverage95 * h.curves) / both, coverageCurves: both,
      // a target's true n is read off the observed curve (evaluate.ts: targetOf), which here is one run's: not measured
      targetLogError: null,
    });
  }
  useCalibration(active);
  log(`${SINGLE_RUNS}: ${rows.map((r) => `${r.cut}${r.points ? ` (${r.points} points)` : ''}: MAE ${r.mae.toFixed(4)} cov ${r.coverage95.toFixed(3)}`).join('; ')}`);
  return rows;
}

if (runsOnly) {
  leaveOwnDataSetOut();
  const active = { ...previous, sigmaRun: scatter.sigmaRun };
  const reliability = { ...previous.reliability, [SINGLE_RUNS]: await singleRunReliability(active) };
  const source = `${previous.source.replace(/; a single run's scatter [^;]*/, '')}; a single run's scatter (sigmaRun) from ${scatter.runs} single runs of the even half, and the reliability on single runs, added with --runs-only`;
  writeFileSync(CALIBRATION_FILE, `${JSON.stringify({ ...active, reliability, source }, null, 1)}\n`);
  log(`wrote ${CALIBRATION_FILE}`);
  process.exit(0);
}
const cal = corpus('dev', count, 1, 'calibrate');
// the analogue corpus is this half of LCDB: a curve is never matched against its own data set's curves
leaveOwnDataSetOut();
const held = corpus('dev', count, 2, 'held-out');
log(`${cal.length} curves to calibrate on, ${held.length} held out`);
const SCENARIOS = [...CUTS.map((cut) => ({ cut, pilot: 0 })), { cut: 0.25, pilot: 4 }];
// Methods whose target intervals are their calibrated band's crossings, never a learnt spread: the
// LSTMs, and the ensemble, whose band places a target past the data only where it can pin it (a
// spread learnt on the few it places would then be applied to every target it cannot place).
const bandTargets = (method: string) => method === 'ensemble' || method.startsWith('lstm');

// 1. sigma0 and priors from whole curves
const SHAPE: Partial<Record<CurveModelName, string[]>> = { pow4: ['c'], pow3: ['c'], exp3: ['c'], mmf4: ['b', 'd'], wbl4: ['b', 'd'] };
const robust = (v: number[]) => {
  const s = [...v].sort((a, b) => a - b);
  const med = quantile(s, 0.5);
  const mad = quantile(v.map((x) => Math.abs(x - med)).sort((a, b) => a - b), 0.5);
  return { mean: med, sd: 1.4826 * mad };
};
const sds: number[] = [];
const keep = only || keepStack;
const priors: Calibration['priors'] = keep ? previous.priors : {};
for (const name of keep ? [] : BOUNDED_MODELS) {
  const mod = MODELS[name];
  const vals: Record<string, number[]> = {};
  for (const c of cal) {
    const f = fitModel(name, c.n, c.dice, c.n[c.n.length - 1]);
    if (!f) continue;
    if (name === 'pow4' && f.m > 4) sds.push(Math.sqrt(f.rss / (f.m - 4)));
    for (const p of SHAPE[name] ?? []) {
      if (f.atBound.includes(p)) continue;
      (vals[p] ??= []).push(Math.log(f.params[mod.params.indexOf(p)]));
    }
  }
  // twice the corpus spread: a prior that guides a pilot grid without overruling a long curve
  priors[name] = (SHAPE[name] ?? []).map((p): ParamPrior => {
    const r = robust(vals[p] ?? [0]);
    return { param: p, log: true, mean: r.mean, sd: Math.max(0.25, 2 * r.sd) };
  });
}
const sigma0 = keep ? previous.sigma0 : quantile([...sds].sort((a, b) => a - b), 0.5);
log(`sigma0 ${sigma0.toFixed(4)}; priors ${JSON.stringify(priors)}`);

const UNCALIBRATED_METHOD: MethodCalibration = { quantiles: { few: {}, mid: {}, many: {} }, counts: { few: 0, mid: 0, many: 0 }, target95: null, targetCount: 0 };

// 2. the stack, by least absolute deviations (IRLS), gain, slope and analogue ≥ 0
const base: Calibration = { ...UNCALIBRATED, sigma0, priors };
useCalibration(base);
const scenarios = (curves: Curve[]) => [...CUTS.map((cut) => ({ cut, curves, pilot: 0 })), { cut: 0.25, curves: curves.map((c) => pilotPart(c, 0.25, 4)), pilot: 4 }];
type Row = { x: number[]; y: number };
const rows: Row[] = [];
for (const sc of keepStack ? [] : scenarios(cal)) {
  const cut = sc.pilot ? 0.999 : sc.cut;
  const res = await fitSurrogate(sc.curves, 'ensemble', { observedUpTo: cut });
  const named = byName(sc.curves);
  for (const fit of res.fits) {
    const c = named.get(fit.model)!;
    const obs = observedPart(c, cut);
    // the stack carries the families' fit: an answer from 2 points has none (5. below)
    if (obs.n.length === c.n.length || fromAnaloguesAlone(fit)) continue;
    const N = c.n[c.n.length - 1];
    const last = obs.n[obs.n.length - 1];
    const yLast = obs.dice[obs.dice.length - 1];
    const fitLast = fit.mean(last);
    const slope = recentSlope(obs);
    const an = analogue(obs, ANALOGUE_REACH * N);
    rows.push({ x: [fitLast - yLast, Math.max(0, fit.mean(N) - fitLast), slope * TAU * (1 - (last / N) ** (1 / TAU)), an ? an.gain(N) : 0], y: c.dice[c.dice.length - 1] - yLast });
  }
}
function lad(data: Row[], nonneg: boolean[]): number[] {
  const k = data[0].x.length;
  let b = new Array(k).fill(0);
  for (let it = 0; it < 200; it++) {
    const A = Array.from({ length: k }, () => new Array(k).fill(0));
    const r = new Array(k).fill(0);
    for (const d of data) {
      const e = d.y - d.x.reduce((s, v, i) => s + v * b[i], 0);
      const w = 1 / Math.max(Math.abs(e), 1e-5);
      for (let i = 0; i < k; i++) {
        r[i] += w * d.x[i] * d.y;
        for (let j = 0; j < k; j++) A[i][j] += w * d.x[i] * d.x[j];
      }
    }
    // free coefficients solved jointly; a coefficient held at 0 by its constraint is dropped
    const active = b.map((_, i) => i).filter((i) => !(nonneg[i] && b[i] < 0));
    const sol = solve(active.map((i) => active.map((j) => A[i][j])), active.map((i) => r[i]));
    const next = new Array(k).fill(0);
    active.forEach((i, j) => (next[i] = nonneg[i] ? Math.max(0, sol[j]) : sol[j]));
    const moved = next.reduce((s, v, i) => s + Math.abs(v - b[i]), 0);
    b = next;
    if (moved < 1e-9) break;
  }
  return b;
}
function solve(A: number[][], y: number[]): number[] {
  const n = y.length;
  const M = A.map((row, i) => [...row, y[i]]);
  for (let c = 0; c < n; c++) {
    const p = M.reduce((best, row, i) => (i >= c && Math.abs(row[c]) > Math.abs(M[best][c]) ? i : best), c);
    [M[c], M[p]] = [M[p], M[c]];
    for (let r = 0; r < n; r++) {
      if (r === c || M[c][c] === 0) continue;
      const f = M[r][c] / M[c][c];
      for (let j = c; j <= n; j++) M[r][j] -= f * M[c][j];
    }
  }
  return M.map((row, i) => (row[i] === 0 ? 0 : row[n] / row[i]));
}
function learnStack(): Calibration['stack'] {
  const [anchor, gain, slope, analogueW] = lad(rows, [false, true, true, true]);
  return { anchor, gain, slope, tau: TAU, analogue: analogueW };
}
const stack = keepStack ? previous.stack : learnStack();
log(`stack from ${keepStack ? 'the previous calibration' : `${rows.length} leave-future-out fits`}: ${JSON.stringify(stack)}`);
useCalibration({ ...base, stack });

// 2b. the scale's weights: median regression of the ensemble's |error| on the scale's parts; the
// shared weights leave the analogue's spread out (only the ensemble has it), the ensemble's own use it
type ScoredAt = Scored & { cut: number; pilot: number };
const scoreAll = async (curves: Curve[], method: Method) => {
  const out: ScoredAt[] = [];
  for (const sc of SCENARIOS) out.push(...(await scoreMethod(curves, method, sc.cut, sc.pilot)).map((s) => ({ ...s, ...sc })));
  return out;
};
const ensembleScored = analoguesOnly ? [] : await scoreAll(cal, 'ensemble');
const partsOf = (p: ScaleParts) => [1, p.noise, p.spread, p.gain, p.slope, p.horizon, p.analogue];
const errs: Row[] = ensembleScored.filter((s) => s.points > 2).map((s) => ({ x: partsOf(s.parts!), y: Math.abs(s.forecast - s.truth) }));
const weights = (b: number[]): ScaleWeights => ({ floor: b[0], noise: b[1], spread: b[2], gain: b[3], slope: b[4], horizon: b[5], ...(b.length > 6 ? { analogue: b[6] } : {}) });
const scale = keep ? previous.scale : weights(lad(errs.map((r) => ({ x: r.x.slice(0, 6), y: r.y })), new Array(6).fill(true)));
const ensembleScale = keepStack && previous.methods.ensemble?.scale ? previous.methods.ensemble.scale : weights(lad(errs, new Array(7).fill(true)));
log(`scale weights from ${errs.length} errors: shared ${JSON.stringify(scale)}; ensemble ${JSON.stringify(ensembleScale)}`);
useCalibration({ ...base, stack, scale, methods: { ensemble: { ...UNCALIBRATED_METHOD, scale: ensembleScale } } });

// 3. conformal quantiles of |error| / scale, per method and bucket of points, from both halves: the
// stack and the scales were learnt on the calibration half alone, so the held-out half's scores are
// out of sample for them. ~80 data sets a half differ beyond chance (the even half's quantiles
// covered 0.960–0.980 of the odd half's curves, the odd half's 0.915–0.924 of the even half's);
// pooled, they rest on both.
const PARAMETRIC: Method[] = analoguesOnly ? [] : only ? ['ensemble'] : ['ensemble', 'best-aic', ...BOUNDED_MODELS, 'log2', 'linear'];
const lstmCount = only || analoguesOnly ? 0 : Number(args['lstm-curves']);
const methods: { method: Method; curves: Curve[]; held: Curve[] }[] = [
  ...PARAMETRIC.map((method) => ({ method, curves: cal as Curve[], held: held as Curve[] })),
  ...(lstmCount ? LSTM_VARIANTS.map((method) => ({ method, curves: cal.slice(0, lstmCount) as Curve[], held: held.slice(0, lstmCount) as Curve[] })) : []),
];
const scaleOf = (w: ScaleWeights, p: ScaleParts) => partsOf(p).reduce((s, v, i) => s + v * [w.floor, w.noise, w.spread, w.gain, w.slope, w.horizon, w.analogue ?? 0][i], 0);
const conformal = (scores: number[], level: number) => {
  // the ⌈(n+1)·level⌉-th smallest score: split conformal's finite-sample rule
  const s = [...scores].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.ceil((s.length + 1) * level) - 1)];
};
const BUCKETS: PointsBucket[] = ['few', 'mid', 'many'];
type StratumScore = { points: number; score: number; stratum?: Stratum };
/** A score's stratum (calibration.ts: stratumOf): the fit's, or its bucket of observed points (within the data). */
const stratumKey = (s: StratumScore): Stratum => s.stratum ?? bucketOf(s.points);
const SHAPES: Stratum[] = [...BUCKETS.map((b): Stratum => `flat-${b}`), 'floor'];
/**
 * Per stratum (disjoint, as Mondrian conformal prediction has them), each level's conformal
 * quantile of the scores. A shape's stratum (flat, floor) of fewer than 50 scores is not kept: its
 * scores stay in their bucket. A bucket with fewer than 50 scores borrows every score not in a
 * shape's stratum kept.
 */
function bucketQuantiles(scores: StratumScore[]): QuantileTable {
  const finite = scores.filter((s) => Number.isFinite(s.score));
  const shapes = SHAPES.filter((k) => finite.filter((s) => stratumKey(s) === k).length >= 50);
  const strata: Stratum[] = [...BUCKETS, ...shapes];
  const rest = finite.filter((s) => !shapes.includes(stratumKey(s)));
  const bucket = (b: Stratum) => {
    if (shapes.includes(b)) return finite.filter((s) => stratumKey(s) === b).map((s) => s.score);
    const own = rest.filter((s) => bucketOf(s.points) === b).map((s) => s.score);
    return own.length >= 50 ? own : rest.map((s) => s.score);
  };
  const by = Object.fromEntries(strata.map((b) => [b, bucket(b)])) as Record<Stratum, number[]>;
  return {
    quantiles: Object.fromEntries(strata.map((b) => [b, Object.fromEntries(LEVELS.map((l) => [String(l), conformal(by[b], l)]))])) as QuantileTable['quantiles'],
    counts: Object.fromEntries(strata.map((b) => [b, by[b].length])) as QuantileTable['counts'],
  };
}
/** A method's within-data scores: every observed size below the last, |fit − observed| over the method's scale there. */
const withinScores = (scored: Scored[], w: ScaleWeights) => scored.flatMap((s) => s.within.map((x) => ({ points: s.points, score: x.error / scaleOf(w, x.parts) })));
function quantilesFrom(scored: Scored[], method: Method, w: ScaleWeights): Quantiles {
  const logErr = scored.map((s) => s.targetScore).filter((x): x is number => x !== null);
  const target = logErr.length && !bandTargets(method);
  return {
    ...bucketQuantiles(scored),
    target95: target ? conformal(logErr, 0.95) : null,
    targetCount: target ? logErr.length : 0,
    // none from one size (no observed size below the last): the band there takes the forecast's
    within: scored.some((s) => s.within.length) ? bucketQuantiles(withinScores(scored, w)) : undefined,
  };
}
/** Whether a 95% interval holds the truth under this table: the score within its bucket's quantile. */
const holds95 = (t: QuantileTable, x: StratumScore) => x.score <= (t.quantiles[stratumKey(x)] ?? t.quantiles[bucketOf(x.points)])!['0.95'];
/** Whether a scored curve's 95% interval holds the truth at the largest n under these quantiles. */
const covered = (s: Scored, q: Quantiles) => holds95(q, s);
/** How many of a scored curve's observed sizes below the last its band holds under these (within-data) quantiles. */
const coveredWithin = (s: Scored, q: Quantiles, w: ScaleWeights) => withinScores([s], w).filter((x) => holds95(q.within!, x)).length;
/**
 * 4. reliability: errors on the held-out half (`h`); coverage cross-fitted over both halves, each
 * half's curves against the quantiles the other half gave, at the largest n and within the data.
 */
function reliabilityRow(cut: number, h: Scored[], c: Scored[], halves: Record<Half, Quantiles>, w: ScaleWeights): Reliability {
  const s = summarise(h);
  const hits = h.filter((x) => covered(x, halves.calibrate)).length + c.filter((x) => covered(x, halves['held-out'])).length;
  const sizes = [...h, ...c].reduce((t, x) => t + x.within.length, 0);
  const inside = h.reduce((t, x) => t + coveredWithin(x, halves.calibrate, w), 0) + c.reduce((t, x) => t + coveredWithin(x, halves['held-out'], w), 0);
  return { cut, curves: s.curves, mae: s.mae, median: s.median, coverage95: hits / (h.length + c.length), coverageCurves: h.length + c.length, coverageWithin95: inside / sizes, targetLogError: s.targetLogError };
}
const methodsCal: Record<string, MethodCalibration> = {};
const reliability: Record<string, Reliability[]> = {};
for (const { method, curves, held: heldCurves } of methods) {
  // the ensemble's fits on the calibration half were scored above; only their scale changes with the weights just learnt
  // the ensemble's entry is its families' answers: where a cut leaves 2 points it answers from its
  // analogues alone, which have an entry of their own (5. below)
  const families = (xs: ScoredAt[]) => (method === 'ensemble' ? xs.filter((s) => s.points > 2) : xs);
  const calScored = families(method === 'ensemble' ? ensembleScored.map((s) => ({ ...s, score: Math.abs(s.forecast - s.truth) / scaleOf(ensembleScale, s.parts!) })) : await scoreAll(curves, method));
  const heldScored = families(await scoreAll(heldCurves, method));
  const w = method === 'ensemble' ? ensembleScale : scale;
  const halves: Record<Half, Quantiles> = { calibrate: quantilesFrom(calScored, method, w), 'held-out': quantilesFrom(heldScored, method, w) };
  methodsCal[method] = { ...quantilesFrom([...calScored, ...heldScored], method, w), halves, ...(method === 'ensemble' ? { scale: ensembleScale } : {}) };
  reliability[method] = CUTS.map((cut) => reliabilityRow(cut, heldScored.filter((s) => s.cut === cut && !s.pilot), calScored.filter((s) => s.cut === cut && !s.pilot), halves, w));
  log(`${method}: quantiles ${JSON.stringify(methodsCal[method].quantiles)}, within ${JSON.stringify(methodsCal[method].within!.quantiles)}; ${reliability[method].map((r) => `${r.cut}: MAE ${r.mae.toFixed(4)} cov ${r.coverage95.toFixed(3)} within ${r.coverageWithin95!.toFixed(3)}`).join('; ')}`);
}

// 5. the default's answer from 2 points (its analogues alone): the ensemble's scale, its own quantiles.
// Scored with the ensemble's scale weights (they are what its band multiplies); every pilot of 2
// points is such an answer, since no family fits 2.
const alone = await Promise.all([cal, held].map((curves) => scoreMethod(curves, 'ensemble', 0.25, 2)));
const aloneHalves: Record<Half, Quantiles> = { calibrate: quantilesFrom(alone[0], 'ensemble', ensembleScale), 'held-out': quantilesFrom(alone[1], 'ensemble', ensembleScale) };
methodsCal[ANALOGUES_ALONE] = { ...quantilesFrom(alone.flat(), 'ensemble', ensembleScale), halves: aloneHalves };
const { cut: aloneCut, ...aloneFigures } = reliabilityRow(0.25, alone[1], alone[0], aloneHalves, ensembleScale);
const aloneRow: Reliability = { cut: aloneCut, points: 2, ...aloneFigures };
reliability[ANALOGUES_ALONE] = [aloneRow];
log(`${ANALOGUES_ALONE}: ${alone[0].length} + ${alone[1].length} 2-point pilots; quantiles ${JSON.stringify(methodsCal[ANALOGUES_ALONE].quantiles.few)}; held-out MAE ${aloneRow.mae.toFixed(4)}, 95% coverage cross-fitted ${aloneRow.coverage95.toFixed(3)}, within ${aloneRow.coverageWithin95!.toFixed(3)}`);

// 5b. the same from one size: its analogues match the level alone, so first the share of their
// gain it adds (least absolute deviations of the final value's gain over the observation on the
// analogues' gain, one-size pilots of the calibration half), then its own quantiles from both halves.
const gainOf = (s: Scored) => ({ x: [s.forecast - s.last], y: s.truth - s.last });
const fullShare = await scoreMethod(cal, 'ensemble', 0.25, 1);
const share = lad(fullShare.map(gainOf), [true])[0];
const active = calibration();
useCalibration({ ...active, oneSize: { gain: share } });
const one = await Promise.all([cal, held].map((curves) => scoreMethod(curves, 'ensemble', 0.25, 1)));
const oneHalves: Record<Half, Quantiles> = { calibrate: quantilesFrom(one[0], 'ensemble', ensembleScale), 'held-out': quantilesFrom(one[1], 'ensemble', ensembleScale) };
methodsCal[ONE_SIZE] = { ...quantilesFrom(one.flat(), 'ensemble', ensembleScale), halves: oneHalves };
const { cut: oneCut, coverageWithin95: _none, ...oneFigures } = reliabilityRow(0.25, one[1], one[0], oneHalves, ensembleScale);
reliability[ONE_SIZE] = [{ cut: oneCut, points: 1, ...oneFigures }];
log(`${ONE_SIZE}: share of the analogues' gain ${share.toFixed(3)} from ${fullShare.length} one-size pilots; ${one[0].length} + ${one[1].length} pilots; quantiles ${JSON.stringify(methodsCal[ONE_SIZE].quantiles.few)}; held-out MAE ${reliability[ONE_SIZE][0].mae.toFixed(4)}, 95% coverage cross-fitted ${reliability[ONE_SIZE][0].coverage95.toFixed(3)}`);

const partial = only || keepStack;
const what = only ? 'the ensemble relearnt' : quantilesOnly ? 'the quantiles and reliability relearnt' : analoguesOnly ? 'the quantiles of the answers from 2 points and one added' : '';
const flag = only ? 'ensemble' : quantilesOnly ? 'quantiles' : 'analogues';
const out: Calibration = {
  ...base,
  stack,
  scale,
  methods: partial ? { ...previous.methods, ...methodsCal } : methodsCal,
  reliability: partial ? { ...previous.reliability, ...reliability } : reliability,
  oneSize: { gain: share },
  sigmaRun: scatter.sigmaRun,
  // a partial run keeps what the file says of the parts it kept (each clause up to its ';'), and says what it relearnt
  source: analoguesOnly
    ? `${previous.source.replace(/; the quantiles of the answers from 2 points[^;]*/, '')}; the quantiles of the answers from 2 points and one added with --analogues-only`
    : only
    ? `${previous.source.replace(/; the ensemble's stack, scale, quantiles[^;]*/, '')}; the ensemble's stack, scale, quantiles (by stratum: flat curves and those at the floor apart) and reliability, sigmaRun and the reliability on single runs relearnt with --ensemble-only`
    : `LCDB 1.0 (lcdb sdist on PyPI), F1 + AUC databases: ${cal.length} curves of even-id data sets learn the priors, stack and scales; quantiles from these and the ${held.length} curves of odd-id data sets${lstmCount ? ` (${lstmCount} of each for the LSTMs)` : ''}, coverage cross-fitted between the halves; written by bench/calibrate.ts${what ? ` (${what} with --${flag}-only)` : ''}`,
};
out.reliability[SINGLE_RUNS] = await singleRunReliability(out);
writeFileSync(CALIBRATION_FILE, `${JSON.stringify(out, null, 1)}\n`);
log(`wrote ${CALIBRATION_FILE}`);
