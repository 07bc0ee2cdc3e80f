import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { execa, type ResultPromise } from 'execa';
import { curveKeyPair } from 'zeromq';
import { describe, expect, it } from 'vitest';
import { isLoopback, readAuthorizedKeys } from '../../../ts/dispatch/curve';
import { runJobs } from '../../../ts/dispatch/run';
import { z85Decode } from '../../../ts/dispatch/z85';
import { expandGrid } from '../../../ts/experiment/grid';
import { openDb } from '../../../ts/store/db';
import { registerExperiment } from '../../../ts/store/jobs';
import { PYTHON, ROOT, cli, tiny, tinySpec, tmp } from '../helpers';

describe('CURVE for workers off loopback', () => {
  it('decodes Z85 as RFC 32 specifies', () => {
    expect(z85Decode('HelloWorld')).toEqual(Buffer.from([0x86, 0x4f, 0xd2, 0x6f, 0xb5, 0x59, 0xf7, 0x5b]));
    expect(() => z85Decode('Hello')).not.toThrow();
    expect(() => z85Decode('Hell~')).toThrow(/not a Z85 character/);
  });

  it('tells loopback from endpoints other machines can reach', () => {
    expect(['tcp://127.0.0.1:5555', 'tcp://localhost:1', 'tcp://[::1]:2', 'ipc:///tmp/x'].map(isLoopback)).toEqual([true, true, true, true]);
    expect(['tcp://0.0.0.0:5555', 'tcp://10.1.2.3:1', 'tcp://*:9'].map(isLoopback)).toEqual([false, false, false]);
  });

  it('reads authorized keys and names a bad line', () => {
    const dir = tmp();
    // A key with '#' in it (a Z85 character) must not be cut as a comment.
    let good = curveKeyPair().publicKey;
    while (!good.includes('#')) good = curveKeyPair().publicKey;
    writeFileSync(join(dir, 'keys'), `# workers\n${good}  # gpu box\n`);
    expect([...readAuthorizedKeys(join(dir, 'keys'))]).toEqual([z85Decode(good).toString('hex')]);
    writeFileSync(join(dir, 'bad'), `${good}\nnot-a-key\n`);
    expect(() => readAuthorizedKeys(join(dir, 'bad'))).toThrow(/bad:2: not a CURVE public key/);
  });

  it('gives jobs only to workers whose key is authorized', async () => {
    const dir = tmp();
    const keyFile = (name: string) => join(dir, `${name}.json`);
    const publicKey = async (name: string) => (await execa(PYTHON, ['-m', 'plateau.worker', '--keygen', keyFile(name)], { cwd: ROOT })).stdout.trim();
    const allowed = await publicKey('allowed');
    await publicKey('stranger');
    const exp = tiny({ name: 'curve' });
    const jobs = expandGrid(exp);
    const db = openDb(join(dir, 's.db'));
    registerExperiment(db, exp, jobs);
    const procs: ResultPromise[] = [];
    const worker = (id: string, endpoint: string, extra: string[]) =>
      procs.push(execa(PYTHON, ['-m', 'plateau.worker', '--connect', endpoint, '--id', id, '--threads', '1', '--timeout', '60', ...extra], { cwd: ROOT, reject: false }));
    const broker = curveKeyPair();
    try {
      const summary = await runJobs({
        db, experiment: exp.name, jobs, workers: 0, python: PYTHON, endpoint: 'tcp://127.0.0.1:*',
        curve: { keys: broker, authorized: new Set([z85Decode(allowed).toString('hex')]) },
        onStarted: (_, endpoint) => {
          // The strangers start first: one with a key nobody listed, one with no CURVE at all.
          worker('stranger', endpoint, ['--server-key', broker.publicKey, '--key-file', keyFile('stranger')]);
          worker('plain', endpoint, []);
          setTimeout(() => worker('allowed', endpoint, ['--server-key', broker.publicKey, '--key-file', keyFile('allowed')]), 1500);
        },
      });
      expect(summary).toMatchObject({ done: 4, failed: 0 });
      const by = db.prepare(`SELECT DISTINCT worker FROM jobs`).all() as { worker: string }[];
      expect(by).toEqual([{ worker: 'allowed' }]);
      expect(db.prepare(`SELECT id FROM workers ORDER BY id`).all()).toEqual([{ id: 'allowed' }]);
      expect((db.prepare(`SELECT COUNT(*) AS n FROM events WHERE kind = 'denied'`).get() as { n: number }).n).toBeGreaterThan(0);
    } finally {
      procs.forEach((p) => p.kill('SIGKILL'));
      db.close();
    }
  });

  it('refuses to bind off loopback without authorized keys, and --workers 0 without --bind', async () => {
    const file = join(tmp(), 'e.yaml');
    writeFileSync(file, JSON.stringify(tinySpec()));
    const open = await cli(['run', file, '--db', join(tmp(), 's.db'), '--bind', 'tcp://0.0.0.0:5555']);
    expect(open.exitCode).toBe(2);
    expect(open.stderr).toMatch(/reachable from other machines: add --authorized-keys FILE/);
    const none = await cli(['run', file, '--db', join(tmp(), 's.db'), '--workers', '0']);
    expect(none.exitCode).toBe(2);
    expect(none.stderr).toMatch(/--workers 0 trains nothing unless remote workers can connect/);
  });
});
