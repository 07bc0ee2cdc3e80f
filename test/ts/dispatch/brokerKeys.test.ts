import { existsSync, readFileSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { execa } from 'execa';
import { curveKeyPair } from 'zeromq';
import { expect, it } from 'vitest';
import { PYTHON, ROOT, tinySpec, tmp } from '../helpers';

it("keeps the broker's key pair in the project's .plateau/curve/, not beside --db, and prints its public key", async () => {
  const project = tmp();
  const elsewhere = tmp();
  symlinkSync(join(ROOT, 'schemas'), join(project, 'schemas')); // the workers read the contract from the project
  const file = join(project, 'e.yaml');
  writeFileSync(file, JSON.stringify(tinySpec({ fractions: [1], models: [{ family: 'resunet', depths: [2], channels: 4, res_units: 1 }] })));
  writeFileSync(join(project, 'workers.txt'), `${curveKeyPair().publicKey}\n`);
  const r = await execa(process.execPath, ['--import', join(ROOT, 'node_modules/tsx/dist/loader.mjs'), join(ROOT, 'ts/cli.ts'),
    'run', file, '--db', join(elsewhere, 's.db'), '--bind', 'tcp://127.0.0.1:*', '--authorized-keys', join(project, 'workers.txt'), '--workers', '1', '--no-dashboard'], {
    reject: false, cwd: project, env: { PLATEAU_ROOT: project, PLATEAU_PYTHON: PYTHON, PLATEAU_SCHEMAS: join(ROOT, 'schemas') }, timeout: 90_000,
  });
  expect(r.exitCode, r.stderr).toBe(0);
  const keys = join(project, '.plateau', 'curve', 'broker.json');
  expect(existsSync(keys)).toBe(true);
  expect(statSync(keys).mode & 0o777).toBe(0o600);
  expect(existsSync(join(elsewhere, 'curve'))).toBe(false);
  expect(r.stderr).toContain(`workers elsewhere: npx plateau worker --connect tcp://127.0.0.1:`);
  expect(r.stderr).toContain(`--server-key='${JSON.parse(readFileSync(keys, 'utf8')).publicKey}'`);
}, 120_000);
