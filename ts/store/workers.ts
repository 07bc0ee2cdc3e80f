import type { Progress, Ready } from '../protocol/messages';
import { type Db, now } from './db';

/** Live worker state, kept in the store so any dashboard (this process or another) can show it. */
export function workerReady(db: Db, r: Ready, experiment: string): void {
  db.prepare(
    `INSERT INTO workers (id, experiment, host, pid, device, gpu, threads, torch, monai, state, started_at, last_seen)
     VALUES (@worker, @experiment, @host, @pid, @device, @gpu, @threads, @torch, @monai, 'idle', @t, @t)
     ON CONFLICT (id) DO UPDATE SET experiment = excluded.experiment, host = excluded.host, pid = excluded.pid,
       device = excluded.device, gpu = excluded.gpu, threads = excluded.threads, torch = excluded.torch,
       monai = excluded.monai, state = 'idle', job = NULL, epoch = NULL, started_at = excluded.started_at,
       last_seen = excluded.last_seen`,
  ).run({ ...r, gpu: r.gpu ?? null, experiment, t: now() });
}

// A worker marked gone stays gone until it says READY again: its job may settle after it left (a result
// stored after its loss, a retry recorded after it), and that must not show it idle.
export function workerBusy(db: Db, id: string, job: string | null, epochs?: number): void {
  db.prepare(`UPDATE workers SET state = ?, job = ?, epoch = NULL, epochs = ?, val_dice = NULL, last_seen = ? WHERE id = ? AND state != 'gone'`).run(
    job ? 'training' : 'idle',
    job,
    epochs ?? null,
    now(),
    id,
  );
}

export function workerProgress(db: Db, id: string, p: Progress): void {
  db.prepare(`UPDATE workers SET epoch = ?, epochs = ?, val_dice = ?, last_seen = ? WHERE id = ?`).run(
    p.epoch,
    p.epochs,
    p.val_dice,
    now(),
    id,
  );
}

export function workerGone(db: Db, id: string): void {
  db.prepare(`UPDATE workers SET state = 'gone', job = NULL, last_seen = ? WHERE id = ?`).run(now(), id);
}

export function recordEvent(
  db: Db,
  e: { experiment: string; kind: string; job?: string; worker?: string; message: string },
): void {
  db.prepare(`INSERT INTO events (at, experiment, kind, job, worker, message) VALUES (?, ?, ?, ?, ?, ?)`).run(
    now(),
    e.experiment,
    e.kind,
    e.job ?? null,
    e.worker ?? null,
    e.message,
  );
}

export interface WorkerRow {
  id: string;
  host: string;
  device: string;
  state: string;
  job: string | null;
  model: string | null;
  fraction: number | null;
  epoch: number | null;
  epochs: number | null;
  val_dice: number | null;
  last_seen: string;
}

export function workerRows(db: Db, experiment: string): WorkerRow[] {
  return db
    .prepare(
      `SELECT w.id, w.host, w.device, w.state, w.job, j.model, j.fraction, w.epoch, w.epochs, w.val_dice, w.last_seen
       FROM workers w LEFT JOIN jobs j ON j.key = w.job WHERE w.experiment = ? AND w.state != 'gone' ORDER BY w.id`,
    )
    .all(experiment) as WorkerRow[];
}

export function lastError(db: Db, experiment: string): { at: string; job: string | null; message: string } | undefined {
  return db
    .prepare(`SELECT at, job, message FROM events WHERE experiment = ? AND kind IN ('failed', 'retry', 'lost') ORDER BY id DESC LIMIT 1`)
    .get(experiment) as { at: string; job: string | null; message: string } | undefined;
}

/** Worker trouble a run met, for `status`: refused keys, lost (silent) workers, rejected results, worker exits. */
export interface WorkerIncidents {
  kind: 'denied' | 'lost' | 'rejected' | 'exit';
  count: number;
  /** the latest one's time and message */
  at: string;
  message: string;
}

const INCIDENT_WORDS: Record<WorkerIncidents['kind'], string> = { denied: 'worker(s) refused', lost: 'worker(s) lost', rejected: 'result(s) rejected', exit: 'worker exit(s)' };

export function workerIncidents(db: Db, experiment?: string): WorkerIncidents[] {
  return db
    .prepare(
      `SELECT e.kind, COUNT(*) AS count, MAX(e.at) AS at,
              (SELECT message FROM events l WHERE l.kind = e.kind ${experiment ? 'AND l.experiment = ?' : ''} ORDER BY l.id DESC LIMIT 1) AS message
       FROM events e WHERE e.kind IN ('denied', 'lost', 'rejected', 'exit') ${experiment ? 'AND e.experiment = ?' : ''} GROUP BY e.kind ORDER BY e.kind`,
    )
    .all(...(experiment ? [experiment, experiment] : [])) as WorkerIncidents[];
}

/** One line per kind: "2 worker(s) refused; latest: …". */
export const incidentLine = (i: WorkerIncidents) => `${i.count} ${INCIDENT_WORDS[i.kind]}; latest (${i.at}): ${i.message.split('\n')[0]}`;
