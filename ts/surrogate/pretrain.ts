import type * as tf from '@tensorflow/tfjs';

/**
 * Pre-trained LSTM weights, kept per process: pre-training on the synthetic family costs seconds
 * and depends only on (architecture, options, seed), so every fit with the same key starts from
 * the same weights and stays deterministic. Values are copies; callers set them on a fresh model.
 */
const cache = new Map<string, Float32Array[]>();
const shapes = new Map<string, number[][]>();

export async function pretrained(key: string, train: () => Promise<tf.Tensor[]>): Promise<{ values: Float32Array[]; shapes: number[][] }> {
  if (!cache.has(key)) {
    const ws = await train();
    cache.set(key, ws.map((w) => w.dataSync().slice() as Float32Array));
    shapes.set(key, ws.map((w) => w.shape));
  }
  return { values: cache.get(key)!, shapes: shapes.get(key)! };
}
