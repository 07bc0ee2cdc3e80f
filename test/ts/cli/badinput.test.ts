import { describe, expect, it } from 'vitest';
import { tmp } from '../helpers';
import { CASES, runCase } from './badinput.cases';

/**
 * Bad input at the real CLI, one case a row (badinput.cases.ts): the documented exit code, one line
 * on stderr naming the file or field, no stack frame and no Node error prefix, and nothing written.
 */
describe('bad input: one sentence, the documented exit code, nothing written', () => {
  it.concurrent.each(CASES.map((c) => [c.what, c] as const))('%s', async (_, c) => {
    const D = tmp('plateau-bad-');
    const r = await runCase(c, D);
    const lines = r.stderr.trim().split('\n');
    expect(lines, r.stderr).toHaveLength(1);
    expect(lines[0]).toMatch(/^plateau: /);
    expect(lines[0]).toContain(c.names(D));
    expect(r.stderr).not.toMatch(/^\s+at /m);
    expect(r.stderr).not.toMatch(/\bat .+:\d+:\d+\)?$/m);
    expect(r.stderr).not.toMatch(/(^|\s)\w*Error:/);
    expect(r.stderr).not.toMatch(/internal error/);
    expect(r.code, r.stderr).toBe(c.code);
    if (c.untouched) expect(r.after).toEqual(r.before);
  });
});
