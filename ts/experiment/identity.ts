import { createHash } from 'node:crypto';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import type { Dataset } from './dataset';
import type { ModelSpec } from './model';

/*
 * What identifies a data set in a job key: its spec without where it lives (root, the data list's
 * path), plus a digest of its content: every file's name relative to the data set's folder and
 * its size. The same data under another spelling of its root, or mounted elsewhere, gives the same
 * keys, so a grid is never trained twice for a path; other data (a file added, removed or resized)
 * gives other keys. Modification times stay out: a copy keeps its identity.
 */

const digest = (lines: string[]) => createHash('sha256').update(lines.join('\n')).digest('hex').slice(0, 16);

/** Relative path and size of every file under `root` (hidden files such as .DS_Store left out). */
function folderLines(root: string): string[] {
  return readdirSync(root, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile() && !e.name.startsWith('.'))
    .map((e) => join(e.parentPath, e.name))
    .map((path) => `${relative(root, path)}\0${statSync(path).size}`)
    .sort();
}

/** The data list's own bytes, and each file it names with its size (paths as written, relative to the list). */
function datalistLines(file: string): string[] {
  const text = readFileSync(file, 'utf8');
  const lines = [createHash('sha256').update(text).digest('hex')];
  const names = new Set<string>();
  const walk = (v: unknown): void => {
    if (typeof v === 'string' && /\.[A-Za-z0-9.]+$/.test(v)) names.add(v);
    else if (Array.isArray(v)) v.forEach(walk);
    else if (v && typeof v === 'object') Object.values(v).forEach(walk);
  };
  try {
    walk(JSON.parse(text));
  } catch {
    return lines; // not JSON: the data check says so
  }
  for (const name of [...names].sort()) {
    try {
      lines.push(`${name}\0${statSync(resolve(dirname(file), name)).size}`);
    } catch {
      lines.push(`${name}\0missing`);
    }
  }
  return lines;
}

/**
 * The data set as a job key sees it. Where its files cannot be read (not there yet, e.g. a dry run
 * on another machine) the resolved path stands in, so such keys differ from the ones with data.
 */
export function dataIdentity(d: Dataset): Record<string, unknown> {
  if ('root' in d) {
    const { root, ...rest } = d;
    try {
      return { ...rest, content: digest(folderLines(root)) };
    } catch {
      return { ...rest, content: `path:${resolve(root)}` };
    }
  }
  if (d.kind === 'datalist') {
    const { datalist, ...rest } = d;
    try {
      return { ...rest, content: digest(datalistLines(datalist)) };
    } catch {
      return { ...rest, content: `path:${resolve(datalist)}` };
    }
  }
  return d;
}

/**
 * A model as a job key sees it: a bundle by its files (names and sizes) and pretrained weights by
 * their bytes, not by where they lie; every other spec as it is.
 */
export function modelIdentity(m: ModelSpec): Record<string, unknown> {
  if (m.family === 'bundle') {
    const { bundle, ...rest } = m;
    try {
      return { ...rest, content: digest(folderLines(bundle)) };
    } catch {
      return { ...rest, content: `path:${resolve(bundle)}` };
    }
  }
  if (m.family === 'target' && m.pretrained !== undefined) {
    const { pretrained, ...rest } = m;
    try {
      return { ...rest, pretrained: createHash('sha256').update(readFileSync(pretrained)).digest('hex').slice(0, 16) };
    } catch {
      return { ...rest, pretrained: `path:${resolve(pretrained)}` };
    }
  }
  return m;
}
