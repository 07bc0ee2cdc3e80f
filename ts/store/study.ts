import type { Db } from './db';
import { now } from './db';

/**
 * An adaptive study's record beside its runs: every job it chose, with the wave and the reason,
 * and why it stopped. Created on first use; each write is one transaction.
 */
const SCHEMA = `
CREATE TABLE IF NOT EXISTS study_choices (
  id INTEGER PRIMARY KEY AUTOINCREMENT, experiment TEXT NOT NULL, wave INTEGER NOT NULL,
  key TEXT NOT NULL, model TEXT NOT NULL, n_train INTEGER, reason TEXT NOT NULL, chosen_at TEXT NOT NULL);
CREATE INDEX IF NOT EXISTS study_choices_experiment ON study_choices (experiment, id);
CREATE TABLE IF NOT EXISTS study_settings (
  id INTEGER PRIMARY KEY AUTOINCREMENT, experiment TEXT NOT NULL, target_dice REAL, precision REAL, budget REAL, started_at TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS study_stops (
  id INTEGER PRIMARY KEY AUTOINCREMENT, experiment TEXT NOT NULL, reason TEXT NOT NULL,
  trained INTEGER NOT NULL, seconds REAL NOT NULL, stopped_at TEXT NOT NULL);
`;

export interface StudyChoice {
  wave: number;
  key: string;
  model: string;
  n_train: number | null;
  reason: string;
  chosen_at: string;
}

export interface StudyStop {
  reason: string;
  trained: number;
  /** wall seconds of the run that stopped it (workers train in parallel: not the training spent) */
  seconds: number;
  stopped_at: string;
}

/** What a study was asked when it (re)started: its target, precision and budget in seconds (null = defaults, no budget). */
export interface StudySettings {
  target_dice: number | null;
  precision: number | null;
  budget: number | null;
  started_at: string;
}

export function saveSettings(db: Db, experiment: string, s: Omit<StudySettings, 'started_at'>): void {
  db.exec(SCHEMA);
  db.prepare('INSERT INTO study_settings (experiment, target_dice, precision, budget, started_at) VALUES (?, ?, ?, ?, ?)').run(experiment, s.target_dice, s.precision, s.budget, now());
}

export function saveChoices(db: Db, experiment: string, wave: number, choices: Omit<StudyChoice, 'wave' | 'chosen_at'>[]): void {
  db.exec(SCHEMA);
  const ins = db.prepare('INSERT INTO study_choices (experiment, wave, key, model, n_train, reason, chosen_at) VALUES (?, ?, ?, ?, ?, ?, ?)');
  db.transaction(() => {
    for (const c of choices) ins.run(experiment, wave, c.key, c.model, c.n_train, c.reason, now());
  })();
}

export function saveStop(db: Db, experiment: string, s: Omit<StudyStop, 'stopped_at'>): void {
  db.exec(SCHEMA);
  db.prepare('INSERT INTO study_stops (experiment, reason, trained, seconds, stopped_at) VALUES (?, ?, ?, ?, ?)').run(experiment, s.reason, s.trained, s.seconds, now());
}

const hasTable = (db: Db, name: string) => Boolean(db.prepare(`SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?`).get(name));

export interface StudyRecord {
  choices: StudyChoice[];
  stop: StudyStop | null;
  /** the latest start's settings (null for a study stored before settings were kept) */
  settings: StudySettings | null;
  /** seconds of training spent on the jobs it chose (done ones) */
  spent: number;
}

/** The study's choices, its latest settings and stop, and what it spent (none when the experiment never ran adaptively; safe on a read-only store). */
export function studyRecord(db: Db, experiment: string): StudyRecord | null {
  if (!hasTable(db, 'study_choices')) return null;
  const choices = db.prepare('SELECT wave, key, model, n_train, reason, chosen_at FROM study_choices WHERE experiment = ? ORDER BY id').all(experiment) as StudyChoice[];
  if (!choices.length) return null;
  const stop = hasTable(db, 'study_stops')
    ? ((db.prepare('SELECT reason, trained, seconds, stopped_at FROM study_stops WHERE experiment = ? ORDER BY id DESC LIMIT 1').get(experiment) as StudyStop | undefined) ?? null)
    : null;
  const settings = hasTable(db, 'study_settings')
    ? ((db.prepare('SELECT target_dice, precision, budget, started_at FROM study_settings WHERE experiment = ? ORDER BY id DESC LIMIT 1').get(experiment) as StudySettings | undefined) ?? null)
    : null;
  const { spent } = db
    .prepare(`SELECT COALESCE(SUM(seconds), 0) AS spent FROM jobs WHERE experiment = ? AND status = 'done' AND key IN (SELECT key FROM study_choices WHERE experiment = ?)`)
    .get(experiment, experiment) as { spent: number };
  return { choices, stop, settings, spent };
}
