import { createHash } from 'node:crypto';
import { readFileSync, readdirSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { makeFolder } from '../folder';

/**
 * The engine's costly pieces (one family's fit to one curve, one curve's analogue match) kept on
 * disk by exactly what they were computed from: the points, the options, and the code and data
 * files that compute them. When one result is added to a store only the curve it changed is
 * fitted again; the other curves' pieces are read back, number for number (every double is
 * written so it reads back bit for bit, -0, NaN and ±Infinity included). Off unless a command
 * turns it on (status does): benchmarks and calibration never touch the disk.
 */
let dir: string | null = null;

/** Past this many pieces the folder is pruned to half, oldest first (a few KB each; the corpus a few MB). */
export const KEEP_PIECES = 4000;

/** Where pieces are kept from now on in this process; null turns the memo off. */
export function keepFitsIn(folder: string | null, keep = KEEP_PIECES): void {
  dir = folder;
  if (folder) prune(folder, keep);
}

// every new result adds a few pieces and a new calibration a corpus file: without pruning the
// folder would only grow. One listing per command (about a millisecond for thousands of names).
function prune(folder: string, keep: number): void {
  try {
    const names = readdirSync(folder);
    if (names.length <= keep) return;
    const aged = names.map((n) => ({ n, t: statSync(join(folder, n)).mtimeMs })).sort((a, b) => a.t - b.t);
    for (const { n } of aged.slice(0, names.length - Math.floor(keep / 2))) rmSync(join(folder, n), { force: true });
  } catch {
    /* another process pruning at once, or a read-only folder: kept as it is */
  }
}

const stamps = new Map<string, string>();
/** A file by path, size and mtime (once per process): the code or data a piece came from. */
export function fileStamp(file: string): string {
  let s = stamps.get(file);
  if (s === undefined) {
    try {
      const st = statSync(file);
      s = `${file}:${st.size}:${st.mtimeMs}`;
    } catch {
      s = `${file}:-`;
    }
    stamps.set(file, s);
  }
  return s;
}

// JSON writes -0 as 0 and NaN or ±Infinity as null: those are written as strings instead
const SPECIAL = new Set(['-0', 'NaN', 'Infinity', '-Infinity']);
const exact = (_k: string, v: unknown) => (typeof v === 'number' && (Object.is(v, -0) || !Number.isFinite(v)) ? (Object.is(v, -0) ? '-0' : String(v)) : v);
const back = (_k: string, v: unknown) => (typeof v === 'string' && SPECIAL.has(v) ? Number(v) : v);

const keyOf = (kind: string, stamp: () => string, inputs: unknown) => createHash('sha256').update(JSON.stringify([kind, stamp(), inputs], exact)).digest('hex').slice(0, 40);

/**
 * `compute()`, read back from `file` where it is kept there, else computed and kept (written to a
 * temporary name and renamed, so a reader never sees half a file). A file that cannot be read or
 * decoded is computed again; one that cannot be written (a read-only checkout) is not kept.
 */
function kept<T>(file: string, read: (f: string) => T, write: (f: string, v: T) => void, compute: () => T): T {
  try {
    return read(file);
  } catch {
    /* not kept yet, or damaged: computed again */
  }
  const v = compute();
  try {
    makeFolder(dir!);
    const tmp = `${file}.${process.pid}.tmp`;
    write(tmp, v);
    renameSync(tmp, file);
  } catch {
    /* a read-only checkout: computed every time */
  }
  return v;
}

/**
 * The piece computed from `inputs` by `compute`, read back when kept (`decode` rebuilds what a
 * file cannot hold, such as the curve as a function), else computed and kept. `stamp` names the
 * code and data files it depends on (asked only when the memo is on).
 */
export function remembered<T, R>(kind: string, stamp: () => string, inputs: unknown, compute: () => T, encode: (v: T) => R, decode: (r: R) => T): T {
  if (!dir) return compute();
  return kept(
    join(dir, `${kind}-${keyOf(kind, stamp, inputs)}.json`),
    (f) => decode((JSON.parse(readFileSync(f, 'utf8'), back) as { value: R }).value),
    (f, v) => writeFileSync(f, JSON.stringify({ value: encode(v) }, exact)),
    compute,
  );
}

/**
 * A large piece of numbers only (the analogue corpus cut at every size), kept as raw doubles:
 * read back in a millisecond where building it takes tens. Same contract as `remembered`.
 */
export function rememberedDoubles<T>(kind: string, stamp: () => string, compute: () => T, encode: (v: T) => Float64Array, decode: (a: Float64Array) => T): T {
  if (!dir) return compute();
  return kept(
    join(dir, `${kind}-${keyOf(kind, stamp, null)}.bin`),
    (f) => {
      const b = readFileSync(f);
      // a Float64Array view needs an 8-byte aligned start: copy when the buffer is not
      return decode(b.byteOffset % 8 === 0 ? new Float64Array(b.buffer, b.byteOffset, b.byteLength / 8) : new Float64Array(new Uint8Array(b).buffer));
    },
    (f, v) => {
      const a = encode(v);
      writeFileSync(f, new Uint8Array(a.buffer, a.byteOffset, a.byteLength));
    },
    compute,
  );
}
