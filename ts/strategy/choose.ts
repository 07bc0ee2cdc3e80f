import { type Candidate, candidates, nearest } from './candidates';
import { type CostModel, costModel } from './cost';
import { type ModelInterval, assessModel, spreadChangeText, spreadText, withFloor } from './interval';
import { FEWEST_TO_CHOOSE, ladder } from './ladder';
import { type Point, pointsOf, seedsAt, withFantasy } from './points';
import { narrowingText, stopReason } from './stop';
import { DEFAULTS, type Job, type Study, type StrategyOptions, pct, spentOf } from './study';
import { diceText, int } from '../surrogate/words';

/** A candidate as scored: how much a fantasy observation there narrows its model's answer, per expected second. */
export interface Score {
  job: Job;
  kind: Candidate['kind'];
  cost: number;
  /** the model's spread now and with the fantasy (Dice width, or ln hi/lo of a target n) */
  before: number;
  after: number;
  /** how much the spread narrows, and per expected second */
  narrowing: number;
  perSecond: number;
  /** narrows by a useful amount at a rate that would remove all the excess for less than training every size left */
  worth: boolean;
  /** leaves its model answered (no excess): the study needs no other job for that model */
  finishes: boolean;
  reason: string;
}

/**
 * What to do next: train a job (with the one-sentence reason it was chosen), wait for the jobs in
 * flight (nothing can be chosen until they return), or stop (with the reason). `intervals` is the
 * answer now, per model; `scores` every candidate scored at this step (for the dashboard and tests).
 */
export type Decision =
  | { action: 'train'; job: Job; kind: 'ladder' | Candidate['kind']; cost: number; reason: string; intervals: ModelInterval[]; scores: Score[] }
  | { action: 'wait' | 'stop'; reason: string; intervals: ModelInterval[]; scores: Score[] };

export const secondsText = (v: number) => `~${v < 10 ? v.toFixed(1) : Math.round(v).toLocaleString('en-US')} s`;

/** The next rung of the starting ladder: every model gets each rung before any model gets the next, so a wave fills evenly. */
function ladderJob(study: Study, o: StrategyOptions, cost: CostModel): Decision | null {
  const rungs = ladder(study.sizes, o.ladder);
  for (const [i, s] of rungs.entries()) {
    for (const { model } of study.models) {
      if (seedsAt(study, model).has(s.n)) continue;
      const c = cost.seconds(model, s.n);
      const reason = `${model} at ${pct(s.fraction)}: rung ${i + 1} of ${rungs.length} of the starting ladder (${rungs.map((r) => pct(r.fraction)).join(', ')}), before the engine's answer chooses the jobs; ${secondsText(c)}`;
      return { action: 'train', job: { model, fraction: s.fraction, n: s.n, repeat: 0 }, kind: 'ladder', cost: c, reason, intervals: [], scores: [] };
    }
  }
  return null;
}

interface ModelState {
  model: string;
  depth: number | null;
  /** the points with the jobs in flight counted as returning the forecast */
  points: Point[];
  now: ModelInterval;
}

/**
 * A model's answer now, the jobs in flight counted as fantasies at the forecast (so a wave does
 * not ask twice for what one job will tell), aimed at the precision asked or, where the full grid
 * could not reach it either, near what the full grid would give: every untrained size as a fantasy.
 */
async function modelState(study: Study, model: string, depth: number | null, o: StrategyOptions): Promise<ModelState> {
  let points = pointsOf(study.runs, model);
  let now = await assessModel(points, model, depth, study.nFull, o);
  const forecast = now.answer.fit.mean;
  const pending = (study.pending ?? []).filter((j) => j.model === model);
  if (pending.length) {
    for (const j of pending) points = withFantasy(points, j, forecast);
    now = await assessModel(points, model, depth, study.nFull, o);
  }
  const floor = await fullGridSpread(study, points, model, depth, forecast, o);
  const aimed = withFloor(now, Math.min(floor, now.spread), o.gridSlack);
  if (atFull(study, points, o)) {
    // only another seed at 100% observes it again: with as many as allowed, the model is answered
    const more = (seedsAt(study, model).get(study.nFull) ?? 0) < (o.maxRepeats ?? DEFAULTS.maxRepeats);
    return { model, depth, points, now: { ...aimed, measured: true, excess: more ? aimed.excess : 0 } };
  }
  // a target, or a Dice at 100% not yet measured (see atFull): only the precision asked answers the latter
  return { model, depth, points, now: o.targetDice !== undefined ? aimed : { ...aimed, aim: aimed.tolerance, excess: Math.max(0, aimed.spread - aimed.tolerance) } };
}

