import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import { UserError } from '../errors';
import { type Db, now } from './db';

/**
 * One writer per store: a run holds the row of `run_lock` (its pid, host, start and a heartbeat it
 * refreshes every REFRESH_MS) from before it registers its grid until it ends. A second run on the
 * same store finds the row and stops (exit 2) naming the first, so no job is trained twice. A row
 * whose owner is gone — a pid no longer alive on this host, or a heartbeat older than STALE_MS — is
 * taken over. Readers (status, dashboard, report, forecast) never look at it.
 */
export const REFRESH_MS = 5_000;
export const STALE_MS = 3 * REFRESH_MS;

export interface LockRow {
  token: string;
  pid: number;
  host: string;
  experiment: string | null;
  started_at: string;
  heartbeat_at: number;
}

export interface RunLock {
  /** Aborted when this run finds its row taken by another (it stalled past STALE_MS): stop dispatching. */
  signal: AbortSignal;
  /** Deletes the row (only if it is still this run's). Safe to call twice. */
  release(): void;
  /** Who held the row before, when it was taken over; undefined when the store was free. */
  tookOver?: { row: LockRow; why: string };
}

/** Whether process `pid` is alive on this machine (EPERM: alive, but another user's). */
export function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Why a held row no longer protects anything (its owner is gone), or undefined while its owner is alive. */
export function staleness(row: LockRow, at = Date.now(), host = hostname()): string | undefined {
  const age = at - row.heartbeat_at;
  if (row.host === host && !pidAlive(row.pid)) return `pid ${row.pid} is no longer running on ${host}`;
  if (age > STALE_MS) return `its heartbeat is ${Math.round(age / 1000)} s old (stale after ${STALE_MS / 1000} s)`;
  return undefined;
}

export const describeHolder = (row: LockRow) =>
  `pid ${row.pid} on host ${row.host}${row.experiment ? `, experiment '${row.experiment}'` : ''}, since ${row.started_at}`;

/**
 * Takes the store's run lock in one immediate transaction (two runs racing serialise on SQLite's own
 * write lock), then refreshes its heartbeat every `refreshMs`. A live holder is a UserError (exit 2)
 * naming it. The row is also released when the process exits (process.exit after SIGINT/SIGTERM), and
 * a SIGINT/SIGTERM that nothing else handles ends the process (releasing it) rather than leaving it.
 */
export function acquireRunLock(db: Db, file: string, o: { experiment?: string; refreshMs?: number } = {}): RunLock {
  const me: LockRow = { token: randomUUID(), pid: process.pid, host: hostname(), experiment: o.experiment ?? null, started_at: now(), heartbeat_at: Date.now() };
  const take = db.transaction((): RunLock['tookOver'] | 'held' => {
    const row = db.prepare(`SELECT token, pid, host, experiment, started_at, heartbeat_at FROM run_lock WHERE id = 1`).get() as LockRow | undefined;
    let tookOver: RunLock['tookOver'];
    if (row) {
      const why = staleness(row);
      if (!why) {
        held = row;
        return 'held';
      }
      tookOver = { row, why };
    }
    db.prepare(
      `INSERT INTO run_lock (id, token, pid, host, experiment, started_at, heartbeat_at) VALUES (1, @token, @pid, @host, @experiment, @started_at, @heartbeat_at)
       ON CONFLICT (id) DO UPDATE SET token = excluded.token, pid = excluded.pid, host = excluded.host, experiment = excluded.experiment,
         started_at = excluded.started_at, heartbeat_at = excluded.heartbeat_at`,
    ).run({ ...me, heartbeat_at: Date.now() });
    if (tookOver) {
      db.prepare(`INSERT INTO events (at, experiment, kind, message) VALUES (?, ?, 'lock', ?)`).run(
        now(), me.experiment, `took over the run lock of ${describeHolder(tookOver.row)}: ${tookOver.why}`);
    }
    return tookOver;
  });
  let held: LockRow | undefined;
  const got = take.immediate();
  if (got === 'held') {
    throw new UserError(
      `${file}: another plateau run is writing this store (${describeHolder(held!)}); wait for it to finish or stop it — a store has one writer at a time`,
    );
  }

  const abort = new AbortController();
  let released = false;
  const beat = setInterval(() => {
    if (released || !db.open) return;
    try {
      const r = db.prepare(`UPDATE run_lock SET heartbeat_at = ? WHERE id = 1 AND token = ?`).run(Date.now(), me.token);
      if (r.changes === 0 && !abort.signal.aborted) {
        const other = db.prepare(`SELECT token, pid, host, experiment, started_at, heartbeat_at FROM run_lock WHERE id = 1`).get() as LockRow | undefined;
        abort.abort(new UserError(`${file}: this run lost its lock on the store${other ? ` to ${describeHolder(other)}` : ''} (it was silent for more than ${STALE_MS / 1000} s); stopping so that no job is trained twice`));
      }
    } catch {
      /* busy for a moment: the next beat tries again */
    }
  }, o.refreshMs ?? REFRESH_MS);
  beat.unref();

  const release = () => {
    if (released) return;
    released = true;
    clearInterval(beat);
    process.off('exit', release);
    for (const [s, f] of signalHandlers) process.off(s, f);
    try {
      if (db.open) db.prepare(`DELETE FROM run_lock WHERE id = 1 AND token = ?`).run(me.token);
    } catch {
      /* the store went away: the next run finds the row stale */
    }
  };
  process.on('exit', release);
  // A signal with no other handler (outside the dispatch loop, which stops its workers first) ends the
  // process at once; process.exit runs the 'exit' handler above, which releases the row.
  const signalHandlers: [NodeJS.Signals, () => void][] = (['SIGINT', 'SIGTERM', 'SIGHUP'] as const).map((s) => [
    s,
    () => {
      if (process.listenerCount(s) <= 1) process.exit(128 + ({ SIGHUP: 1, SIGINT: 2, SIGTERM: 15 } as const)[s]);
    },
  ]);
  for (const [s, f] of signalHandlers) process.on(s, f);
  return { signal: abort.signal, release, tookOver: got };
}

/** The row of the run holding the store, if any (for status lines and tests); never takes anything. */
export function lockHolder(db: Db): LockRow | undefined {
  try {
    return db.prepare(`SELECT token, pid, host, experiment, started_at, heartbeat_at FROM run_lock WHERE id = 1`).get() as LockRow | undefined;
  } catch {
    return undefined; // a store from before the lock: no table, no holder
  }
}
