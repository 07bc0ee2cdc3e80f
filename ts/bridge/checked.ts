import { createHash } from 'node:crypto';
import { readdirSync, readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join, relative } from 'node:path';
import type { Dataset } from '../experiment/dataset';
import { makeFolder } from '../folder';

/*
 * Data sets already checked, known without starting Python: a data set whose spec and whose files'
 * names, sizes and modification times are unchanged since a check passed is not checked again. The
 * worker's own scan cache (py/plateau/data/check.py) has the same key, but asking it means starting
 * Python and importing torch, seconds a resumed run should not wait (issue 13).
 */

const VERSION = 1; // bump when what a check reports changes

/** The folder both caches live in: $PLATEAU_CACHE_DIR, else ~/.cache/plateau (as check.py). */
const cacheDir = () => process.env.PLATEAU_CACHE_DIR || join(homedir(), '.cache', 'plateau');

/** Hash of the spec and every file's relative path, size and mtime under its root; undefined without a readable root. */
export function dataFingerprint(spec: Dataset): string | undefined {
  const root = 'root' in spec ? spec.root : undefined;
  if (!root) return undefined;
  const h = createHash('sha256').update(JSON.stringify([VERSION, spec]));
  try {
    const files = readdirSync(root, { recursive: true, withFileTypes: true })
      .filter((e) => e.isFile())
      .map((e) => join(e.parentPath, e.name))
      .sort();
    for (const path of files) {
      const st = statSync(path, { bigint: true });
      h.update(`${relative(root, path)}\0${st.size}\0${st.mtimeNs}\n`);
    }
  } catch {
    return undefined; // a missing or unreadable root: the real check says what is wrong
  }
  return h.digest('hex');
}

const entry = (fingerprint: string) => join(cacheDir(), `checked-${fingerprint}.json`);

/** The summary of an earlier check that passed on exactly these files, if any. */
export function checkedBefore<T>(fingerprint: string | undefined): T | undefined {
  if (!fingerprint) return undefined;
  try {
    return JSON.parse(readFileSync(entry(fingerprint), 'utf8')) as T;
  } catch {
    return undefined; // none yet, or unreadable: check again
  }
}

/** Remembers a check that passed (write, then rename: a concurrent reader never sees half a file). */
export function rememberChecked(fingerprint: string | undefined, summary: unknown): void {
  if (!fingerprint) return;
  try {
    makeFolder(cacheDir());
    const tmp = `${entry(fingerprint)}.${process.pid}.tmp`;
    writeFileSync(tmp, JSON.stringify(summary));
    renameSync(tmp, entry(fingerprint));
  } catch {
    /* a cache that cannot be written only costs the next run a check */
  }
}
