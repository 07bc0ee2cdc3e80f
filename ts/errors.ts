import { writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { makeFolder } from './folder';

/**
 * The exit codes every command uses (README, "Exit codes"):
 * 0 ok, 1 jobs failed, 2 bad input (experiment, option, store, CSV), 3 set-up missing (Python, packages),
 * 4 an internal error (a bug: the trace goes to a log file whose path is printed).
 */
export const EXIT = { ok: 0, failedJobs: 1, badInput: 2, setup: 3, internal: 4 } as const;

/**
 * An error the user can act on: printed as its message alone (no stack), exiting with `code`.
 * 2 = bad input (experiment, formula, CSV, options, store), 3 = environment (Python, set-up), 1 = run failures.
 */
export class UserError extends Error {
  constructor(
    message: string,
    readonly code: number = EXIT.badInput,
  ) {
    super(message);
    this.name = 'UserError';
  }
}

/** Where internal-error traces go: `.plateau/logs` beside the default store, else the OS temp folder. */
function logFolders(): string[] {
  return [join(process.env.PLATEAU_ROOT ?? process.cwd(), '.plateau', 'logs'), join(tmpdir(), 'plateau-logs')];
}

/** Writes `text` to a new log file and returns its path (undefined when no folder could be written). */
export function writeLog(text: string): string | undefined {
  const stamp = new Date().toISOString().replace(/[:.]/g, '-');
  for (const dir of logFolders()) {
    try {
      makeFolder(dir);
      const file = join(dir, `plateau-${stamp}-${process.pid}.log`);
      writeFileSync(file, text, { flag: 'wx' });
      return file;
    } catch {
      /* next folder */
    }
  }
  return undefined;
}

const translators: ((e: unknown) => UserError | undefined)[] = [];

/** Lets a module say which of its errors are the user's to fix (e.g. the store's SQLite errors, ts/store/db.ts). */
export function translateErrors(f: (e: unknown) => UserError | undefined): void {
  translators.push(f);
}

/**
 * Every error as the user sees it: one sentence and an exit code. A UserError is its message; anything
 * else is a bug: its trace goes to a log file, and the sentence names the file.
 */
export function describeError(e: unknown, argv: readonly string[] = process.argv): { line: string; code: number } {
  if (e instanceof UserError) return { line: e.message, code: e.code };
  for (const t of translators) {
    const u = t(e);
    if (u) return { line: u.message, code: u.code };
  }
  const err = e instanceof Error ? e : new Error(String(e));
  const first = `${err.name}: ${err.message}`.split('\n')[0].slice(0, 300);
  const log = writeLog(
    [`plateau ${argv.slice(2).join(' ')}`, `at ${new Date().toISOString()}, node ${process.version}, pid ${process.pid}`, '', err.stack ?? first, ''].join('\n'),
  );
  const where = log ? `the details are in ${log}` : 'no log file could be written';
  // Shown without Node's "Error:" prefix: the kind of fault is said in words.
  return { line: `internal error (${first.replace(/^(\w*Error): /, '$1, ')}); ${where}; please report it`, code: EXIT.internal };
}
