import type { Command } from 'commander';
import { UserError } from '../errors';
import { defaultDbPath, openDb } from '../store/db';
import { saveBacktest, saveForecast } from '../store/forecasts';
import { bestModelAt, forecastAt, plateauPoint, targetSize } from '../surrogate/answers';
import { backtest } from '../surrogate/backtest';
import { type Curve, curvesFromStore, readCurveCsv } from '../surrogate/curve';
import { METHODS, type Method, fitSurrogate } from '../surrogate/surrogate';
import { extrapolationTable, paperTable } from '../surrogate/tables';
import { fixed, percent, table } from './format';
import { chooseExperiment, openExisting } from './status';

interface Source {
  curves: Curve[];
  experiment: string | null;
  source: string;
  /** where results are stored; null = not stored */
  store: string | null;
}

/** Curves from --curve FILE.csv or from a stored experiment (--db, --experiment; the only one when omitted). */
function loadCurves(o: { db?: string; experiment?: string; curve?: string }): Source {
  if (o.curve) {
    if (o.experiment) throw new UserError('give either --curve FILE.csv or --experiment NAME, not both');
    return { curves: readCurveCsv(o.curve), experiment: null, source: o.curve, store: o.db ?? null };
  }
  const file = o.db ?? defaultDbPath();
  const db = openExisting(file);
  try {
    const name = chooseExperiment(db, file, o.experiment);
    return { curves: curvesFromStore(db, name, `${file}, experiment '${name}'`), experiment: name, source: file, store: file };
  } finally {
    db.close();
  }
}

function number(name: string, lo: number, hi: number, loOpen = false) {
  return (raw: string) => {
    const v = Number(raw);
    if (!Number.isFinite(v) || v > hi || v < lo || (loOpen && v === lo)) throw new UserError(`${name} must be a number in ${loOpen ? '(' : '['}${lo}, ${hi}] (got '${raw}')`);
    return v;
  };
}

function method(raw: string): Method {
  if (!(METHODS as readonly string[]).includes(raw)) throw new UserError(`--method: unknown '${raw}' (one of ${METHODS.join(', ')})`);
  return raw as Method;
}

