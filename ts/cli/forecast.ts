import type { Command } from 'commander';
import { UserError } from '../errors';
import { defaultDbPath, openDb } from '../store/db';
import type { Curve } from '../surrogate/curve';
import { DEFAULT_METHOD, METHODS, type Method } from '../surrogate/methods';
import { fixed, percent, table } from './format';
import { intIn, numberIn, oneOf, targetDice } from './options';
import { progress } from './progress';
import { chooseExperiment, openExisting } from './status';

interface Source {
  curves: Curve[];
  /** models of a stored experiment left out (too few finished points), with why */
  notes: string[];
  experiment: string | null;
  source: string;
  /** where results are stored; null = not stored */
  store: string | null;
}

/**
 * Curves from --curve FILE.csv or from a stored experiment (--db, --experiment; the only one when
 * omitted). Either way a model with too few points is left out with a note (a store's curves are
 * the ones every view answers from, `answerCurves`); none left is an error.
 */
async function loadCurves(o: { db?: string; experiment?: string; curve?: string }): Promise<Source> {
  const [{ answerCurves, experimentWhere }, { plannedFullN }, { resultRows }, { readCurveCsv }] = await Promise.all([
    import('../report/answer'), import('../store/jobs'), import('../store/results'), import('../surrogate/curve'),
  ]);
  if (o.curve) {
    if (o.experiment) throw new UserError('give either --curve FILE.csv or --experiment NAME, not both');
    return { ...readCurveCsv(o.curve), experiment: null, source: o.curve, store: o.db ?? null };
  }
  const file = o.db ?? defaultDbPath();
  const db = openExisting(file);
  try {
    const name = chooseExperiment(db, file, o.experiment);
    const { curves, notes } = answerCurves(resultRows(db, name), experimentWhere(name), plannedFullN(db, name));
    if (!curves.length) throw new UserError(`${file}: ${notes.join('; ')}`);
    return { curves, notes, experiment: name, source: file, store: file };
  } finally {
    db.close();
  }
}

