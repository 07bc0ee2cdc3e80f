import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { main } from '../../../ts/cli';
import { EXIT, UserError, describeError } from '../../../ts/errors';
import { openDb } from '../../../ts/store/db';
import { tmp } from '../helpers';

// A bug somewhere below a command: jobCounts throws what no user could fix.
vi.mock('../../../ts/store/jobs', async (orig) => ({
  ...(await orig<typeof import('../../../ts/store/jobs')>()),
  jobCounts: () => {
    throw new TypeError("Cannot read properties of undefined (reading 'n')");
  },
}));

let err: string[];
const root = process.env.PLATEAU_ROOT;
beforeEach(() => {
  err = [];
  vi.spyOn(console, 'error').mockImplementation((...a) => void err.push(a.join(' ')));
  vi.spyOn(console, 'log').mockImplementation(() => {});
});
afterEach(() => {
  vi.restoreAllMocks();
  if (root === undefined) delete process.env.PLATEAU_ROOT;
  else process.env.PLATEAU_ROOT = root;
});

const logOf = (line: string) => /the details are in (\S+\.log);/.exec(line)?.[1];

describe('an internal error: one sentence, exit 4, the trace in a log file', () => {
  it('through the CLI: the sentence names the log, which holds the stack', async () => {
    const dir = tmp();
    process.env.PLATEAU_ROOT = dir;
    const dbFile = join(dir, 'store.db');
    openDb(dbFile).close();
    const code = await main(['node', 'plateau', 'status', '--db', dbFile]);
    process.exitCode = 0;
    expect(code).toBe(EXIT.internal);
    expect(err).toHaveLength(1);
    expect(err[0]).toMatch(/^plateau: internal error \(TypeError, Cannot read properties of undefined \(reading 'n'\)\); the details are in .+; please report it$/);
    expect(err[0]).not.toMatch(/(^|\s)\w*Error:/);
    const log = logOf(err[0])!;
    expect(log.startsWith(join(dir, '.plateau', 'logs', 'plateau-'))).toBe(true);
    const text = readFileSync(log, 'utf8');
    expect(text).toContain('TypeError: Cannot read properties of undefined');
    expect(text).toMatch(/\n\s+at /); // the stack is in the file, not on the screen
  });

  it('falls back to the temp folder when .plateau/logs cannot be written', () => {
    const dir = tmp();
    writeFileSync(join(dir, 'file'), 'x');
    process.env.PLATEAU_ROOT = join(dir, 'file'); // .plateau under a file: cannot be made
    const { line, code } = describeError(new RangeError('boom'));
    expect(code).toBe(4);
    const log = logOf(line)!;
    expect(log.startsWith(join(tmpdir(), 'plateau-logs'))).toBe(true);
    expect(existsSync(log)).toBe(true);
  });

  it('a UserError is its own message and code; an SQLite error about the store names it', () => {
    expect(describeError(new UserError('x.yaml: bad', 3))).toEqual({ line: 'x.yaml: bad', code: 3 });
    const dbFile = join(tmp(), 'store.db');
    openDb(dbFile).close();
    const corrupt = Object.assign(new Error('database disk image is malformed'), { code: 'SQLITE_CORRUPT' });
    expect(describeError(corrupt)).toEqual({ line: `${dbFile}: it is damaged (SQLite: database disk image is malformed); restore it from a backup or pass another --db`, code: 2 });
  });
});