/**
 * Whether the Dice at 100% is measured (100% trained, or in flight), which decides what a model
 * is offered.
 * - Until it is, the model is not called "as precise as the grid allows": the full grid's answer
 *   stands on its run at 100%, and no width says how much observing it helps. On LCDB's single
 *   runs, studies that stopped so from 10–40% of the data, their band as wide as the grid's
 *   (0.5–1.0 on erratic curves), missed the mean at 100% by 0.2–0.9 where the grid, observing it,
 *   missed by 0.005–0.02 (bench/adaptive.ts --single). So only the precision asked answers it, and
 *   the study trains 100% before it stops on diminishing returns.
 * - Once it is, only another seed at 100% is offered. Other sizes still narrow the band there (the
 *   fit gets more points: a smaller calibrated quantile, a better-measured scale), but hardly move
 *   the answer: replayed on 200 LCDB curves (bench/adaptive.ts --corpus dev), the jobs that chased
 *   that width after 100% (1.2 a world on single runs, 1.9 on means) spent 0.039 and 0.064 of the
 *   grid, narrowed the mean 95% width from 0.233 to 0.207 and from 0.129 to 0.100, and moved the
 *   error by −0.0003 and +0.0002. The study answers at the grid's accuracy, not its width.
 */
const atFull = (study: Study, points: Point[], o: StrategyOptions) => o.targetDice === undefined && points.some((p) => p.n === study.nFull);

/**
 * The spread the full grid would give: every untrained size above the smallest trained one (as
 * for candidates) as a fantasy. Here the fantasies
 * carry the points' own scatter about the forecast (± its RMS, alternately), since a grid of
 * fantasies on the curve would promise a fit with no noise, and so a floor no real grid reaches.
 */
async function fullGridSpread(study: Study, points: Point[], model: string, depth: number | null, forecast: (n: number) => number, o: StrategyOptions): Promise<number> {
  const untrained = study.sizes.filter((s) => s.n > points[0].n && !points.some((p) => p.n === s.n)).sort((a, b) => a.n - b.n);
  const scatter = Math.sqrt(points.reduce((t, p) => t + (p.dice - forecast(p.n)) ** 2, 0) / points.length);
  const full = untrained.reduce((ps, s, i) => withFantasy(ps, s, (n) => Math.min(1, Math.max(0, forecast(n) + (i % 2 ? scatter : -scatter)))), points);
  return (await assessModel(full, model, depth, study.nFull, o)).spread;
}

interface SearchJob {
  job: Job;
  cost: number;
  reason: string;
}

/**
 * A target the forecast does not reach although the data allow it from some n within the grid
 * (undetermined, its range starting at or below 100%): fantasies at the forecast can never show it
 * reached, so they promise no narrowing, and the full grid's spread estimated from them says the
 * grid could not place it either, which the grid's own points may well do. Whether the grid
 * reaches it is found by observing: the untrained size halfway in ln n between the largest size
 * the model has (trained, or in flight) and 100%, a bisection that ends at 100%.
 */
function searchJob(study: Study, s: ModelState, cost: CostModel): SearchJob | null {
  const m = s.now;
  if (m.question !== 'target' || m.status !== 'undetermined' || m.lo === null || m.lo > study.nFull) return null;
  const seeds = seedsAt(study, s.model);
  const from = Math.max(m.lo, ...s.points.map((p) => p.n));
  const open = study.sizes.filter((g) => g.n > from && g.n <= study.nFull && !seeds.has(g.n));
  if (!open.length) return null;
  const [g] = nearest(open, Math.sqrt(from * study.nFull), 1);
  const c = cost.seconds(s.model, g.n);
  const target = m.answer.target!.dice;
  // "from n ≈ 45 on" is where the band allows the target, often inside the data; the search starts
  // from the largest size the model has (trained or in flight), so each number says what it is
  const where = from > Math.max(...s.points.map((p) => p.n)) ? 'where the points allow it' : 'the largest size the model has';
  const reason = `${s.model} at ${pct(g.fraction)}: the forecast does not reach Dice ${diceText(target)}, but the points allow it from n ≈ ${int(m.lo)} on; ` +
    `this size, halfway in ln n from n = ${int(from)} (${where}) to 100%, shows whether the grid reaches it; ${secondsText(c)}`;
  return { job: { model: s.model, fraction: g.fraction, n: g.n, repeat: 0 }, cost: c, reason };
}

/** Where the answer is asked: 100% for a Dice; the target n, or where an undetermined one starts. */
const focusOf = (m: ModelInterval, nFull: number) => (m.question === 'dice' ? nFull : (m.value ?? m.lo ?? nFull));

