import { existsSync, readFileSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import * as tf from '@tensorflow/tfjs';
import { execa } from 'execa';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { ROOT, tmp } from '../helpers';

/**
 * The disk cache of pre-trained LSTM weights (`ts/surrogate/pretrain.ts`), on real files in a
 * temp PLATEAU_CACHE: in-process with a fake pre-training (a fresh module per "process", so its
 * memory cache is empty), then end to end through fitLstm in fresh Node processes.
 */
type PretrainModule = typeof import('../../../ts/surrogate/pretrain');
const fresh = async (): Promise<PretrainModule> => {
  vi.resetModules();
  return import('../../../ts/surrogate/pretrain');
};

// weights with awkward values, so "bit-identical" means something (−0, NaN, denormals, extremes)
const SHAPES = [[2, 3], [3], [1]];
const VALUES = [
  Float32Array.of(0.1, -0, Number.NaN, 1e-42, -3.4e38, 1 / 3),
  Float32Array.of(1, 2, 3),
  Float32Array.of(Math.PI),
];
const bits = (vs: Float32Array[]) => vs.map((v) => Array.from(new Uint32Array(v.slice().buffer)));
const fakeTrain = () => vi.fn(async () => VALUES.map((v, i) => tf.tensor(v, SHAPES[i])));

let dir: string;
const saved = process.env.PLATEAU_CACHE;
beforeEach(() => {
  dir = tmp('plateau-lstm-cache-');
  process.env.PLATEAU_CACHE = dir;
});
afterEach(() => {
  if (saved === undefined) delete process.env.PLATEAU_CACHE;
  else process.env.PLATEAU_CACHE = saved;
});

describe('pre-trained weights cache (in-process)', () => {
  it('writes a file on the first call; a fresh module reads it bit for bit without training', async () => {
    const a = await fresh();
    const train = fakeTrain();
    const w = await a.pretrained('k1', train);
    expect(train).toHaveBeenCalledTimes(1);
    expect(existsSync(a.cacheFile('k1'))).toBe(true);
    expect(a.cacheFile('k1').startsWith(dir)).toBe(true);
    // only the final file is left behind, no temp files
    expect(readdirSync(dir)).toEqual([a.cacheFile('k1').slice(dir.length + 1)]);
    const again = fakeTrain();
    await a.pretrained('k1', again);
    expect(again).not.toHaveBeenCalled();

    const b = await fresh();
    const never = fakeTrain();
    const r = await b.pretrained('k1', never);
    expect(never).not.toHaveBeenCalled();
    expect(r.shapes).toEqual(SHAPES);
    expect(bits(r.values)).toEqual(bits(VALUES));
    expect(bits(r.values)).toEqual(bits(w.values));
    // another key is another file
    expect(b.cacheFile('k2')).not.toBe(b.cacheFile('k1'));
  });

  const corruptions: [string, (text: string) => string][] = [
    ['its second half cut off', (t) => t.slice(0, t.length / 2)],
    ['garbage in it', () => '\u0000\u0001not json'],
    ['nothing in it', () => ''],
    ['a flipped weight byte', (t) => t.replace(/"values":\["(.)/, (_, c) => `"values":["${c === 'A' ? 'B' : 'A'}`)],
    ['another key in it', (t) => t.replace('"key":"k1"', '"key":"k2"')],
    ['wrong shapes', (t) => t.replace('"shapes":[[2,3]', '"shapes":[[3,3]')],
  ];
  it.each(corruptions)('a cache file with %s is ignored, retrained and replaced', async (_, spoil) => {
    const a = await fresh();
    await a.pretrained('k1', fakeTrain());
    const file = a.cacheFile('k1');
    const good = readFileSync(file, 'utf8');
    const bad = spoil(good);
    expect(bad).not.toBe(good);
    writeFileSync(file, bad);
    const b = await fresh();
    const train = fakeTrain();
    const r = await b.pretrained('k1', train);
    expect(train).toHaveBeenCalledTimes(1);
    expect(bits(r.values)).toEqual(bits(VALUES));
    expect(readFileSync(file, 'utf8')).toBe(good);
  });

  it('an unwritable cache folder costs only the speed-up', async () => {
    const blocker = join(dir, 'a-file');
    writeFileSync(blocker, 'x');
    process.env.PLATEAU_CACHE = join(blocker, 'sub');
    const a = await fresh();
    const r = await a.pretrained('k1', fakeTrain());
    expect(bits(r.values)).toEqual(bits(VALUES));
  });

  it('defaults to .plateau/cache/lstm under the repo root, wherever the cwd is', async () => {
    delete process.env.PLATEAU_CACHE;
    const a = await fresh();
    expect(a.cacheDir()).toBe(join(ROOT, '.plateau', 'cache', 'lstm'));
  });
});

// A child process: fits lstm-uni-one with a small pre-training and prints its time and forecast.
const CHILD = `
import { fitLstm, roll } from ${JSON.stringify(pathToFileURL(join(ROOT, 'ts/surrogate/lstm.ts')).href)};
const n = Array.from({ length: 12 }, (_, i) => 50 * (i + 1));
const dice = n.map((v) => 0.85 - 0.3 * (v / 50) ** -0.7);
const t0 = performance.now();
const net = await fitLstm([{ model: 'm', depth: null, n: n.slice(0, 5), dice: dice.slice(0, 5) }], 'lstm-uni-one', { seed: 3, pretrain: 120, pretrainEpochs: 6, epochs: 5 });
const ms = performance.now() - t0;
const rolled = roll(net, 'm', n.map((v, i) => ({ n: v, y: i < 5 ? dice[i] : null })), 'one', 1);
console.log(JSON.stringify({ ms, dice: rolled.map((p) => p.dice) }));
`;

async function child(cache: string, script: string): Promise<{ ms: number; dice: number[] }> {
  const r = await execa('bash', [join(ROOT, 'scripts/node.sh'), '--import', 'tsx', script], { env: { PLATEAU_CACHE: cache }, cwd: ROOT, timeout: 120_000 });
  return JSON.parse(r.stdout.trim().split('\n').at(-1) as string);
}

describe('pre-trained weights cache (fresh processes, through fitLstm)', () => {
  it('the first process writes the file; the next reads it, is faster and forecasts identically; a corrupt file is replaced', async () => {
    const script = join(dir, 'fit.mts');
    writeFileSync(script, CHILD);
    const cache = join(dir, 'cache');
    const first = await child(cache, script);
    const files = readdirSync(cache);
    expect(files).toHaveLength(1);
    const file = join(cache, files[0]);
    const written = readFileSync(file, 'utf8');
    const mtime = statSync(file).mtimeMs;

    const second = await child(cache, script);
    expect(second.dice).toEqual(first.dice);
    // read, not retrained and rewritten
    expect(statSync(file).mtimeMs).toBe(mtime);
    expect(second.ms).toBeLessThan(first.ms);

    writeFileSync(file, written.slice(0, 100));
    const third = await child(cache, script);
    expect(third.dice).toEqual(first.dice);
    expect(readFileSync(file, 'utf8')).toBe(written);
    console.log(`fitLstm with a small pre-training: ${first.ms.toFixed(0)} ms trained, ${second.ms.toFixed(0)} ms cached`);
  });
});
