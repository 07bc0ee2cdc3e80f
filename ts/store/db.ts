import { closeSync, constants, existsSync, openSync, readSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import Database from 'better-sqlite3';
import { UserError, translateErrors } from '../errors';
import { can, makeFolder, nearestExisting } from '../folder';
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
CREATE TABLE IF NOT EXISTS classes (
  job TEXT NOT NULL REFERENCES jobs(key), ${columnsDdl(TABLES.classes)}, PRIMARY KEY (job, class));
CREATE TABLE IF NOT EXISTS workers (
  id TEXT PRIMARY KEY, experiment TEXT, host TEXT, pid INTEGER, device TEXT, gpu TEXT, threads INTEGER,
  torch TEXT, monai TEXT, state TEXT NOT NULL, job TEXT, epoch INTEGER, epochs INTEGER,
  val_dice REAL, started_at TEXT, last_seen TEXT);
CREATE TABLE IF NOT EXISTS events (
  id INTEGER PRIMARY KEY AUTOINCREMENT, at TEXT NOT NULL, experiment TEXT, kind TEXT NOT NULL,
  job TEXT, worker TEXT, message TEXT);
CREATE TABLE IF NOT EXISTS run_lock (
  id INTEGER PRIMARY KEY CHECK (id = 1), token TEXT NOT NULL, pid INTEGER NOT NULL, host TEXT NOT NULL,
  experiment TEXT, started_at TEXT NOT NULL, heartbeat_at INTEGER NOT NULL);
`;

// Job columns added after the first stores were written: [name, type, backfill from the spec JSON].
const LATER_JOB_COLUMNS: [string, string, string | null][] = [
  ['count', 'INTEGER', null],
  ['fold', 'INTEGER', null],
  ['repeat', 'INTEGER NOT NULL DEFAULT 0', null],
  ['lr', 'REAL', '$.training.lr'],
  ['weight_decay', 'REAL', '$.training.weight_decay'],
  // torch threads the job was first run with; a retry or a resumed run uses the same (dispatch/run.ts)
  ['threads', 'INTEGER', null],
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


const SQLITE_MAGIC = Buffer.from('SQLite format 3\0', 'latin1');

/** What the first 100 bytes (the SQLite header) and the size of an existing store say is wrong, if anything. */
function headerProblem(file: string, size: number): string | undefined {
  if (size === 0) return undefined; // an empty file is an empty SQLite database
  const head = Buffer.alloc(100);
  const fd = openSync(file, 'r');
  let got: number;
  try {
    got = readSync(fd, head, 0, 100, 0);
  } finally {
    closeSync(fd);
  }
  const magic = head.subarray(0, Math.min(got, 16));
  if (!magic.equals(SQLITE_MAGIC.subarray(0, magic.length))) return 'it is not an SQLite database (it does not start with the SQLite header); pass another --db, or move the file away';
  if (got < 100) return `it is truncated (${got} bytes, less than the 100-byte SQLite header); restore it from a backup or pass another --db`;
  // Past the header: a store whose writer is gone has no -wal file, so its size must be whole pages,
  // as many as the header counts (while a -wal exists, pages may be on their way: SQLite judges).
  const wal = `${file}-wal`;
  if (existsSync(wal) && statSync(wal).size > 0) return undefined;
  const raw = head.readUInt16BE(16);
  const page = raw === 1 ? 65536 : raw;
  const pages = head.readUInt32BE(28);
  const sizeValid = head.readUInt32BE(24) === head.readUInt32BE(92) && pages > 0;
  if (page < 512 || (page & (page - 1)) !== 0) return 'it is damaged (its header names no valid page size); restore it from a backup or pass another --db';
  if (size % page !== 0 || (sizeValid && size < pages * page)) {
    return `it is truncated (${size.toLocaleString('en-US')} bytes where its header counts ${sizeValid ? (pages * page).toLocaleString('en-US') : `whole pages of ${page}`}); restore it from a backup or pass another --db`;
  }
  return undefined;
}

/**
 * What is wrong with `file` as a store, before SQLite touches it (so a bad path creates nothing): a
 * folder, a parent that is a file, a file that is not SQLite or is truncated, a folder SQLite cannot
 * write its -wal and -shm files in. `write` = a run that creates or writes the store.
 */
export function storeProblem(file: string, write: boolean): string | undefined {
  let st;
  try {
    st = statSync(file);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'EACCES') return 'it cannot be reached (permission denied on a folder above it)';
    if (code !== 'ENOENT' && code !== 'ENOTDIR') return `it cannot be read (${code})`;
    // SQLite would make a file of that name, the slash dropped
    if (/[\\/]$/.test(file)) return `it names a folder (it ends in '/'), not a store file; pass a file, e.g. --db ${join(file, 'plateau.db')}`;
    const near = nearestExisting(file);
    if (near?.isFile) return `${near.path} is a file, not a folder, so no store can be there`;
    if (!write) return undefined; // the caller says "no store there yet"
    if (near && !can(near.path, constants.W_OK | constants.X_OK)) return `the folder ${near.path} is not writable, so the store cannot be created there; pass another --db`;
    return undefined;
  }
  if (st.isDirectory()) return `it is a folder, not a store file; pass a file, e.g. --db ${join(file, 'plateau.db')}`;
  if (!st.isFile()) return 'it is not a regular file';
  if (!can(file, constants.R_OK)) return 'it cannot be read (permission denied)';
  const header = headerProblem(file, st.size);
  if (header) return header;
  const dir = dirname(resolve(file));
  const dirWritable = can(dir, constants.W_OK | constants.X_OK);
  if (write) {
    if (!can(file, constants.W_OK)) return 'the file is read-only; a run must write it (make it writable, or pass another --db)';
    if (!dirWritable) return `its folder ${dir} is not writable, and SQLite writes ${file}-wal and ${file}-shm beside the store; make the folder writable or copy the store elsewhere`;
    return undefined;
  }
  // A WAL store (header byte 18 = 2) is read through its -shm file, which SQLite must be able to create.
  if (!dirWritable && st.size >= 100 && !existsSync(`${file}-shm`)) {
    const head = Buffer.alloc(1);
    const fd = openSync(file, 'r');
    try {
      readSync(fd, head, 0, 1, 18);
    } finally {
      closeSync(fd);
    }
    if (head[0] === 2) return `its folder ${dir} is read-only, and SQLite must create ${file}-shm there to read it; copy the store to a writable folder`;
  }
  return undefined;
}

/** An SQLite error about the store itself, as one sentence naming the file; undefined for anything else. */
export function storeError(file: string, e: unknown): UserError | undefined {
  const code = (e as { code?: unknown })?.code;
  if (typeof code !== 'string' || !code.startsWith('SQLITE_')) return undefined;
  const said = String((e as Error).message).split('\n')[0];
  const what: Record<string, string> = {
    SQLITE_NOTADB: 'it is not an SQLite database; pass another --db, or move the file away',
    SQLITE_CORRUPT: `it is damaged (SQLite: ${said}); restore it from a backup or pass another --db`,
    SQLITE_CANTOPEN: `SQLite cannot open it (${said}); check that its folder exists and is writable`,
    SQLITE_READONLY: `it cannot be written (SQLite: ${said}); make it and its folder writable, or pass another --db`,
    SQLITE_IOERR: `it cannot be read or written (SQLite: ${said})`,
    SQLITE_FULL: 'the disk is full',
    SQLITE_PERM: 'permission denied',
    SQLITE_AUTH: 'permission denied',
    SQLITE_BUSY: 'another process held it locked for more than 5 s; try again',
  };
  const base = Object.keys(what).find((k) => code === k || code.startsWith(`${k}_`));
  return base ? new UserError(`${file}: ${what[base]}`) : undefined;
}

/** The store opened last: an SQLite error that escapes a command (a page found damaged mid-query) names it. */
let lastOpened: string | undefined;
translateErrors((e) => (lastOpened ? storeError(lastOpened, e) : undefined));

/**
 * Why an SQLite file is not a plateau store, before anything is written to it: tables of its own and
 * not plateau's experiments and jobs. An empty database is a store not yet made.
 */
function notAStore(db: Database.Database): string | undefined {
  const tables = (db.prepare(`SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name`).all() as { name: string }[]).map((t) => t.name);
  if (!tables.length) return undefined;
  const has = (table: string, cols: string[]) =>
    tables.includes(table) && cols.every((c) => db.prepare('SELECT 1 FROM pragma_table_info(?) WHERE name = ?').get(table, c));
  if (has('experiments', ['name', 'spec']) && has('jobs', ['key', 'experiment', 'status', 'spec'])) return undefined;
  return `not a plateau store: it is an SQLite database with other tables (${tables.slice(0, 4).join(', ')}${tables.length > 4 ? ', …' : ''}), left untouched; pass another --db`;
}

/** Opens the SQLite file and refuses one that is not a plateau store (a UserError; nothing written). */
function openSqlite(file: string, opts: Database.Options): Database.Database {
  const db = new Database(file, opts);
  let problem: string | undefined;
  try {
    problem = notAStore(db);
  } catch (e) {
    db.close();
    throw e;
  }
  if (problem) {
    db.close();
    throw new UserError(`${file}: ${problem}`);
  }
  return db;
}

/** Runs `f` on the store, turning SQLite's errors about the file into one sentence naming it. */
function guarded<T>(file: string, f: () => T): T {
  try {
    return f();
  } catch (e) {
    throw storeError(file, e) ?? e;
  }
}

/**
 * Opens (and creates) a store. Read-only opens never write, so a dashboard can watch a live run.
 * A path that cannot be a store (see storeProblem) is a UserError naming it, and nothing is created.
 */
export function openDb(file: string, opts: { readonly?: boolean } = {}): Db {
  const problem = storeProblem(file, !opts.readonly);
  if (problem) throw new UserError(`${file}: ${problem}`);
  lastOpened = file;
  if (opts.readonly) {
    if (!existsSync(file)) throw new UserError(`${file}: no store there`);
    return guarded(file, () => {
      const db = openSqlite(file, { readonly: true, fileMustExist: true });
      try {
        db.pragma('busy_timeout = 2000');
        db.prepare('SELECT COUNT(*) FROM sqlite_master').get(); // reads the header now, not mid-command
        return db;
      } catch (e) {
        db.close();
        throw e;
      }
    });
  }
  try {
    makeFolder(dirname(file));
  } catch (e) {
    throw new UserError(`${file}: its folder cannot be created (${(e as NodeJS.ErrnoException).code ?? String(e)}); pass another --db`);
  }
  return guarded(file, () => {
    const db = openSqlite(file, {});
    try {
      db.pragma('journal_mode = WAL');
      db.pragma('synchronous = NORMAL');
      db.pragma('foreign_keys = ON');
      db.pragma('busy_timeout = 5000');
      db.exec(SCHEMA);
      addMissingColumns(db);
      return db;
    } catch (e) {
      db.close();
      throw e;
    }
  });
}

export const now = () => new Date().toISOString();
