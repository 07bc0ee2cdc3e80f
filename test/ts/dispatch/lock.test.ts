import { writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { stringify } from 'yaml';
import { describe, expect, it } from 'vitest';
import { openDb } from '../../../ts/store/db';
import { type LockRow, lockHolder } from '../../../ts/store/lock';
import { cli, tinySpec, tmp } from '../helpers';

/** A tiny experiment with epochs enough that a run lasts a while. */
function experiment(dir: string, epochs = 4) {
  const file = join(dir, 'tiny.yaml');
  writeFileSync(file, stringify(tinySpec({ training: { epochs, batch_size: 8, lr: 0.01 } })));
  return file;
}

/** Polls the store (read-only, as any reader) until `f` gives something. */
async function until<T>(dbFile: string, f: (db: ReturnType<typeof openDb>) => T | undefined, ms = 90_000): Promise<T> {
  const t0 = Date.now();
  while (Date.now() - t0 < ms) {
    try {
      const db = openDb(dbFile, { readonly: true });
      try {
        const v = f(db);
        if (v !== undefined) return v;
      } finally {
        db.close();
      }
    } catch {
      /* not created yet */
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`timed out waiting on ${dbFile}`);
}

const read = <T>(dbFile: string, f: (db: ReturnType<typeof openDb>) => T): T => {
  const db = openDb(dbFile, { readonly: true });
  try {
    return f(db);
  } finally {
    db.close();
  }
};

describe('one writer per store, through the real CLI', () => {
  it('a second run on a store in use exits 2 naming the first, trains nothing; after the first ends a run succeeds', async () => {
    const dir = tmp();
    const file = experiment(dir);
    const dbFile = join(dir, 'store.db');
    const first = cli(['run', file, '--db', dbFile, '--workers', '1', '--json']);
    const holder = await until<LockRow>(dbFile, lockHolder);
    expect(holder).toMatchObject({ pid: first.pid, host: hostname(), experiment: 'tiny' });

    const second = await cli(['run', file, '--db', dbFile, '--workers', '1', '--json']);
    expect(second.exitCode).toBe(2);
    expect(second.stdout).toBe('');
    const lines = second.stderr.trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toBe(
      `plateau: ${dbFile}: another plateau run is writing this store (pid ${first.pid} on host ${hostname()}, experiment 'tiny', since ${holder.started_at}); wait for it to finish or stop it — a store has one writer at a time`,
    );
    // readers are not blocked while the run holds the store
    const status = await cli(['status', '--db', dbFile, '--json']);
    expect(status.exitCode).toBe(0);
    expect(JSON.parse(status.stdout).jobs.total).toBe(4);

    const r = await first;
    expect(r.exitCode, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ trained: 4, failed: 0 });
    // every job trained exactly once: one attempt each, one worker start only (the second run started none)
    read(dbFile, (db) => {
      expect(db.prepare(`SELECT status, attempts FROM jobs`).all()).toEqual(Array(4).fill({ status: 'done', attempts: 1 }));
      expect(db.prepare(`SELECT COUNT(*) AS n FROM workers`).get()).toEqual({ n: 1 });
      expect(lockHolder(db)).toBeUndefined();
    });

    const third = await cli(['run', file, '--db', dbFile, '--workers', '1', '--json', '--set', 'name=second', '--set', 'training.epochs=1']);
    expect(third.exitCode, third.stderr).toBe(0);
    expect(JSON.parse(third.stdout)).toMatchObject({ trained: 4, failed: 0 });
    read(dbFile, (db) => expect(lockHolder(db)).toBeUndefined());
  });

  it('takes over a stale lock (a row whose pid is gone) and trains', async () => {
    const dir = tmp();
    const file = experiment(dir, 1);
    const dbFile = join(dir, 'store.db');
    const gone = execa('true');
    await gone;
    const db = openDb(dbFile);
    db.prepare(`INSERT INTO run_lock (id, token, pid, host, experiment, started_at, heartbeat_at) VALUES (1, 'dead', ?, ?, 'tiny', ?, ?)`).run(gone.pid, hostname(), new Date().toISOString(), Date.now());
    db.close();
    const r = await cli(['run', file, '--db', dbFile, '--workers', '1', '--json']);
    expect(r.exitCode, r.stderr).toBe(0);
    expect(r.stderr).toContain(`took over the lock of pid ${gone.pid} on host ${hostname()}`);
    expect(JSON.parse(r.stdout)).toMatchObject({ trained: 4, failed: 0 });
    read(dbFile, (db) => {
      expect(lockHolder(db)).toBeUndefined();
      expect((db.prepare(`SELECT message FROM events WHERE kind = 'lock'`).get() as { message: string }).message).toMatch(/no longer running/);
    });
  });

  it.each(['SIGINT', 'SIGTERM'] as const)('releases the lock on %s, and the next run finishes the grid', async (signal) => {
    const dir = tmp();
    const file = experiment(dir, 6);
    const dbFile = join(dir, 'store.db');
    const run = cli(['run', file, '--db', dbFile, '--workers', '1', '--json']);
    // wait until a job is being trained, then stop the run
    await until(dbFile, (db) => (db.prepare(`SELECT 1 AS y FROM jobs WHERE status = 'running'`).get() as { y: number } | undefined)?.y);
    run.kill(signal);
    const r = await run;
    expect(r.exitCode).toBe(signal === 'SIGINT' ? 130 : 143);
    expect(r.stderr).not.toMatch(/^\s+at /m);
    read(dbFile, (db) => expect(lockHolder(db)).toBeUndefined());
    // the job being trained went back to the queue: nothing is left 'running' by a stopped run
    read(dbFile, (db) => expect(db.prepare(`SELECT COUNT(*) AS n FROM jobs WHERE status = 'running'`).get()).toEqual({ n: 0 }));
    // the same experiment (a changed one would be refused as stored with other settings)
    const next = await cli(['run', file, '--db', dbFile, '--workers', '1', '--json']);
    expect(next.exitCode, next.stderr).toBe(0);
    expect(JSON.parse(next.stdout).jobs).toMatchObject({ total: 4, done: 4 });
  });
});
