import { createHash, randomBytes } from 'node:crypto';
import { readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { endianness } from 'node:os';
import { dirname, join } from 'node:path';
import type * as tf from '@tensorflow/tfjs';
import { repoRoot } from '../root';
import { makeFolder } from '../folder';

/**
 * Pre-trained LSTM weights, cached in memory and on disk: pre-training on the synthetic family
 * costs seconds and depends only on the caller's key (architecture, options, seed, backend, code
 * version), so every fit with the same key starts from the same weights and stays deterministic.
 *
 * Disk: one JSON file per key under `$PLATEAU_CACHE`, else `.plateau/cache/lstm` in the repo
 * (git-ignored), named by a hash of the key. Each tensor's float32 bytes are stored in base64, so
 * a value read back is bit-identical to the one trained. Files are written to a temp name and
 * renamed, so a reader sees a whole file or none; a file that fails any check is retrained and
 * replaced. The disk cache is only a speed-up: any error reading or writing it is ignored.
 */
export interface Weights {
  values: Float32Array[];
  shapes: number[][];
}

/** Bump when the file layout below changes (the caller's key carries the pre-training's own version). */
const FORMAT = 1;
const TAG = 'plateau-lstm-pretrain';

// a promise per key, so concurrent fits in one process share one pre-training
const memory = new Map<string, Promise<Weights>>();

export function pretrained(key: string, train: () => Promise<tf.Tensor[]>): Promise<Weights> {
  let p = memory.get(key);
  if (!p) {
    p = loadOrTrain(key, train);
    memory.set(key, p);
    // a failed pre-training is not cached: the next call tries again
    p.catch(() => memory.delete(key));
  }
  return p;
}

async function loadOrTrain(key: string, train: () => Promise<tf.Tensor[]>): Promise<Weights> {
  const file = cacheFile(key);
  const cached = readWeights(file, key);
  if (cached) return cached;
  const ws = await train();
  const w: Weights = { values: ws.map((t) => t.dataSync().slice() as Float32Array), shapes: ws.map((t) => t.shape) };
  ws.forEach((t) => t.dispose());
  writeWeights(file, key, w);
  return w;
}

/** Read at each call, so a test or a caller can point it elsewhere. */
export function cacheDir(): string {
  return process.env.PLATEAU_CACHE || join(repoRoot(), '.plateau', 'cache', 'lstm');
}

export function cacheFile(key: string): string {
  const h = createHash('sha256').update(JSON.stringify([TAG, FORMAT, key])).digest('hex').slice(0, 32);
  return join(cacheDir(), `lstm-pretrain-${h}.json`);
}

const digest = (bufs: Buffer[]) => {
  const h = createHash('sha256');
  bufs.forEach((b) => h.update(b));
  return h.digest('hex');
};

const bytesOf = (v: Float32Array) => Buffer.from(v.buffer, v.byteOffset, v.byteLength);

function writeWeights(file: string, key: string, w: Weights): void {
  const bufs = w.values.map(bytesOf);
  const body = JSON.stringify({
    format: TAG, version: FORMAT, key, endianness: endianness(), shapes: w.shapes,
    values: bufs.map((b) => b.toString('base64')), sha256: digest(bufs),
  });
  const tmp = `${file}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`;
  try {
    makeFolder(dirname(file));
    writeFileSync(tmp, body);
    renameSync(tmp, file);
  } catch {
    // read-only or full disk: the weights are in memory, the next process retrains
    try {
      rmSync(tmp, { force: true });
    } catch {
      // the folder itself is unusable: nothing was left behind
    }
  }
}

const isShape = (s: unknown): s is number[] => Array.isArray(s) && s.every((d) => Number.isInteger(d) && d >= 0);

/** The cached weights, or null when the file is missing, for another key or in any way damaged. */
function readWeights(file: string, key: string): Weights | null {
  try {
    const j = JSON.parse(readFileSync(file, 'utf8'));
    if (j?.format !== TAG || j.version !== FORMAT || j.key !== key || j.endianness !== endianness()) return null;
    const { shapes, values } = j;
    if (!Array.isArray(shapes) || !Array.isArray(values) || shapes.length !== values.length || !shapes.every(isShape)) return null;
    const bufs = values.map((v: unknown) => Buffer.from(typeof v === 'string' ? v : '', 'base64'));
    if (bufs.some((b: Buffer, i: number) => b.length !== 4 * shapes[i].reduce((a: number, d: number) => a * d, 1))) return null;
    if (digest(bufs) !== j.sha256) return null;
    // copy into fresh, aligned arrays (a Buffer's offset need not be a multiple of 4)
    return { shapes, values: bufs.map((b: Buffer) => new Float32Array(new Uint8Array(b).buffer)) };
  } catch {
    return null;
  }
}
