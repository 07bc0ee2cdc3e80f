import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { UserError } from '../../../ts/errors';
import { openDb } from '../../../ts/store/db';
import { forecastFits, saveForecast } from '../../../ts/store/forecasts';
import { forecastAt } from '../../../ts/surrogate/answers';
import { readCurveCsv } from '../../../ts/surrogate/curve';
import { fitSurrogate } from '../../../ts/surrogate/surrogate';
import { cli, tmp } from '../helpers';

const csv = (body: string) => {
  const f = join(tmp('plateau-curve-'), 'curve.csv');
  writeFileSync(f, body);
  return f;
};

/** `plateau forecast --curve FILE --json`, which must succeed: its first model's answer. */
const forecastFirst = async (file: string) => {
  const r = await cli(['forecast', '--curve', file, '--json']);
  expect(r.exitCode, r.stderr).toBe(0);
  return JSON.parse(r.stdout).models[0];
};
// a pow3 curve with a = 0.9, b = 0.1, c = 0.5 in u = n/1000
const pow3Rows = (model?: string) =>
  [100, 200, 300, 400, 500, 600, 700, 800, 900, 1000].map((n) => `${n},${(0.9 - 0.1 * (n / 1000) ** -0.5).toFixed(6)}${model ? `,${model}` : ''}`);

