import { readFileSync } from 'node:fs';
import { join, matchesGlob } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT } from '../helpers';

/**
 * The image cannot be built here (no base image can be pulled), so this checks what can be checked:
 * its set-up IS scripts/setup.sh (called, not copied), as a non-root user, with plateau as the entry
 * point, and .dockerignore keeps a checkout's own build outputs, stores and keys out of it.
 */
function instructions(text: string): { op: string; args: string }[] {
  return text
    .replace(/\\\n/g, ' ') // continuation lines
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l && !l.startsWith('#'))
    .map((l) => {
      const [op, ...rest] = l.split(/\s+/);
      return { op: op.toUpperCase(), args: rest.join(' ') };
    });
}

const dockerfile = instructions(readFileSync(join(ROOT, 'Dockerfile'), 'utf8'));
const setup = readFileSync(join(ROOT, 'scripts', 'setup.sh'), 'utf8');

describe('the Dockerfile', () => {
  it('sets up by running scripts/setup.sh, and repeats none of its steps', () => {
    const runs = dockerfile.filter((i) => i.op === 'RUN').map((i) => i.args);
    expect(runs.filter((r) => /\bbash scripts\/setup\.sh\b/.test(r))).toHaveLength(1);
    for (const r of runs) expect(r, r).not.toMatch(/\bnpm (ci|install)\b|\bpip3? install\b|-m venv\b|\bnode-linux-/);
    // what setup.sh asks the system for: Python >= 3.10 with venv (bookworm's is 3.11); Node >= 22 from the base image
    expect(setup).toContain('apt-get install python3-venv');
    expect(runs.some((r) => /apt-get install .*\bpython3 python3-venv\b/.test(r))).toBe(true);
    expect(dockerfile.find((i) => i.op === 'FROM')?.args).toMatch(/^node:(2[2-9]|[3-9]\d)-bookworm/);
  });

  it("passes setup.sh only variables setup.sh reads (the torch version and index: CPU by default)", () => {
    const env = dockerfile.filter((i) => i.op === 'ENV').flatMap((i) => [...i.args.matchAll(/(\w+)=/g)].map((m) => m[1]));
    const forSetup = env.filter((v) => v.startsWith('PLATEAU_') && v !== 'PLATEAU_ROOT');
    expect(forSetup.sort()).toEqual(['PLATEAU_TORCH', 'PLATEAU_TORCH_INDEX']);
    for (const v of forSetup) expect(setup, v).toContain(`\${${v}`);
    const arg = dockerfile.find((i) => i.op === 'ARG' && i.args.startsWith('TORCH_INDEX='));
    expect(arg?.args).toBe('TORCH_INDEX=https://download.pytorch.org/whl/cpu');
  });

  it('runs set-up and plateau as a non-root user, with bin/plateau as the entry point', () => {
    const user = dockerfile.findIndex((i) => i.op === 'USER');
    const setupRun = dockerfile.findIndex((i) => i.op === 'RUN' && i.args.includes('scripts/setup.sh'));
    expect(user).toBeGreaterThan(-1);
    expect(dockerfile[user].args).not.toMatch(/^(root|0)(:|$)/);
    expect(user).toBeLessThan(setupRun);
    const workdir = dockerfile.find((i) => i.op === 'WORKDIR')!.args;
    expect(JSON.parse(dockerfile.find((i) => i.op === 'ENTRYPOINT')!.args)).toEqual([`${workdir}/bin/plateau`]);
  });

  it(".dockerignore keeps out node_modules, .venv, stores and keys, and nothing setup.sh needs", () => {
    const patterns = readFileSync(join(ROOT, '.dockerignore'), 'utf8').split('\n').map((l) => l.trim()).filter((l) => l && !l.startsWith('#'));
    const ignored = (p: string) => patterns.some((g) => matchesGlob(p, g) || p.startsWith(`${g}/`));
    for (const p of ['node_modules', '.venv', '.tools', '.plateau', '.plateau/curve/broker.json', '.git', 'my.db', 'py/plateau/__pycache__']) expect(ignored(p), p).toBe(true);
    for (const p of ['package.json', 'package-lock.json', 'pyproject.toml', 'scripts/setup.sh', 'scripts/env.sh', 'bin/plateau', 'ts/cli.ts', 'py/plateau/worker.py', 'schemas/job.json', 'experiments/synthetic-2d.yaml']) {
      expect(ignored(p), p).toBe(false);
    }
  });
});