const jobText = (c: Job & Pick<Candidate, 'kind'>) => (c.kind === 'seed' ? `${c.model}, seed ${c.repeat + 1} at ${pct(c.fraction)}` : `${c.model} at ${pct(c.fraction)}`);

function reasonOf(c: Candidate, before: ModelInterval, after: ModelInterval, targetDice?: number): string {
  const what = before.question === 'dice' ? 'the Dice-at-100% interval' : `the interval of the n for Dice ${diceText(targetDice!)}`;
  return `${jobText(c)}: narrows ${what} ${spreadChangeText(before, after)} for ${secondsText(c.cost)}`;
}

/**
 * The next job of an adaptive study. Until every model has its starting ladder, the ladder's next
 * rung. Then each candidate (a model's untrained size, or another seed) is scored by refitting the
 * answer engine with a fantasy observation there, equal to the current forecast: how much the
 * model's answer interval narrows per expected second. Only models short of what is aimed at
 * (`excess` > 0) offer jobs, and a job is worth it when it narrows by a useful amount (a share of
 * the precision asked) at a rate that would remove all the excess for less than training every
 * size left would cost. The best job worth it wins; with none, or when the stop rule says so, the study stops.
 */
export async function nextJob(study: Study, o: StrategyOptions = {}): Promise<Decision> {
  const cost = costModel(study.runs, { prior: o.priorSecondsPerImageEpoch, epochs: o.epochs });
  // jobs in flight are spent already as far as the budget goes: their expected cost is committed
  const spent = spentOf(study) + (study.pending ?? []).reduce((t, j) => t + cost.seconds(j.model, j.n), 0);
  const budgetLeft = (o.budget ?? Infinity) - spent;
  const pending = study.pending?.length ?? 0;
  const halt = (reason: string, intervals: ModelInterval[], scores: Score[] = []): Decision =>
    pending
      ? { action: 'wait', reason: `${reason}; waiting for ${pending} job(s) in flight, which may change it`, intervals, scores }
      : { action: 'stop', reason, intervals, scores };

  const rung = ladderJob(study, o, cost);
  if (rung && rung.action === 'train') {
    if (rung.cost <= budgetLeft) return rung;
    return halt(`budget: the ladder's next job (${rung.job.model} at ${pct(rung.job.fraction)}, ${secondsText(rung.cost)}) ${budgetLeft > 0 ? `does not fit in the ${secondsText(budgetLeft)} remaining` : `does not fit: the budget is spent (${secondsText(-budgetLeft)} over it)`}`, []);
  }
  const fit = study.models.filter((m) => pointsOf(study.runs, m.model).length >= FEWEST_TO_CHOOSE);
  if (fit.length < study.models.length) {
    if (!pending) return halt(`the grid has ${study.sizes.length} size${study.sizes.length === 1 ? '' : 's'}; the study needs ${FEWEST_TO_CHOOSE} to choose from a curve`, []);
    return { action: 'wait', reason: `the ladder's jobs in flight must return before ${study.models.length - fit.length} model(s) can be fitted`, intervals: [], scores: [] };
  }

  const states = await Promise.all(fit.map((m) => modelState(study, m.model, m.depth, o)));
  const intervals = states.map((s) => s.now);
  const probe = states.map((s) => searchJob(study, s, cost)).filter((d): d is SearchJob => d !== null).reduce<SearchJob | null>((a, b) => (!a || b.cost < a.cost ? b : a), null);
  if (probe && probe.cost <= budgetLeft) {
    return { action: 'train', job: probe.job, kind: 'size', cost: probe.cost, reason: probe.reason, intervals, scores: [] };
  }
  const all = states
    .filter((s) => s.now.excess > 0)
    .flatMap((s) => candidates(study, s.model, cost, o, focusOf(s.now, study.nFull)).filter((c) => !s.now.measured || (c.kind === 'seed' && c.n === study.nFull)).map((c) => ({ c, s })));
  const within = all.filter(({ c }) => c.cost <= budgetLeft);
  const overBudget = all.filter(({ c }) => c.cost > budgetLeft);
  const base = { intervals, spent, budget: o.budget, candidates: within.length, overBudget: overBudget.length, cheapestOverBudget: Math.min(...overBudget.map(({ c }) => c.cost)) };
  const early = stopReason(base);
  if (early) return halt(early, intervals);

  // the alternative to choosing on: train every size left, which gives about the floor
  const restCost = states.reduce((t, s) => t + study.sizes.filter((sz) => !s.points.some((p) => p.n === sz.n)).reduce((u, sz) => u + cost.seconds(s.model, sz.n), 0), 0);
  const rate = intervals.reduce((t, m) => t + m.excess, 0) / restCost;
  const floor = o.minNarrowing ?? DEFAULTS.minNarrowing;
  const scores: Score[] = [];
  for (const { c, s } of within) {
    const after = withFloor(await assessModel(withFantasy(s.points, c, s.now.answer.fit.mean), s.model, s.depth, study.nFull, o), s.now.floor!, o.gridSlack);
    // the whole narrowing counts, also below the aim: the aim says when to stop, not which job tells most
    const narrowing = s.now.spread - after.spread;
    const { model, fraction, n, repeat } = c;
    scores.push({
      job: { model, fraction, n, repeat }, kind: c.kind, cost: c.cost, before: s.now.spread, after: after.spread, narrowing, perSecond: narrowing / c.cost,
      worth: narrowing > 0 && narrowing >= floor * s.now.tolerance && Math.min(narrowing, s.now.excess) / c.cost >= rate,
      // for the Dice at 100%, only the job at 100% answers it outright: one short of it answers the interval, not the question
      finishes: narrowing > 0 && after.excess === 0 && (s.now.question !== 'dice' || c.n === study.nFull),
      reason: reasonOf(c, s.now, after, o.targetDice),
    });
  }
  const best = (xs: Score[]) => xs.reduce((a, b) => (b.perSecond > a.perSecond ? b : a));
  // a job that answers its model outright costs less than any path of cheaper steps that still
  // ends with such a job: where one exists, the cheapest of them goes first
  const finishers = scores.filter((x) => x.finishes);
  if (finishers.length) {
    const f = finishers.reduce((a, b) => (b.cost < a.cost ? b : a));
    return { action: 'train', job: f.job, kind: f.kind, cost: f.cost, reason: `${f.reason}, which is expected to answer ${f.job.model} in one job`, intervals, scores };
  }
  // For the Dice at 100%, only the job at 100% answers it outright. Where no other job would bring
  // a model within the aim and that job narrows the model's interval most, every path to the answer
  // goes through it: it goes first, and what it shows decides whether anything else is needed
  // (a greedy rate would first buy the cheaper mid-size job that the job at 100% makes moot).
  const unavoidable = scores.filter((x) => {
    if (!x.worth || x.kind !== 'size' || x.job.n !== study.nFull) return false;
    const mine = scores.filter((y) => y.job.model === x.job.model);
    return mine.every((y) => y.narrowing <= x.narrowing) && intervals.find((m) => m.model === x.job.model)?.question === 'dice';
  });
  if (unavoidable.length) {
    const u = best(unavoidable);
    return { action: 'train', job: u.job, kind: u.kind, cost: u.cost, reason: `${u.reason}; every way to the answer trains it, so it goes first`, intervals, scores };
  }
  const worth = scores.filter((x) => x.worth);
  // For the Dice at 100%, a model not yet trained there is measured before the study stops on
  // diminishing returns (see `atFull`): the cheapest such job at 100%, where one fits the budget.
  const measure = worth.length ? [] : scores.filter((x) => x.kind === 'size' && x.job.n === study.nFull && states.some((s) => s.model === x.job.model && s.now.question === 'dice' && s.now.excess > 0 && !s.now.measured));
  if (measure.length) {
    const m = measure.reduce((a, b) => (b.cost < a.cost ? b : a));
    const now = intervals.find((i) => i.model === m.job.model)!;
    const reason = `${m.job.model} at 100%: no job narrows its answer at a worthwhile rate, but the Dice at 100% is measured only by training it; ` +
      `from the sizes trained the answer is ${spreadText(now)} wide where ${narrowingText(now.tolerance, 'dice')} is asked; ${secondsText(m.cost)}`;
    return { action: 'train', job: m.job, kind: m.kind, cost: m.cost, reason, intervals, scores };
  }
  if (!worth.length) {
    const top = best(scores);
    return halt(stopReason({ ...base, best: { job: jobText({ ...top.job, kind: top.kind }), narrowing: top.narrowing, cost: top.cost, restCost } })!, intervals, scores);
  }
  const chosen = best(worth);
  return { action: 'train', job: chosen.job, kind: chosen.kind, cost: chosen.cost, reason: chosen.reason, intervals, scores };
}

/** A wave of up to `count` jobs for idle workers: each chosen with the ones before it in flight. */
export async function nextJobs(study: Study, count: number, o: StrategyOptions = {}): Promise<Decision[]> {
  const out: Decision[] = [];
  let s = study;
  while (out.length < count) {
    const d = await nextJob(s, o);
    out.push(d);
    if (d.action !== 'train') break;
    s = { ...s, pending: [...(s.pending ?? []), d.job] };
  }
  return out;
}
