import { describe, expect, it } from 'vitest';
import { nextJob } from '../../../ts/strategy/choose';
import type { ModelInterval } from '../../../ts/strategy/interval';
import { type StopState, stopReason } from '../../../ts/strategy/stop';
import type { ModelAnswer } from '../../../ts/surrogate/engine';
import { SIZES, pow3, runsOf, study } from './worlds';

const dice = (model: string, spread: number, aim = 0.02, floor: number | null = null): ModelInterval => ({
  model, question: 'dice', status: 'forecast', value: 0.8, lo: 0.8 - spread / 2, hi: 0.8 + spread / 2, openBelow: false, spread,
  excess: Math.max(0, spread - aim), tolerance: 0.02, floor, aim, answer: {} as ModelAnswer,
});
const state = (over: Partial<StopState>): StopState => ({ intervals: [dice('a', 0.05)], spent: 10, candidates: 3, overBudget: 0, ...over });

describe('stopReason says why', () => {
  it('answered: every interval within the precision asked', () => {
    expect(stopReason(state({ intervals: [dice('a', 0.015), dice('b', 0.02)] }))).toMatch(/^answered: every model's 95% interval is within the precision asked \(a 0\.015, b 0\.020\)/);
  });

  it('answered as precisely as the grid allows, naming the full grid\'s spread', () => {
    const r = stopReason(state({ intervals: [dice('a', 0.03, 0.035, 0.028)] }));
    expect(r).toMatch(/^answered as precisely as the grid allows/);
    expect(r).toMatch(/out of the grid's reach for a \(full grid 0\.0280\)/);
  });

  it('the budget: spent, or no job left fits in it', () => {
    expect(stopReason(state({ spent: 120, budget: 100 }))).toBe('budget spent: 120 s of 100 s');
    expect(stopReason(state({ budget: 30, candidates: 0, overBudget: 2, cheapestOverBudget: 45 }))).toBe('budget: no job left fits in the 20 s remaining (the cheapest would take ~45 s)');
  });

  it('no candidates, and diminishing returns', () => {
    expect(stopReason(state({ candidates: 0 }))).toMatch(/^no candidates remain/);
    expect(stopReason(state({ best: { job: 'a at 100%', narrowing: 0.001, cost: 50, restCost: 200 } }))).toMatch(/^diminishing returns: the best job left \(a at 100%\) would narrow the answer by 0\.0010 for 50 s/);
    expect(stopReason(state({ best: { job: 'a at 100%', narrowing: -0.01, cost: 50, restCost: 200 } }))).toMatch(/^diminishing returns: no job is expected to narrow the answer/);
  });

  it('a target interval open above reads as such, not as a factor of thousands', () => {
    const open: ModelInterval = {
      model: 'a', question: 'target', status: 'observed', value: 200, lo: 150, hi: null, openBelow: false, spread: Math.log(360_000 / 150),
      excess: Math.log(360_000 / 150) - Math.log(1.25), tolerance: Math.log(1.25), floor: null, aim: Math.log(1.25), answer: {} as ModelAnswer,
    };
    const r = stopReason(state({ intervals: [open], best: { job: 'a at 50%', narrowing: Math.log(1.1), cost: 10, restCost: 500 } }))!;
    expect(r).toBe('diminishing returns: the best job left (a at 50%) would narrow the answer by ×1.100 for 10 s; at that rate the excess over what is aimed at (more than ×1,000) would cost more than training every size left (500 s)');
    expect(stopReason(state({ intervals: [open], best: { job: 'a at 50%', narrowing: 0, cost: 10, restCost: 500 } }))).toBe('diminishing returns: no job is expected to narrow the answer (a open above)');
  });

  it('no reason while there is work to do', () => {
    expect(stopReason(state({}))).toBeNull();
    expect(stopReason(state({ budget: 1000 }))).toBeNull();
  });
});

describe('nextJob stops, or waits for jobs in flight', () => {
  const LADDER = [0.05, 0.1, 0.2, 0.4];
  const s = study(['a'], runsOf('a', pow3(0.9, 0.08, 0.6), LADDER));

  it('stops answered when the precision asked is loose', async () => {
    const d = await nextJob(s, { ladder: LADDER, precision: 0.5 });
    expect(d.action).toBe('stop');
    expect(d.reason).toMatch(/^answered/);
  });

  it('stops on the budget, and waits instead while a job is in flight', async () => {
    const spent = s.runs.reduce((t, r) => t + r.seconds!, 0);
    const d = await nextJob(s, { ladder: LADDER, budget: spent + 0.01 });
    expect(d.action).toBe('stop');
    expect(d.reason).toMatch(/^budget: no job left fits/);
    const w = await nextJob({ ...s, pending: [{ model: 'a', ...SIZES[19], repeat: 0 }] }, { ladder: LADDER, budget: spent + 0.01 });
    expect(w.action).toBe('wait');
    expect(w.reason).toMatch(/waiting for 1 job\(s\) in flight/);
  });

  it('stops when every size is trained and no more seeds are allowed', async () => {
    const all = study(['a'], runsOf('a', pow3(0.9, 0.08, 0.6), SIZES.map((x) => x.fraction)));
    const d = await nextJob(all, { maxRepeats: 1 });
    expect(d.action).toBe('stop');
    expect(d.reason).toMatch(/^(no candidates remain|answered)/);
  });
});
