import { hostname } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { describe, expect, it } from 'vitest';
import { UserError } from '../../../ts/errors';
import { openDb } from '../../../ts/store/db';
import { STALE_MS, acquireRunLock, lockHolder } from '../../../ts/store/lock';
import { tmp } from '../helpers';

/** The pid of a process that has ended (a finished child's). */
async function deadPid(): Promise<number> {
  const p = execa('true');
  await p;
  return p.pid!;
}

const plant = (db: ReturnType<typeof openDb>, row: { pid: number; host: string; heartbeat_at: number }) =>
  db.prepare(`INSERT INTO run_lock (id, token, pid, host, experiment, started_at, heartbeat_at) VALUES (1, 'other', @pid, @host, 'old', '2020-01-01T00:00:00.000Z', @heartbeat_at)`).run(row);

describe('run lock: one writer per store', () => {
  it('a second holder is refused, naming the first; released, the store can be taken again', () => {
    const file = join(tmp(), 'store.db');
    const a = openDb(file);
    const b = openDb(file);
    const lock = acquireRunLock(a, file, { experiment: 'tiny' });
    try {
      expect(lock.tookOver).toBeUndefined();
      const row = lockHolder(b)!;
      expect(row).toMatchObject({ pid: process.pid, host: hostname(), experiment: 'tiny' });
      let err: unknown;
      try {
        acquireRunLock(b, file);
      } catch (e) {
        err = e;
      }
      expect(err).toBeInstanceOf(UserError);
      expect((err as UserError).code).toBe(2);
      expect((err as Error).message).toContain(`${file}: another plateau run is writing this store (pid ${process.pid} on host ${hostname()}, experiment 'tiny', since ${row.started_at})`);
    } finally {
      lock.release();
    }
    expect(lockHolder(b)).toBeUndefined();
    const again = acquireRunLock(b, file);
    again.release();
    a.close();
    b.close();
  });

  it('takes over a row whose pid is gone on this host, and records it', async () => {
    const file = join(tmp(), 'store.db');
    const db = openDb(file);
    const pid = await deadPid();
    plant(db, { pid, host: hostname(), heartbeat_at: Date.now() });
    const lock = acquireRunLock(db, file, { experiment: 'tiny' });
    expect(lock.tookOver?.why).toBe(`pid ${pid} is no longer running on ${hostname()}`);
    expect(lockHolder(db)?.pid).toBe(process.pid);
    const ev = db.prepare(`SELECT kind, message FROM events WHERE kind = 'lock'`).all() as { message: string }[];
    expect(ev).toHaveLength(1);
    expect(ev[0].message).toContain(`took over the run lock of pid ${pid} on host ${hostname()}`);
    lock.release();
    db.close();
  });

  it('another host: refused while its heartbeat is fresh, taken over once it is stale', () => {
    const file = join(tmp(), 'store.db');
    const db = openDb(file);
    plant(db, { pid: 1, host: 'elsewhere', heartbeat_at: Date.now() - 1000 });
    expect(() => acquireRunLock(db, file)).toThrow(/pid 1 on host elsewhere, experiment 'old', since 2020-01-01T00:00:00.000Z/);
    db.prepare(`UPDATE run_lock SET heartbeat_at = ?`).run(Date.now() - STALE_MS - 1000);
    const lock = acquireRunLock(db, file);
    expect(lock.tookOver?.why).toMatch(/heartbeat is \d+ s old/);
    lock.release();
    db.close();
  });

  it('refreshes its heartbeat; a run whose row was taken is told to stop', async () => {
    const file = join(tmp(), 'store.db');
    const db = openDb(file);
    const other = openDb(file);
    const lock = acquireRunLock(db, file, { refreshMs: 50 });
    const first = lockHolder(other)!.heartbeat_at;
    await new Promise((r) => setTimeout(r, 200));
    expect(lockHolder(other)!.heartbeat_at).toBeGreaterThan(first);
    expect(lock.signal.aborted).toBe(false);
    other.prepare(`UPDATE run_lock SET token = 'thief', pid = 4242, host = 'elsewhere'`).run();
    await new Promise((r) => setTimeout(r, 200));
    expect(lock.signal.aborted).toBe(true);
    expect(String((lock.signal.reason as Error).message)).toMatch(/lost its lock on the store to pid 4242 on host elsewhere/);
    lock.release(); // not ours any more: the thief's row stays
    expect(lockHolder(other)?.token).toBe('thief');
    db.close();
    other.close();
  });

  it('readers are never blocked by it', () => {
    const file = join(tmp(), 'store.db');
    const db = openDb(file);
    const lock = acquireRunLock(db, file);
    const reader = openDb(file, { readonly: true });
    expect(reader.prepare(`SELECT COUNT(*) AS n FROM jobs`).get()).toEqual({ n: 0 });
    reader.close();
    lock.release();
    db.close();
  });
});
