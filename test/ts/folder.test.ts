import { existsSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { folderProblem, makeFolder } from '../../ts/folder';
import { tmp } from './helpers';

describe('makeFolder', () => {
  it('makes a folder and the missing ones above it, and accepts one that exists', () => {
    const d = join(tmp('plateau-folder-'), 'a', 'b', 'c');
    makeFolder(d);
    expect(statSync(d).isDirectory()).toBe(true);
    expect(() => makeFolder(d)).not.toThrow();
  });

  it.runIf(process.platform === 'linux')('fails at once under /proc, where a recursive mkdirSync never returns', () => {
    const t0 = performance.now();
    expect(() => makeFolder('/proc/plateau-no-such/report')).toThrow(/ENOENT/);
    expect(performance.now() - t0).toBeLessThan(1000);
    expect(existsSync('/proc/plateau-no-such')).toBe(false);
  });
});

describe('folderProblem', () => {
  it('names the file in the way, and passes a folder that can be made', () => {
    const D = tmp('plateau-folder-');
    writeFileSync(join(D, 'notes'), 'x');
    expect(folderProblem(join(D, 'notes', 'report'))).toBe(`${join(D, 'notes')} is a file, not a folder`);
    expect(folderProblem(join(D, 'notes'))).toBe('it is a file, not a folder');
    expect(folderProblem(join(D, 'new', 'report'))).toBeUndefined();
    expect(existsSync(join(D, 'new'))).toBe(false);
    // the probe leaves nothing behind
    expect(readdirSync(D)).toEqual(['notes']);
  });

  it('refuses a folder nothing can be made in, though root passes the permission check there', () => {
    expect(folderProblem('/proc/plateau-report')).toMatch(/^(nothing can be made in the folder \/proc \(E[A-Z]+\)|the folder \/proc is not writable)$/);
  });
});