describe('curve input', () => {
  it('reads one curve per model', () => {
    const { curves, notes } = readCurveCsv(csv(['n,dice,model', ...pow3Rows('resunet-d3'), ...pow3Rows('resunet-d4')].join('\n')));
    expect(notes).toEqual([]);
    expect(curves.map((c) => [c.model, c.depth, c.n.length])).toEqual([['resunet-d3', 3, 10], ['resunet-d4', 4, 10]]);
  });

  it('takes rows in any order, and several rows at one n (seeds, folds) as one point with their sd and count', () => {
    const [c] = readCurveCsv(csv('n,dice\n4,0.8\n1,0.5\n2,0.55\n2,0.65\n3,0.7\n2,0.6')).curves;
    expect(c.n).toEqual([1, 2, 3, 4]);
    expect(c.dice.map((d) => +d.toFixed(12))).toEqual([0.5, 0.6, 0.7, 0.8]);
    expect(c.count).toEqual([1, 3, 1, 1]);
    expect(c.sd![0]).toBeNull();
    expect(c.sd![1]).toBeCloseTo(0.05, 12);
    // one row per n: no sd or count, as a store without repeats
    expect(readCurveCsv(csv('n,dice\n1,0.5\n2,0.6\n3,0.7\n4,0.8')).curves[0].count).toBeUndefined();
  });

  it('reads RFC 4180 CSV: a quoted model name may hold a comma, comment and blank lines are skipped, and faults name the line of the file', () => {
    const f = csv(['# exported by hand', 'n,dice,model', '', ...[24, 48, 96].map((n, i) => `${n},${0.7 + 0.05 * i},"unet, 3 levels"`), '\r', '32,0.6,b', '64,0.7,b', '128,0.75,b'].join('\n'));
    expect(readCurveCsv(f).curves.map((c) => [c.model, c.n])).toEqual([['unet, 3 levels', [24, 48, 96]], ['b', [32, 64, 128]]]);
    expect(() => readCurveCsv(csv('# a note\nn,dice\n\n10,0.5\n20,"0.6\n"\n30,x'))).toThrow(/line 7: column 'dice' is not a number \(got 'x'\)/);
    expect(() => readCurveCsv(csv('n,dice\n10,0.5\n20,"0.6'))).toThrow(/line 3: a quoted field is not closed/);
  });

  const bad: [string, string, RegExp][] = [
    ['dice outside [0,1]', 'n,dice\n1,0.5\n2,0.6\n3,1.2\n4,0.8', /line 4: dice must lie in \[0, 1\] \(got 1.2\)/],
    ['n not positive', 'n,dice\n1,0.5\n0,0.6\n3,0.7\n4,0.8', /line 3: n must be a positive number \(got 0\)/],
    ['a missing column', 'n,score\n1,0.5\n2,0.6\n3,0.7\n4,0.8', /missing column 'dice'/],
    ['a non-number', 'n,dice\n1,0.5\n2,x\n3,0.7\n4,0.8', /line 3: column 'dice' is not a number/],
  ];
  for (const [what, body, message] of bad) {
    it(`rejects ${what} with a UserError (code 2) naming the fault`, () => {
      const f = csv(body);
      const run = () => readCurveCsv(f);
      expect(run).toThrow(UserError);
      expect(run).toThrow(message);
      expect(run).toThrow(f);
    });
  }

  it('a model of one size is answered by the default (its analogues alone) and left out by a method that needs more, with why; the file is rejected only when no model is left', async () => {
    const one = (m: string) => [`24,0.70,${m}`, `24,0.72,${m}`];
    const f = csv(['n,dice,model', ...pow3Rows('resunet-d3'), ...one('resunet-d4')].join('\n'));
    const read = readCurveCsv(f);
    // repeats at one n are one point
    expect(read.curves.map((c) => [c.model, c.n.length])).toEqual([['resunet-d3', 10], ['resunet-d4', 1]]);
    expect(read.notes).toEqual([]);
    const r = await cli(['forecast', '--curve', f, '--json']);
    expect(r.exitCode, r.stderr).toBe(0);
    const out = JSON.parse(r.stdout);
    const d4 = out.models.find((m: { model: string }) => m.model === 'resunet-d4');
    expect(d4.composition).toMatch(/^the analogues alone: [\d.]+ × the median gain of 100 real curves at the same level/);
    expect(d4.plateau.status).toBe('undetermined');
    const pow3 = await cli(['forecast', '--curve', f, '--method', 'pow3', '--json']);
    expect(pow3.exitCode, pow3.stderr).toBe(0);
    const p3 = JSON.parse(pow3.stdout);
    expect(p3.models.map((m: { model: string }) => m.model)).toEqual(['resunet-d3']);
    expect(p3.skipped).toEqual([{ model: 'resunet-d4', reason: '1 observed point(s); pow3 needs 3' }]);
    const text = await cli(['forecast', '--curve', f, '--method', 'pow3']);
    expect(text.stdout).toContain('skipped resunet-d4: 1 observed point(s); pow3 needs 3');
    // every model short for the method: one sentence naming each, exit 2
    const none = csv(['n,dice,model', ...one('a'), '48,0.75,b'].join('\n'));
    const bad = await cli(['forecast', '--curve', none, '--method', 'pow3']);
    expect(bad.exitCode).toBe(2);
    expect(bad.stderr.trim()).toBe(`plateau: ${none}: pow3 could not be fitted with points up to 100%: a: 1 observed point(s); pow3 needs 3; b: 1 observed point(s); pow3 needs 3`);
  });

  it('a cut leaving too few points is one sentence saying how many the method needs', async () => {
    const f = csv('n,dice\n24,0.71\n48,0.79\n96,0.827');
    const r = await cli(['forecast', '--curve', f, '--observed-up-to', '0.2']);
    expect(r.exitCode).toBe(2);
    expect(r.stderr.trim()).toBe(`plateau: ${f}: ensemble could not be fitted with points up to 20%: curve: 0 observed point(s); its analogues need at least 1, its families 3`);
    const pow4 = await cli(['forecast', '--curve', f, '--method', 'pow4']);
    expect(pow4.exitCode).toBe(2);
    expect(pow4.stderr.trim()).toBe(`plateau: ${f}: pow4 could not be fitted with points up to 100%: curve: 3 observed point(s); pow4 needs 4`);
  });

  it('the CLI exits 2 on bad input and prints the reason', async () => {
    const r = await cli(['forecast', '--curve', csv('n,dice\n1,0.5\n3,0.6\n2,1.7\n4,0.8'), '--method', 'pow3']);
    expect(r.exitCode).toBe(2);
    expect(r.stderr).toMatch(/plateau: .*line 4: dice must lie in \[0, 1\]/);
  });

  it('a 3-size pilot is answered by forecast, while backtest (3 warm-up points, then scored) says it needs 4 and exits 2', async () => {
    const three = csv('n,dice\n24,0.71\n48,0.79\n72,0.827');
    const m = await forecastFirst(three);
    expect(m.points).toBe(3);
    expect(m.flags).toContain('3 points: the asymptote is weakly pinned');
    const b = await cli(['backtest', '--curve', three]);
    expect(b.exitCode).toBe(2);
    expect(b.stderr.trim()).toBe(`plateau: ${three}: model 'curve' has 3 point(s); the paper's protocol warms up on 3 and scores from the next, so a backtest needs at least 4`);
  });
});