export function registerForecast(program: Command): void {
  program
    .command('forecast')
    .description('the answer (Dice at 100/150/200% with 95% intervals, the n for a target Dice, the plateau point, the best model per budget), then the forecast at every n of the curve')
    .option('--db <file>', 'SQLite store (default .plateau/plateau.db); with --curve, where to store the forecast')
    .option('--experiment <name>', 'stored experiment (default: the only one)')
    .option('--curve <file>', 'CSV with columns n,dice[,model] instead of a store')
    .option('--observed-up-to <f>', 'fit only points with n ≤ f·max(n)', numberIn('--observed-up-to', 0, 1, true), 1)
    .option('--target-dice <d>', 'how many images to reach this Dice', targetDice)
    .option('--method <m>', `surrogate: ${METHODS.join(' | ')}`, oneOf<Method>('--method', METHODS), DEFAULT_METHOD)
    .option('--plateau-threshold <d>', 'diminishing returns: another step adds less than this Dice', numberIn('--plateau-threshold', 0, 1, true), 0.005)
    .option('--plateau-step <f>', 'the step, as a fraction of the full data set', numberIn('--plateau-step', 0, 10, true), 0.1)
    .option('--seed <s>', 'seed for LSTM initialisers', intIn('--seed', 0, 2 ** 31 - 1), 0)
    .option('--json', 'machine-readable output')
    .action(async (o) => {
      // the engine (tfjs behind the LSTMs) loads here, not when the CLI starts (issue 13)
      const [{ saveForecast }, { forecastAt }, { answer, answerJson }, { experimentLines }] = await Promise.all([
        import('../store/forecasts'), import('../surrogate/answers'), import('../surrogate/engine'), import('../report/answer'),
      ]);
      const src = await loadCurves(o);
      const bar = await progress('forecast', src.curves.length, o);
      const a = await answer(src.curves, {
        method: o.method, targetDice: o.targetDice, observedUpTo: o.observedUpTo, plateauThreshold: o.plateauThreshold, plateauStep: o.plateauStep, seed: o.seed,
        onCurve: (model) => bar.step(`fitted ${model}`),
      }).finally(() => bar.done());
      if (!a.models.length) {
        throw new UserError(`${src.source}: ${o.method} could not be fitted with points up to ${percent(o.observedUpTo)}: ${a.skipped.map((s) => `${s.model}: ${s.reason}`).join('; ')}`);
      }
      // the answer's models, each with the forecast at every n of its curve (the table below the answer)
      const per = a.models.map((m) => ({ fit: m.fit, forecasts: forecastAt(m.fit, src.curves.find((c) => c.model === m.model)!.n), target: m.target, plateau: m.plateau }));
      // the recommended model: the best forecast at the full data set (the only one when there is one)
      const full = Math.max(...a.models.map((m) => m.fit.nRef));
      const top = a.models.find((m) => m.model === a.best.find((b) => Math.abs(b.n / full - 1) < 1e-9)?.model) ?? a.models[0];
      if (src.store) {
        const db = openDb(src.store);
        try {
          saveForecast(db, { experiment: src.experiment, source: src.source, observedUpTo: o.observedUpTo, backend: a.backend }, per);
        } finally {
          db.close();
        }
      }
      if (o.json) {
        console.log(JSON.stringify({
          ...answerJson(a),
          observed_up_to: o.observedUpTo,
          forecasts: per.flatMap((p) => p.forecasts),
          recommended: top.model,
          target: top.target,
          plateau: top.plateau,
          notes: src.notes,
          stored: src.store,
        }, null, 2));
        return;
      }
      // the answer first, as every view prints it
      for (const l of experimentLines({ answer: a, notes: src.notes })) console.log(l);
      console.log();
      console.log(`${o.method}${a.backend ? ` (tfjs ${a.backend})` : ''}, fitted on n ≤ ${percent(o.observedUpTo)} of each curve`);
      for (const p of per) console.log(`  ${p.fit.model}: ${p.fit.detail}${p.fit.asymptote !== null ? `; asymptote ${fixed(p.fit.asymptote)}` : ''}`);
      console.log();
      console.log(table(['model', 'n', 'fraction', 'seen', 'dice', '80% lo', '80% hi', '95% lo', '95% hi'],
        per.flatMap((p) => p.forecasts.map((f) => [f.model, f.n, percent(f.fraction), f.n <= p.fit.observedMaxN ? 'yes' : 'no', fixed(f.dice), fixed(f.lo80), fixed(f.hi80), fixed(f.lo95), fixed(f.hi95)]))));
      if (src.store) {
        console.log();
        console.log(`stored in ${src.store} (forecast_fits, forecast_points, forecast_answers)`);
      }
    });

  program
    .command('backtest')
    .description("the paper's in-sample LSTM protocol (Tables 2–3 layout) and extrapolation from the first 10/20/30/50%, every surrogate")
    .option('--db <file>', 'SQLite store (default .plateau/plateau.db); with --curve, where to store the results')
    .option('--experiment <name>', 'stored experiment (default: the only one)')
    .option('--curve <file>', 'CSV with columns n,dice[,model] instead of a store')
    .option('--seed <s>', 'seed for LSTM initialisers', intIn('--seed', 0, 2 ** 31 - 1), 0)
    .option('--json', 'machine-readable output')
    .action(async (o) => {
      const [{ saveBacktest }, { backtest, backtestFits, backtestable }, { extrapolationTable, paperTable }] = await Promise.all([
        import('../store/forecasts'), import('../surrogate/backtest'), import('../surrogate/tables'),
      ]);
      const loaded = await loadCurves(o);
      const scorable = backtestable(loaded.curves);
      if (!scorable.curves.length) throw new UserError(`${loaded.source}: ${scorable.notes.join('; ')}`);
      const src = { ...loaded, curves: scorable.curves, notes: [...loaded.notes, ...scorable.notes] };
      const bar = await progress('backtest', backtestFits(), o);
      const r = await backtest(src.curves, { seed: o.seed, onFit: (what) => bar.step(what) }).finally(() => bar.done());
      if (src.store) {
        const db = openDb(src.store);
        try {
          saveBacktest(db, { experiment: src.experiment, source: src.source }, r);
        } finally {
          db.close();
        }
      }
      if (o.json) {
        console.log(JSON.stringify({ ...r, notes: src.notes, stored: src.store }, null, 2));
        return;
      }
      console.log(`(a) the paper's protocol, in-sample: MAE by depth and variant (warm-up 3 points; tfjs ${r.backend})`);
      console.log(paperTable(r.paper));
      console.log();
      console.log('(b) extrapolation: fitted on n ≤ f0·max(n), MAE at 100% and over all unseen points');
      console.log(extrapolationTable(r.extrapolation));
      console.log();
      console.log(`${src.curves.length} curve(s), ${r.seconds.toFixed(1)} s${src.store ? `; stored in ${src.store} (forecast_backtests)` : ''}`);
      for (const n of src.notes) console.log(`note: ${n}`);
    });
}
