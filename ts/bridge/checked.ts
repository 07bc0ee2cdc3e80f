import { createHash } from 'node:crypto';
import { readdirSync, readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join, relative, resolve } from 'node:path';
import type { Dataset } from '../experiment/dataset';
import { makeFolder } from '../folder';

/*
 * Data sets already checked, known without starting Python: a data set whose spec and whose files'
 * names, sizes and modification times are unchanged since a check passed is not checked again. The
 * worker's own scan cache (py/plateau/data/check.py) has the same key, but asking it means starting
 * Python and importing torch, seconds a resumed run should not wait (issue 13).
 */

const VERSION = 2; // bump when what a check reports changes (2: images of another dimension or size, dataset.size's sides)

/** The folder both caches live in: $PLATEAU_CACHE_DIR, else ~/.cache/plateau (as check.py). */
const cacheDir = () => process.env.PLATEAU_CACHE_DIR || join(homedir(), '.cache', 'plateau');

/** Every file under `dir`, sorted. */
const filesUnder = (dir: string) =>
  readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile())
    .map((e) => join(e.parentPath, e.name))
    .sort();

/**
 * The files a data list names: every string in it that is, relative to its folder, a file or a
 * folder (a DICOM series: the files under it), and the list itself. A name that is not there adds
 * nothing, so a file that goes missing changes the set, and with it the fingerprint.
 */
function listedFiles(list: string): string[] {
  const base = dirname(list);
  const found = new Set<string>([list]);
  const walk = (v: unknown): void => {
    if (typeof v === 'string') {
      const path = resolve(base, v);
      try {
        const st = statSync(path);
        if (st.isFile()) found.add(path);
        else if (st.isDirectory() && v.trim() && path !== base) for (const f of filesUnder(path)) found.add(f);
      } catch {
        /* not a path, or not there */
      }
    } else if (Array.isArray(v)) v.forEach(walk);
    else if (v && typeof v === 'object') Object.values(v).forEach(walk);
  };
  walk(JSON.parse(readFileSync(list, 'utf8')));
  return [...found].sort();
}

/**
 * Hash of the spec and every file's path (relative to the data set's folder), size and mtime: the
 * files under its root, or those its data list names; undefined where they cannot be read.
 */
export function dataFingerprint(spec: Dataset): string | undefined {
  const root = 'root' in spec ? spec.root : spec.kind === 'datalist' ? dirname(spec.datalist) : undefined;
  if (!root) return undefined;
  const h = createHash('sha256').update(JSON.stringify([VERSION, spec]));
  try {
    const files = spec.kind === 'datalist' ? listedFiles(spec.datalist) : filesUnder(root);
    for (const path of files) {
      const st = statSync(path, { bigint: true });
      h.update(`${relative(root, path)}\0${st.size}\0${st.mtimeNs}\n`);
    }
  } catch {
    return undefined; // a missing or unreadable root or list: the real check says what is wrong
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