describe('a 2-size pilot through the CLI', () => {
  it('forecast answers it from the analogues and says so; its JSON has the flag and no family', async () => {
    const two = csv('n,dice\n36,0.79\n72,0.827');
    const m = await forecastFirst(two);
    expect(m.points).toBe(2);
    expect(m.composition).toMatch(/^the analogues alone: /);
    expect(m.flags).toContain('2 points: the asymptote is weakly pinned');
    const text = await cli(['forecast', '--curve', two]);
    expect(text.stdout.split('\n')[0]).toBe(`curve: ensemble [${m.composition}]`);
  });
});

describe('forecast command and store', () => {
  it('forecasts a pow3 CSV as JSON: the target n matches the closed form and is stored in one transaction', async () => {
    const dir = tmp('plateau-fc-');
    const db = join(dir, 'p.db');
    const r = await cli(['forecast', '--curve', csv(['n,dice', ...pow3Rows()].join('\n')), '--method', 'pow3', '--target-dice', '0.85', '--observed-up-to', '0.5', '--db', db, '--json']);
    expect(r.exitCode, r.stderr).toBe(0);
    const out = JSON.parse(r.stdout);
    expect(out.forecasts).toHaveLength(10);
    expect(Object.keys(out.forecasts[0]).sort()).toEqual(['dice', 'fraction', 'hi80', 'hi95', 'lo80', 'lo95', 'method', 'model', 'n'].sort());
    // exact data (to the CSV's 6 decimals): the fit from the first half recovers the curve, so
    // n = 1000·((0.9 − 0.85)/0.1)^(−1/0.5), four times the data set. The fit is a MAP estimate
    // under the corpus prior on the exponent (noise sd taken as the corpus's 0.0086), which moves
    // a target 8× past the data by a few percent
    const closed = 1000 * ((0.9 - 0.85) / 0.1) ** (-1 / 0.5);
    expect(out.target.reachable).toBe(true);
    expect(Math.abs(out.target.n - closed) / closed).toBeLessThan(0.05);
    expect(out.target.lo).toBeLessThan(closed);
    expect(out.target.hi).toBeGreaterThan(closed);
    for (const f of out.forecasts) {
      expect(f.lo95).toBeLessThanOrEqual(f.lo80);
      expect(f.hi80).toBeLessThanOrEqual(f.hi95);
      expect(f.dice).toBeCloseTo(0.9 - 0.1 * (f.n / 1000) ** -0.5, 3);
    }
    const store = new Database(db, { readonly: true });
    const points = store.prepare('SELECT COUNT(*) AS k FROM forecast_points').get() as { k: number };
    const answer = store.prepare('SELECT target_n FROM forecast_answers').get() as { target_n: number };
    store.close();
    expect(points.k).toBe(10);
    expect(answer.target_n).toBeCloseTo(out.target.n, 9);
  });

  it('a failing save leaves nothing behind', async () => {
    const db = openDb(join(tmp('plateau-fc-'), 'p.db'));
    const curve = readCurveCsv(csv(['n,dice', ...pow3Rows()].join('\n'))).curves;
    const { fits } = await fitSurrogate(curve, 'pow3');
    const forecasts = forecastAt(fits[0], [100, 200, 200]); // the repeated n breaks the primary key on the third row
    expect(() => saveForecast(db, { experiment: null, source: 'x', observedUpTo: 1, backend: null }, [{ fit: fits[0], forecasts, target: null, plateau: null }])).toThrow();
    expect(forecastFits(db)).toEqual([]);
    db.close();
  });
});
