import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { calibration, useCalibration } from '../../../ts/surrogate/calibration';
import { nextJob, nextJobs } from '../../../ts/strategy/choose';
import { combined, intervalLine } from '../../../ts/strategy/interval';
import { ladder } from '../../../ts/strategy/ladder';
import { answerLines } from '../../../ts/surrogate/engine';
import { SIZES, pow3, runsOf, study } from './worlds';

// the studies below were trained on this ladder (not the default): they ask what comes after it
const LADDER = [0.05, 0.1, 0.2, 0.4];
const curve = pow3(0.9, 0.08, 0.6);

describe('nextJob', () => {
  // The runs here are exact points of a pow3 curve, smoother than any run: the choice is tested on the
  // band as learnt, without the corpus's single-run noise that a short grid of single runs is given
  // (band.ts: singleRunSd, calibration.sigmaRun), which these runs do not have.
  beforeAll(() => useCalibration({ ...calibration(), sigmaRun: undefined }));
  afterAll(() => useCalibration(null));

  it('trains the starting ladder first, every model at a rung before any at the next', async () => {
    const ds = await nextJobs(study(['a', 'b'], []), 5);
    expect(ds.map((d) => d.action)).toEqual(['train', 'train', 'train', 'train', 'train']);
    // the default ladder on a 5%-step grid: 5, 10, 15, 20%
    expect(ds.map((d) => (d.action === 'train' ? `${d.job.model}@${d.job.fraction}` : ''))).toEqual(['a@0.05', 'b@0.05', 'a@0.1', 'b@0.1', 'a@0.15']);
    for (const d of ds) expect(d.action === 'train' && d.kind === 'ladder' && /starting ladder/.test(d.reason)).toBe(true);
  });

  it('a grid of one size stops once it is trained: the engine answers one size, but the study chooses from a curve of 2 or more', async () => {
    const one = [{ fraction: 0.5, n: 200 }];
    const d = await nextJob(study(['a'], runsOf('a', curve, [0.5]), { sizes: one }));
    expect(d.action).toBe('stop');
    expect(d.reason).toBe('the grid has 1 size; the study needs 2 to choose from a curve');
  });

  it('on a pow3 curve observed to 40%, training 100% narrows the Dice-at-100% interval more than 45% does', async () => {
    const d = await nextJob(study(['a'], runsOf('a', curve, LADDER)), { ladder: LADDER, maxCandidates: 20 });
    const at = (f: number) => d.scores.find((s) => s.kind === 'size' && Math.abs(s.job.fraction - f) < 1e-9)!;
    expect(at(1).narrowing).toBeGreaterThan(at(0.45).narrowing);
    expect(at(0.45).narrowing).toBeGreaterThan(0);
    // a fantasy at the forecast narrows the interval: the spread after is below the spread now
    for (const s of d.scores) expect(s.after).toBeLessThanOrEqual(s.before + 1e-9);
  });

  it('prefers the job that narrows more per second: the same curve on a model 100× dearer loses', async () => {
    const runs = [...runsOf('dear', curve, LADDER, 1), ...runsOf('cheap', curve, LADDER, 0.01)];
    const d = await nextJob(study(['dear', 'cheap'], runs), { ladder: LADDER });
    expect(d.action).toBe('train');
    if (d.action !== 'train') return;
    expect(d.job.model).toBe('cheap');
    // identical curves narrow alike; only the cost told them apart
    const same = (m: string) => d.scores.find((s) => s.job.model === m && s.job.n === d.job.n)!;
    expect(same('dear').narrowing).toBeCloseTo(same('cheap').narrowing, 9);
    expect(same('dear').cost).toBeCloseTo(100 * same('cheap').cost, 6);
    const chosen = same('cheap');
    for (const s of d.scores.filter((x) => x.worth)) expect(chosen.perSecond).toBeGreaterThanOrEqual(s.perSecond);
    const m = /narrows the Dice-at-100% interval from ([\d.]+) to ([\d.]+) for ~[\d.,]+ s(, which is expected to answer cheap in one job)?$/.exec(d.reason);
    expect(m).not.toBeNull();
    expect(Number(m![2])).toBeLessThan(Number(m![1]));
  });

  it('where the job at 100% would answer the Dice at 100% outright, trains it rather than cheaper steps that still leave it to do', async () => {
    const d = await nextJob(study(['a'], runsOf('a', curve, LADDER)), { ladder: LADDER, maxCandidates: 20, precision: 0.03 });
    expect(d.action).toBe('train');
    if (d.action !== 'train') return;
    // only the job at 100% answers the Dice at 100% outright (90% and 95% narrow the interval as far, but forecast it)
    const finishers = d.scores.filter((s) => s.finishes);
    expect(finishers.map((s) => s.job.fraction)).toEqual([1]);
    expect(d.job.fraction).toBe(1);
    expect(d.scores.some((s) => s.job.fraction < 1 && s.after <= finishers[0].after + 0.04)).toBe(true);
    expect(d.reason).toMatch(/, which is expected to answer a in one job$/);
  });

  it('for the Dice at 100%, trains 100% first where no other job answers it and it narrows most, though mid-size jobs narrow more per second', async () => {
    // an LCDB-like grid, 16·2^(k/2) up to 4096, cost ∝ n; the default ladder's points scatter by ±0.005
    const N = 4096;
    const sizes = [...Array.from({ length: 24 }, (_, k) => Math.round(16 * 2 ** (k / 2))).filter((n) => n < N), N].map((n) => ({ n, fraction: n / N }));
    const f = (n: number) => 0.85 - 0.2 * (n / N) ** -0.3;
    const runs = ladder(sizes).map((s, i) => ({ model: 'a', n: s.n, dice: f(s.n) + (i % 2 ? 0.005 : -0.005), seconds: 0.01 * s.n, epochs: 1 }));
    const d = await nextJob({ models: [{ model: 'a', depth: null }], sizes, nFull: N, runs }, { maxCandidates: 20 });
    expect(d.action).toBe('train');
    if (d.action !== 'train') return;
    expect(d.job.n).toBe(N);
    expect(d.reason).toMatch(/; every way to the answer trains it, so it goes first$/);
    const full = d.scores.find((s) => s.job.n === N)!;
    expect(full.finishes).toBe(false);
    expect(d.scores.every((s) => s.narrowing <= full.narrowing)).toBe(true);
    // what a greedy rate would have bought first, and then 100% anyway
    expect(d.scores.filter((s) => s.job.n < N && s.perSecond > full.perSecond).length).toBeGreaterThan(0);
  });

  it('for the Dice at 100%, measures 100% before it stops on diminishing returns: an erratic curve no job narrows at a worthwhile rate', async () => {
    // an LCDB-like grid, cost ∝ n; the ladder's runs alternate 0.5 / 0.7, a band as wide as the full grid's would give
    const N = 4096;
    const sizes = [...Array.from({ length: 24 }, (_, k) => Math.round(16 * 2 ** (k / 2))).filter((n) => n < N), N].map((n) => ({ n, fraction: n / N }));
    const runs = ladder(sizes).map((s, i) => ({ model: 'a', n: s.n, dice: 0.6 + (i % 2 ? 0.1 : -0.1), seconds: 0.01 * s.n, epochs: 1 }));
    const d = await nextJob({ models: [{ model: 'a', depth: null }], sizes, nFull: N, runs });
    expect(d.action).toBe('train');
    if (d.action !== 'train') return;
    expect(d.job.n).toBe(N);
    expect(d.scores.some((s) => s.worth)).toBe(false);
    expect(d.reason).toMatch(/^a at 100%: no job narrows its answer at a worthwhile rate, but the Dice at 100% is measured only by training it; from the sizes trained the answer is 0\.\d{3} wide where 0\.0200 is asked; ~41 s$/);
    // not yet "as precisely as the grid allows": until 100% is trained only the precision asked answers it
    const [m] = d.intervals;
    expect(m.aim).toBe(m.tolerance);
    expect(1.25 * m.floor!).toBeGreaterThan(m.tolerance);
    // with 100% trained, the full grid's spread is aimed at again, and only another seed at 100% is offered:
    // the other sizes would narrow the band by giving the fit more points, not by observing 100% again
    const measuredStudy = { models: [{ model: 'a', depth: null }], sizes, nFull: N, runs: [...runs, { model: 'a', n: N, dice: 0.6, seconds: 0.01 * N, epochs: 1 }] };
    const after = await nextJob(measuredStudy);
    expect(after.intervals[0].aim).toBeCloseTo(Math.max(after.intervals[0].tolerance, 1.25 * after.intervals[0].floor!), 12);
    expect(after.scores.length).toBeGreaterThan(0);
    for (const s of after.scores) expect([s.kind, s.job.n, s.job.repeat]).toEqual(['seed', N, 1]);
    // a fantasy seed at the forecast does not narrow this band: the stop says what was offered
    expect(after.action).toBe('stop');
    expect(after.reason).toMatch(/^diminishing returns: the Dice at 100% is measured, and another seed there is not expected to narrow the answer \(a 0\.\d{3}\); the other sizes would narrow it by giving the fit more points, not by observing 100% again$/);
    // with one seed a size allowed, the model is answered, and the stop and its line say why, not "as precisely as the grid allows"
    const single = await nextJob(measuredStudy, { maxRepeats: 1 });
    expect(single.action).toBe('stop');
    const [m1] = single.intervals;
    expect(m1.measured).toBe(true);
    expect(m1.excess).toBe(0);
    expect(m1.spread).toBeGreaterThan(m1.aim);
    expect(single.reason).toMatch(/^answered: the Dice at 100% is measured for a, with as many seeds as allowed there \(a 0\.\d{3}\); the other sizes would narrow its interval by giving the fit more points, not by observing 100% again$/);
    expect(intervalLine(m1)).toMatch(/^a: Dice at 100% 0\.\d{4} \[0\.\d{3}, 0\.\d{3}\] \(measured at 100%, with as many seeds as allowed there; 0\.\d{3} wide, asked 0\.020; the full grid would give 0\.\d{3}\)$/);
  });

  it('for a target reached between two trained sizes, trains a size between them', async () => {
    const target = curve(0.3 * 400); // reached between 20% and 40%
    const d = await nextJob(study(['a'], runsOf('a', curve, LADDER)), { ladder: LADDER, targetDice: target });
    expect(d.intervals[0].status).toBe('observed');
    expect(Math.exp(d.intervals[0].spread)).toBeCloseTo(2, 9);
    expect(d.action).toBe('train');
    if (d.action !== 'train') return;
    expect(d.job.fraction).toBeGreaterThan(0.2);
    expect(d.job.fraction).toBeLessThan(0.4);
    // the target worked out from the curve, to 6 significant digits
    expect(d.reason).toMatch(new RegExp(`the interval of the n for Dice ${target.toPrecision(6).replace(/0+$/, '').replace('.', '\\.')} from ×2\\.00 to ×`));
  });

  it('for a target the forecast does not reach but the points allow within the grid, observes halfway in ln n to 100% (a bisection)', async () => {
    const runs = runsOf('a', curve, LADDER);
    const target = Number(curve(0.95 * 400).toFixed(4));
    const d = await nextJob(study(['a'], runs), { ladder: LADDER, targetDice: target });
    expect(d.intervals[0].status).toBe('undetermined');
    expect(d.intervals[0].lo!).toBeLessThanOrEqual(400);
    expect(d.action).toBe('train');
    if (d.action !== 'train') return;
    // halfway in ln n from where the model stands (its largest size, or the range's start if above) to 100%
    const halfway = (from: number, taken: number[]) => {
      const mid = Math.sqrt(from * 400);
      const open = SIZES.filter((g) => g.n > from && !taken.includes(g.n));
      return open.reduce((a, b) => (Math.abs(Math.log(b.n / mid)) < Math.abs(Math.log(a.n / mid)) ? b : a)).n;
    };
    const from = Math.max(d.intervals[0].lo!, 160);
    expect(d.job.n).toBe(halfway(from, runs.map((r) => r.n)));
    expect(d.job.fraction).toBeGreaterThan(0.4);
    expect(d.job.fraction).toBeLessThan(1);
    expect(d.reason).toMatch(new RegExp(`^a at ${Math.round(d.job.fraction * 100)}%: the forecast does not reach Dice ${target}, but the points allow it from n ≈ \\d+ on; this size, halfway in ln n from n = ${Math.round(from)} \\((the largest size the model has|where the points allow it)\\) to 100%, shows whether the grid reaches it`));
    // with that job in flight (its fantasy still short of the target), the next halves what is left above it
    const next = await nextJob({ ...study(['a'], runs), pending: [d.job] }, { ladder: LADDER, targetDice: target });
    expect(next.action).toBe('train');
    if (next.action !== 'train') return;
    expect(next.job.n).toBeGreaterThan(d.job.n);
    const from2 = Number(/halfway in ln n from n = (\d+) \(/.exec(next.reason)![1]);
    expect(from2).toBeGreaterThanOrEqual(d.job.n);
    expect(next.job.n).toBe(halfway(from2, [...runs.map((r) => r.n), d.job.n]));
  });

  it('never asks twice for a job in flight: a wave holds distinct jobs', async () => {
    const s = study(['a', 'b'], [...runsOf('a', curve, LADDER), ...runsOf('b', pow3(0.85, 0.1, 0.5), LADDER)]);
    const wave = await nextJobs(s, 3, { ladder: LADDER });
    const jobs = wave.filter((d) => d.action === 'train').map((d) => (d.action === 'train' ? `${d.job.model}@${d.job.n}#${d.job.repeat}` : ''));
    expect(jobs.length).toBeGreaterThanOrEqual(2);
    expect(new Set(jobs).size).toBe(jobs.length);
    const first = wave[0];
    if (first.action !== 'train') throw new Error('expected a job');
    const again = await nextJob({ ...s, pending: [first.job] }, { ladder: LADDER });
    expect(again.action === 'train' && `${again.job.model}@${again.job.n}#${again.job.repeat}`).not.toBe(jobs[0]);
  });

  it('the answer as it stands prints like a grid\'s: one line per model, and the engine\'s lines', async () => {
    const d = await nextJob(study(['a', 'b'], [...runsOf('a', curve, LADDER), ...runsOf('b', pow3(0.85, 0.1, 0.5), LADDER)]), { ladder: LADDER });
    expect(d.intervals.map((m) => m.model)).toEqual(['a', 'b']);
    for (const m of d.intervals) expect(intervalLine(m)).toMatch(new RegExp(`^${m.model}: Dice at 100% 0\\.\\d{4} \\[0\\.\\d{3}, [01]\\.\\d{3}\\] \\(`));
    const lines = answerLines(combined(d.intervals, {})!);
    expect(lines.filter((l) => /^(a|b): ensemble/.test(l))).toHaveLength(2);
    expect(lines.some((l) => l.startsWith('best model:'))).toBe(true);
  });
});
