import type { Forecast, PlateauPoint, TargetAnswer } from '../surrogate/answers';
import type { BacktestResult } from '../surrogate/backtest';
import type { FittedCurve } from '../surrogate/surrogate';
import type { Db } from './db';
import { now } from './db';

/**
 * The surrogates' own tables, beside the runs: one forecast_fits row per fitted curve, its
 * forecasts and answers, and backtest rows. Created on first use; each save is one transaction,
 * so a failed fit leaves nothing half-written.
 */
const SCHEMA = `
CREATE TABLE IF NOT EXISTS forecast_fits (
  id INTEGER PRIMARY KEY AUTOINCREMENT, created_at TEXT NOT NULL, run TEXT NOT NULL,
  experiment TEXT, source TEXT NOT NULL, model TEXT NOT NULL, method TEXT NOT NULL,
  observed_up_to REAL NOT NULL, observed_max_n REAL NOT NULL, n_ref REAL NOT NULL, backend TEXT,
  detail TEXT, params TEXT NOT NULL, aic REAL, asymptote REAL);
CREATE INDEX IF NOT EXISTS forecast_fits_experiment ON forecast_fits (experiment, method, model);
CREATE TABLE IF NOT EXISTS forecast_points (
  fit INTEGER NOT NULL REFERENCES forecast_fits(id), n REAL NOT NULL, fraction REAL NOT NULL,
  dice REAL NOT NULL, lo80 REAL, hi80 REAL, lo95 REAL, hi95 REAL, PRIMARY KEY (fit, n));
CREATE TABLE IF NOT EXISTS forecast_answers (
  fit INTEGER PRIMARY KEY REFERENCES forecast_fits(id),
  target_dice REAL, target_n REAL, target_lo REAL, target_hi REAL, target_reachable INTEGER, target_reason TEXT,
  plateau_n REAL, plateau_fraction REAL, plateau_threshold REAL, plateau_step REAL,
  target_status TEXT, plateau_status TEXT, plateau_lo REAL, plateau_hi REAL, plateau_reason TEXT, target_open_below INTEGER,
  plateau_levels_off REAL);
CREATE TABLE IF NOT EXISTS forecast_backtests (
  id INTEGER PRIMARY KEY AUTOINCREMENT, created_at TEXT NOT NULL, run TEXT NOT NULL,
  experiment TEXT, source TEXT NOT NULL, kind TEXT NOT NULL CHECK (kind IN ('paper', 'extrapolation')),
  method TEXT NOT NULL, model TEXT, cut REAL, mae REAL, sd REAL, mae_at_full REAL, sd_at_full REAL,
  points INTEGER, backend TEXT);
`;

/** Columns added to forecast_answers after its first release: a store written before gets them on its next save. */
const ADDED: [string, string][] = [['target_status', 'TEXT'], ['plateau_status', 'TEXT'], ['plateau_lo', 'REAL'], ['plateau_hi', 'REAL'], ['plateau_reason', 'TEXT'], ['target_open_below', 'INTEGER'], ['plateau_levels_off', 'REAL']];

export function ensureForecastTables(db: Db): void {
  db.transaction(() => {
    db.exec(SCHEMA);
    const have = new Set((db.prepare(`PRAGMA table_info(forecast_answers)`).all() as { name: string }[]).map((c) => c.name));
    for (const [name, type] of ADDED) if (!have.has(name)) db.exec(`ALTER TABLE forecast_answers ADD COLUMN ${name} ${type}`);
  })();
}

export interface SavedCurve {
  fit: FittedCurve;
  forecasts: Forecast[];
  target: TargetAnswer | null;
  plateau: PlateauPoint | null;
}

const runId = () => `${now()}-${Math.random().toString(36).slice(2, 8)}`;

/** Stores one surrogate fit (every curve of it) in one transaction; returns the forecast_fits ids. */
export function saveForecast(
  db: Db,
  meta: { experiment: string | null; source: string; observedUpTo: number; backend: string | null },
  curves: SavedCurve[],
): number[] {
  ensureForecastTables(db);
  const run = runId();
  const fit = db.prepare(
    `INSERT INTO forecast_fits (created_at, run, experiment, source, model, method, observed_up_to, observed_max_n, n_ref, backend, detail, params, aic, asymptote)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  );
  const point = db.prepare(
    `INSERT INTO forecast_points (fit, n, fraction, dice, lo80, hi80, lo95, hi95) VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
  );
  const answer = db.prepare(
    `INSERT INTO forecast_answers (fit, target_dice, target_n, target_lo, target_hi, target_reachable, target_reason, target_status,
       plateau_n, plateau_fraction, plateau_threshold, plateau_step, plateau_status, plateau_lo, plateau_hi, plateau_reason, target_open_below, plateau_levels_off)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  );
  return db.transaction(() =>
    curves.map((c) => {
      const f = c.fit;
      const id = Number(
        fit.run(now(), run, meta.experiment, meta.source, f.model, f.method, meta.observedUpTo, f.observedMaxN, f.nRef, meta.backend, f.detail, JSON.stringify(f.params), f.aic, f.asymptote).lastInsertRowid,
      );
      for (const p of c.forecasts) point.run(id, p.n, p.fraction, p.dice, p.lo80, p.hi80, p.lo95, p.hi95);
      const t = c.target;
      const q = c.plateau;
      answer.run(
        id, t?.dice ?? null, t?.n ?? null, t?.lo ?? null, t?.hi ?? null, t && t.reachable !== null ? Number(t.reachable) : null, t?.reason ?? null, t?.status ?? null,
        q?.n ?? null, q?.fraction ?? null, q?.threshold ?? null, q?.step ?? null, q?.status ?? null, q?.lo ?? null, q?.hi ?? null, q?.reason ?? null, t ? Number(t.openBelow) : null, q?.levelsOff ?? null,
      );
      return id;
    }),
  )();
}

/** Stores both backtests' rows in one transaction. */
export function saveBacktest(db: Db, meta: { experiment: string | null; source: string }, r: BacktestResult): void {
  ensureForecastTables(db);
  const run = runId();
  const ins = db.prepare(
    `INSERT INTO forecast_backtests (created_at, run, experiment, source, kind, method, model, cut, mae, sd, mae_at_full, sd_at_full, points, backend)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  );
  db.transaction(() => {
    for (const p of r.paper) ins.run(now(), run, meta.experiment, meta.source, 'paper', p.method, p.model, null, p.mae, p.sd, null, null, p.points, r.backend);
    for (const e of r.extrapolation) {
      ins.run(now(), run, meta.experiment, meta.source, 'extrapolation', e.method, null, e.cut, e.maeUnseen, e.sdUnseen, e.maeAtFull, e.sdAtFull, e.points, r.backend);
    }
  })();
}

/** Stored fits (none when the tables do not exist yet; safe on a read-only store). */
export function forecastFits(db: Db, experiment?: string): Record<string, unknown>[] {
  if (!db.prepare(`SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'forecast_fits'`).get()) return [];
  return db.prepare(`SELECT * FROM forecast_fits ${experiment ? 'WHERE experiment = ?' : ''} ORDER BY id`).all(...(experiment ? [experiment] : [])) as Record<string, unknown>[];
}
