import { readlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { execa } from 'execa';
import { describe, expect, it } from 'vitest';
import { ROOT, tmp } from '../helpers';

/**
 * bin/plateau runs the esbuild bundle of ts/ (scripts/build-cli.mjs); it must behave as the sources
 * do under tsx: the same help, and the same answer from the engine, which reads calibration.json
 * next to its own source file (the bundle keeps each module's own import.meta.url).
 */
const TSX = ['--import', join(ROOT, 'node_modules/tsx/dist/loader.mjs'), join(ROOT, 'ts/cli.ts')];

async function both(args: string[]) {
  await execa(process.execPath, [join(ROOT, 'scripts/build-cli.mjs')], { cwd: ROOT });
  const bundle = join(ROOT, '.plateau/cli', readlinkSync(join(ROOT, '.plateau/cli/current')), 'cli.js');
  const env = { NO_COLOR: '1' };
  const [b, t] = await Promise.all([
    execa(process.execPath, [bundle, ...args], { cwd: ROOT, reject: false, env }),
    execa(process.execPath, [...TSX, ...args], { cwd: ROOT, reject: false, env }),
  ]);
  return { b, t };
}

describe('the CLI bundle', () => {
  it('prints the same help as the sources', async () => {
    for (const args of [['--help'], ['forecast', '--help'], ['run', '--help']]) {
      const { b, t } = await both(args);
      expect(b.exitCode).toBe(0);
      expect(b.stdout).toBe(t.stdout);
      expect(b.stdout.length).toBeGreaterThan(200);
    }
  });

  it("answers a forecast as the sources do (the engine's calibration file found from the bundle)", async () => {
    const csv = join(tmp(), 'curve.csv');
    const rows = [100, 200, 300, 400, 500, 600].map((n) => `${n},${(0.88 - 0.7 / Math.sqrt(n)).toFixed(4)},m`);
    writeFileSync(csv, ['n,dice,model', ...rows].join('\n'));
    const { b, t } = await both(['forecast', '--curve', csv, '--json']);
    expect(b.stderr).toBe('');
    expect(b.exitCode).toBe(0);
    const [jb, jt] = [JSON.parse(b.stdout), JSON.parse(t.stdout)];
    expect(jb).toEqual(jt);
    expect(jb.forecasts.length).toBeGreaterThan(0);
  });

  it('a bad command line is exit 2 with one line, as from the sources', async () => {
    const { b, t } = await both(['forecast', '--method', 'bogus']);
    expect(b.exitCode).toBe(2);
    expect(b.stderr).toBe(t.stderr);
  });
});