export function registerForecast(program: Command): void {
  program
    .command('forecast')
    .description('forecast Dice at every n of the curve with 80%/95% intervals, the n for a target Dice, and the plateau point')
    .option('--db <file>', 'SQLite store (default .plateau/plateau.db); with --curve, where to store the forecast')
    .option('--experiment <name>', 'stored experiment (default: the only one)')
    .option('--curve <file>', 'CSV with columns n,dice[,model] instead of a store')
    .option('--observed-up-to <f>', 'fit only points with n ≤ f·max(n)', number('--observed-up-to', 0, 1, true), 1)
    .option('--target-dice <d>', 'how many images to reach this Dice', number('--target-dice', 0, 1))
    .option('--method <m>', `surrogate: ${METHODS.join(' | ')}`, method, 'ensemble' as Method)
    .option('--plateau-threshold <d>', 'diminishing returns: another step adds less than this Dice', number('--plateau-threshold', 0, 1, true), 0.005)
    .option('--plateau-step <f>', 'the step, as a fraction of the full data set', number('--plateau-step', 0, 10, true), 0.1)
    .option('--bootstrap <B>', 'bootstrap replicates for parametric intervals', number('--bootstrap', 0, 100000), 200)
    .option('--seed <s>', 'seed for LSTM initialisers and the bootstrap', number('--seed', 0, 2 ** 31), 0)
    .option('--json', 'machine-readable output')
    .action(async (o) => {
      const src = loadCurves(o);
      const res = await fitSurrogate(src.curves, o.method, { observedUpTo: o.observedUpTo, bootstrap: Math.round(o.bootstrap), seed: o.seed });
      if (!res.fits.length) {
        throw new UserError(`${src.source}: ${o.method} could not be fitted with points up to ${percent(o.observedUpTo)}: ${res.skipped.map((s) => `${s.model}: ${s.reason}`).join('; ')}`);
      }
      const per = res.fits.map((fit) => {
        const c = src.curves.find((k) => k.model === fit.model)!;
        return {
          fit,
          forecasts: forecastAt(fit, c.n),
          target: o.targetDice === undefined ? null : targetSize(fit, o.targetDice),
          plateau: plateauPoint(fit, o.plateauThreshold, o.plateauStep),
        };
      });
      const nRef = Math.max(...res.fits.map((f) => f.nRef));
      // the recommended model: the best forecast at the full data set
      const best = per.reduce((a, b) => (b.fit.mean(nRef) > a.fit.mean(nRef) ? b : a));
      const choice = res.fits.length > 1 ? bestModelAt(res.fits, [0.25, 0.5, 1, 2].map((f) => f * nRef)) : [];
      if (src.store) {
        const db = openDb(src.store);
        try {
          saveForecast(db, { experiment: src.experiment, source: src.source, observedUpTo: o.observedUpTo, backend: res.backend }, per);
        } finally {
          db.close();
        }
      }
      const target = (t: (typeof per)[number]['target']) => t && { model: t.model, dice: t.dice, n: t.n, fraction: t.fraction, lo: t.lo, hi: t.hi, reachable: t.reachable, reason: t.reason };
      if (o.json) {
        console.log(JSON.stringify({
          method: o.method, backend: res.backend, observed_up_to: o.observedUpTo,
          forecasts: per.flatMap((p) => p.forecasts),
          target: target(best.target),
          plateau: { model: best.plateau.model, n: best.plateau.n, fraction: best.plateau.fraction, threshold: best.plateau.threshold, step: best.plateau.step },
          models: per.map((p) => ({ model: p.fit.model, detail: p.fit.detail, params: p.fit.params, aic: p.fit.aic, asymptote: p.fit.asymptote, target: target(p.target), plateau: p.plateau })),
          choice: choice.map((c) => ({ ...c, fraction: c.n / nRef })),
          skipped: res.skipped,
          stored: src.store,
        }, null, 2));
        return;
      }
      console.log(`${o.method}${res.backend ? ` (tfjs ${res.backend})` : ''}, fitted on n ≤ ${percent(o.observedUpTo)} of each curve`);
      for (const p of per) console.log(`  ${p.fit.model}: ${p.fit.detail}${p.fit.asymptote !== null ? `; asymptote ${fixed(p.fit.asymptote)}` : ''}`);
      console.log();
      console.log(table(['model', 'n', 'fraction', 'seen', 'dice', '80% lo', '80% hi', '95% lo', '95% hi'],
        per.flatMap((p) => p.forecasts.map((f) => [f.model, f.n, percent(f.fraction), f.n <= p.fit.observedMaxN ? 'yes' : 'no', fixed(f.dice), fixed(f.lo80), fixed(f.hi80), fixed(f.lo95), fixed(f.hi95)]))));
      console.log();
      for (const p of per) {
        const t = p.target;
        if (t) {
          console.log(t.reachable
            ? `${t.model}: Dice ${t.dice} at n ≈ ${Math.round(t.n!)} (${percent(t.fraction!)}), 95% interval ${t.lo === null ? '?' : Math.round(t.lo)}–${t.hi === null ? 'beyond the search range' : Math.round(t.hi)}`
            : `${t.model}: Dice ${t.dice} ${t.reason}`);
        }
        const q = p.plateau;
        console.log(q.n === null
          ? `${q.model}: no plateau within 3× the data set (another ${percent(q.step)} still adds ≥ ${q.threshold})`
          : `${q.model}: plateau at n ≈ ${Math.round(q.n)} (${percent(q.fraction!)}): beyond it another ${percent(q.step)} of data adds < ${q.threshold} Dice`);
      }
      if (choice.length) {
        console.log();
        console.log(table(['data budget n', 'fraction', 'best model', 'dice', '95% lo', '95% hi'], choice.map((c) => [Math.round(c.n), percent(c.n / nRef), c.model, fixed(c.dice), fixed(c.lo95), fixed(c.hi95)])));
      }
      for (const s of res.skipped) console.log(`skipped ${s.model}: ${s.reason}`);
      if (src.store) console.log(`stored in ${src.store} (forecast_fits, forecast_points, forecast_answers)`);
    });

  program
    .command('backtest')
    .description("the paper's in-sample LSTM protocol (Tables 2–3 layout) and extrapolation from the first 10/20/30/50%, every surrogate")
    .option('--db <file>', 'SQLite store (default .plateau/plateau.db); with --curve, where to store the results')
    .option('--experiment <name>', 'stored experiment (default: the only one)')
    .option('--curve <file>', 'CSV with columns n,dice[,model] instead of a store')
    .option('--seed <s>', 'seed for LSTM initialisers', number('--seed', 0, 2 ** 31), 0)
    .option('--json', 'machine-readable output')
    .action(async (o) => {
      const src = loadCurves(o);
      const r = await backtest(src.curves, { seed: o.seed });
      if (src.store) {
        const db = openDb(src.store);
        try {
          saveBacktest(db, { experiment: src.experiment, source: src.source }, r);
        } finally {
          db.close();
        }
      }
      if (o.json) {
        console.log(JSON.stringify({ ...r, stored: src.store }, null, 2));
        return;
      }
      console.log(`(a) the paper's protocol, in-sample: MAE by depth and variant (warm-up 3 points; tfjs ${r.backend})`);
      console.log(paperTable(r.paper));
      console.log();
      console.log('(b) extrapolation: fitted on n ≤ f0·max(n), MAE at 100% and over all unseen points');
      console.log(extrapolationTable(r.extrapolation));
      console.log();
      console.log(`${src.curves.length} curve(s), ${r.seconds.toFixed(1)} s${src.store ? `; stored in ${src.store} (forecast_backtests)` : ''}`);
    });
}
