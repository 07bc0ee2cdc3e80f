import { mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import Database from 'better-sqlite3';
import { type Column, TABLES } from '../protocol/tables';

export type Db = Database.Database;

/** The default store: one SQLite file under the repo (`.plateau/plateau.db`). */
export function defaultDbPath(): string {
  return join(process.env.PLATEAU_ROOT ?? process.cwd(), '.plateau', 'plateau.db');
}

const SQL_TYPE: Record<Column['type'], string> = { int32: 'INTEGER', float64: 'REAL', utf8: 'TEXT' };
const columnsDdl = (cols: readonly Column[]) => cols.map((c) => `${c.name} ${SQL_TYPE[c.type]}`).join(', ');

// The epochs and metrics tables take their columns from the Arrow layouts (protocol/tables.ts),
// so a column added to the protocol is a column in the store.
const SCHEMA = `
CREATE TABLE IF NOT EXISTS experiments (
  name TEXT PRIMARY KEY, file TEXT, spec TEXT NOT NULL,
  created_at TEXT NOT NULL, updated_at TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS jobs (
  key TEXT PRIMARY KEY,
  experiment TEXT NOT NULL REFERENCES experiments(name),
  position INTEGER NOT NULL,
  spec TEXT NOT NULL,
  model TEXT NOT NULL, family TEXT NOT NULL, depth INTEGER,
  fraction REAL, count INTEGER, n_train INTEGER, fold INTEGER, repeat INTEGER NOT NULL DEFAULT 0,
  lr REAL, weight_decay REAL, seed INTEGER NOT NULL,
  status TEXT NOT NULL DEFAULT 'queued' CHECK (status IN ('queued', 'running', 'done', 'failed')),
  attempts INTEGER NOT NULL DEFAULT 0,
  worker TEXT, started_at TEXT, finished_at TEXT, seconds REAL, error TEXT);
CREATE INDEX IF NOT EXISTS jobs_experiment ON jobs (experiment, status);
CREATE TABLE IF NOT EXISTS epochs (
  job TEXT NOT NULL REFERENCES jobs(key), ${columnsDdl(TABLES.epochs)}, PRIMARY KEY (job, epoch));
CREATE TABLE IF NOT EXISTS metrics (
  job TEXT PRIMARY KEY REFERENCES jobs(key), ${columnsDdl(TABLES.metrics)});
CREATE TABLE IF NOT EXISTS cases (
  job TEXT NOT NULL REFERENCES jobs(key), ${columnsDdl(TABLES.cases)}, PRIMARY KEY (job, case_id));
CREATE TABLE IF NOT EXISTS workers (
  id TEXT PRIMARY KEY, experiment TEXT, host TEXT, pid INTEGER, device TEXT, gpu TEXT, threads INTEGER,
  torch TEXT, monai TEXT, state TEXT NOT NULL, job TEXT, epoch INTEGER, epochs INTEGER,
  val_dice REAL, started_at TEXT, last_seen TEXT);
CREATE TABLE IF NOT EXISTS events (
  id INTEGER PRIMARY KEY AUTOINCREMENT, at TEXT NOT NULL, experiment TEXT, kind TEXT NOT NULL,
  job TEXT, worker TEXT, message TEXT);
`;

// Job columns added after the first stores were written: [name, type, backfill from the spec JSON].
const LATER_JOB_COLUMNS: [string, string, string | null][] = [
  ['count', 'INTEGER', null],
  ['fold', 'INTEGER', null],
  ['repeat', 'INTEGER NOT NULL DEFAULT 0', null],
  ['lr', 'REAL', '$.training.lr'],
  ['weight_decay', 'REAL', '$.training.weight_decay'],
];

/** Adds columns that a newer protocol layout has and an older store lacks. */
function addMissingColumns(db: Db): void {
  const jobCols = new Set((db.prepare(`PRAGMA table_info(jobs)`).all() as { name: string }[]).map((r) => r.name));
  for (const [name, type, from] of LATER_JOB_COLUMNS) {
    if (jobCols.has(name)) continue;
    db.exec(`ALTER TABLE jobs ADD COLUMN ${name} ${type}`);
    if (from) db.exec(`UPDATE jobs SET ${name} = json_extract(spec, '${from}')`);
  }
  for (const table of ['epochs', 'metrics', 'cases'] as const) {
    const have = new Set((db.prepare(`PRAGMA table_info(${table})`).all() as { name: string }[]).map((r) => r.name));
    for (const c of TABLES[table] as readonly Column[]) {
      if (!have.has(c.name)) db.exec(`ALTER TABLE ${table} ADD COLUMN ${c.name} ${SQL_TYPE[c.type]}`);
    }
  }
}

/** Opens (and creates) a store. Read-only opens never write, so a dashboard can watch a live run. */
export function openDb(file: string, opts: { readonly?: boolean } = {}): Db {
  if (opts.readonly) {
    const db = new Database(file, { readonly: true, fileMustExist: true });
    db.pragma('busy_timeout = 2000');
    return db;
  }
  mkdirSync(dirname(file), { recursive: true });
  const db = new Database(file);
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = NORMAL');
  db.pragma('foreign_keys = ON');
  db.pragma('busy_timeout = 5000');
  db.exec(SCHEMA);
  addMissingColumns(db);
  return db;
}

export const now = () => new Date().toISOString();
