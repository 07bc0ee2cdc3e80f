import { createHash } from 'node:crypto';
import { readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { repoRoot } from '../root';
import { makeFolder } from '../folder';

/**
 * The answer a view printed, kept on disk by what it was computed from: the experiment's stored
 * results, the options, the calibration and corpus files, and the program itself (the CLI bundle
 * or source file that ran). A second `status` on an unchanged store prints the same answer without
 * fitting again (the fits are most of its time); anything that could change the answer changes the
 * key. Not in the store: a reader never writes there. `$PLATEAU_CACHE`, else `.plateau/cache/answers`.
 */

/** A folder of the cache: `answers` here, `fits` for the engine's pieces (surrogate/fitMemo.ts). */
export const cacheFolder = (kind: 'answers' | 'fits') => (process.env.PLATEAU_CACHE ? join(process.env.PLATEAU_CACHE, kind) : join(repoRoot(), '.plateau', 'cache', kind));
const dir = () => cacheFolder('answers');

/** What the program is: the file Node ran and the engine's data files, by path, size and mtime. */
function programStamp(): string {
  const files = [process.argv[1] ?? '', join(repoRoot(), 'ts', 'surrogate', 'calibration.json'), join(repoRoot(), 'ts', 'surrogate', 'analogues.json')];
  return files.map((f) => {
    try {
      const s = statSync(f);
      return `${f}:${s.size}:${s.mtimeMs}`;
    } catch {
      return `${f}:-`;
    }
  }).join('|');
}

export function answerKey(parts: unknown): string {
  return createHash('sha256').update(JSON.stringify([programStamp(), parts])).digest('hex').slice(0, 40);
}

export function readAnswer<T>(key: string): T | null {
  try {
    return JSON.parse(readFileSync(join(dir(), `${key}.json`), 'utf8')) as T;
  } catch {
    return null; // absent or damaged: computed again
  }
}

/** Written whole (a temporary file, then a rename), so a reader never sees half an answer; a cache that cannot be written is skipped. */
export function saveAnswer(key: string, value: unknown): void {
  try {
    makeFolder(dir());
    const tmp = join(dir(), `${key}.${process.pid}.tmp`);
    writeFileSync(tmp, JSON.stringify(value));
    renameSync(tmp, join(dir(), `${key}.json`));
  } catch {
    /* a read-only checkout: answer without the cache */
  }
}
