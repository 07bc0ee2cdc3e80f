import { accessSync, constants, mkdirSync, mkdtempSync, rmdirSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';

/** Whether the process may access `path` with `mode` (fs.constants: R_OK, W_OK, X_OK). */
export const can = (path: string, mode: number): boolean => {
  try {
    accessSync(path, mode);
    return true;
  } catch {
    return false;
  }
};

/** The nearest part of `path` that exists (the path itself, or a folder above it). */
export function nearestExisting(path: string): { path: string; isFile: boolean } | undefined {
  for (let p = resolve(path); ; p = dirname(p)) {
    try {
      return { path: p, isFile: !statSync(p).isDirectory() };
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      if (code !== 'ENOENT' && code !== 'ENOTDIR') return undefined;
    }
    if (dirname(p) === p) return undefined;
  }
}

/**
 * Why `dir` cannot be an output folder, before anything is made (a file in the way, a folder above
 * it that is not writable, a folder nothing can be made in); undefined when it looks fine.
 */
export function folderProblem(dir: string): string | undefined {
  const near = nearestExisting(dir);
  if (!near) return 'it cannot be reached';
  if (near.isFile) return near.path === resolve(dir) ? 'it is a file, not a folder' : `${near.path} is a file, not a folder`;
  if (!can(near.path, constants.W_OK | constants.X_OK)) return near.path === resolve(dir) ? 'the folder is not writable' : `the folder ${near.path} is not writable`;
  // root passes the permission check anywhere, even where nothing can be made (/proc, a read-only
  // mount): so make and remove an empty folder there, before any work is done
  try {
    rmdirSync(mkdtempSync(join(near.path, '.plateau-probe-')));
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code ?? 'an error';
    return `nothing can be made in ${near.path === resolve(dir) ? 'the folder' : `the folder ${near.path}`} (${code})`;
  }
  return undefined;
}

/**
 * Makes `dir` and the folders above it, one level at a time: Node's mkdirSync(…, { recursive: true })
 * never returns for a path under /proc (seen on Node 24), where one level fails at once with ENOENT.
 */
export function makeFolder(dir: string, mode?: number): void {
  const missing: string[] = [];
  for (let p = resolve(dir); ; p = dirname(p)) {
    try {
      if (statSync(p).isDirectory()) break;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
    }
    missing.push(p);
    if (dirname(p) === p) break;
  }
  for (const p of missing.reverse()) {
    try {
      mkdirSync(p, mode);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
    }
  }
}
